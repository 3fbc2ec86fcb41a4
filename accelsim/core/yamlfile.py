"""YAML loading and pydantic validation with one-line, actionable errors."""
from __future__ import annotations

import typing
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from accelsim.core import ranges
from accelsim.core.errors import ConfigError

M = TypeVar("M", bound=BaseModel)


def read_text(path: str | Path) -> str:
    p = Path(path)
    if not p.exists():
        raise ConfigError("file not found", source=str(path),
                          fix="check the path, or name a shipped file ('accelsim list' shows them)")
    if p.is_dir():
        raise ConfigError("is a directory, expected a file", source=str(path),
                          fix="name a file inside it")
    raw = p.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ConfigError(f"not UTF-8 text: byte 0x{raw[exc.start]:02x} ({exc.reason})",
                          source=str(path), field=f"line {line}, column {column}",
                          fix="save the file as UTF-8 (e.g. 'iconv -f latin1 -t utf-8'), or "
                              "write the character in ASCII") from None


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a key written twice in one mapping (the second would
    silently win); keys brought in by a ``<<`` merge may still be overridden."""

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                line = key_node.start_mark.line + 1
                try:
                    if key in seen:
                        raise _DuplicateKey(key, line, seen[key])
                    seen[key] = line
                except TypeError:  # an unhashable key: the base class reports it
                    continue
        return super().construct_mapping(node, deep=deep)


class _DuplicateKey(Exception):
    def __init__(self, key: Any, line: int, first: int):
        super().__init__(key)
        self.key, self.line, self.first = key, line, first


def load_yaml(path: str | Path) -> dict[str, Any]:
    """Parse a YAML mapping; malformed YAML names the line and column, a key written twice in
    one mapping is an error (file, line, key)."""
    text = read_text(path)
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 (a SafeLoader subclass)
    except _DuplicateKey as dup:
        raise ConfigError(f"key {dup.key!r} appears twice in one mapping (first on line "
                          f"{dup.first})", source=str(path), field=f"line {dup.line}",
                          fix="keep one of the two; YAML would silently use the last") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"malformed YAML: {problem}", source=str(path), field=where,
                          fix="check indentation and ':' separators") from None
    if data is None:
        raise ConfigError("the file is empty (or only comments)", source=str(path),
                          fix="write the config as a YAML mapping of keys, e.g. 'name: ...'")
    if not isinstance(data, dict):
        raise ConfigError(f"expected a YAML mapping of keys at the top level, got a "
                          f"{_yaml_type(data)}", source=str(path),
                          fix="write 'key: value' lines at the top level, not a list or a value")
    return data


def _yaml_type(value: Any) -> str:
    return {list: "list", str: "string", int: "number", float: "number",
            bool: "boolean"}.get(type(value), type(value).__name__)


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """The pydantic model class that owns the field at ``loc`` (for listing valid keys).
    A discriminated union is resolved by the tag that pydantic puts into ``loc``."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        members = _models_in(current)
        if len(members) > 1:  # a union: the next loc part is the discriminator tag
            tagged = [m for m in members if _tag(m) == part]
            if tagged:
                current = tagged[0]
                continue
        if len(members) != 1:
            return None
        field = members[0].model_fields.get(str(part))
        if field is None:
            return None
        current = field.annotation
    members = _models_in(current)
    return members[0] if len(members) == 1 else None


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models an annotation can hold (through list[...], unions, Annotated)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    out: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        for m in _models_in(arg):
            if m not in out:
                out.append(m)
    return out


def _tag(model: type[BaseModel]) -> Any:
    field = model.model_fields.get("kind")
    return field.default if field is not None else None


def validate(model: type[M], data: Any, source: str | None) -> M:
    """Validate ``data`` against ``model``; the first problem becomes a ConfigError."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise translate(exc, model, source, data) from None


def translate(exc: ValidationError, model: type[BaseModel], source: str | None,
              data: Any = None) -> ConfigError:
    errors = exc.errors()
    # an unknown key is most likely a typo of a key reported missing: say that first
    err = next((e for e in errors if e.get("type") == "extra_forbidden"), errors[0])
    loc = tuple(err.get("loc", ()))
    field = _format_loc(loc, data)
    kind = err.get("type", "")
    if kind == "extra_forbidden":
        owner = _model_at(model, loc[:-1])
        valid = sorted(owner.model_fields) if owner else []
        return ConfigError(f"unknown key {loc[-1]!r}", source=source, field=field,
                           fix="valid keys here: " + ", ".join(valid) if valid else None)
    if kind == "missing":
        return ConfigError("required key is missing", source=source, field=field)
    value = err.get("input")
    if kind == "plausible_range":
        return ConfigError(err["msg"], source=source, field=field,
                           fix=f"use a value in range (each range and its source: {ranges.DOC})")
    if kind in ("int_type", "int_from_float") and isinstance(value, float):
        return ConfigError(f"expected a whole number, got {value!r}", source=source,
                           field=field, fix="write it without a decimal point")
    if kind in ("int_type", "float_type") and isinstance(value, (bool, str)):
        want = "a whole number" if kind == "int_type" else "a number"
        if isinstance(value, bool):
            return ConfigError(f"expected {want}, got the boolean {str(value).lower()}",
                               source=source, field=field,
                               fix="write a number (YAML reads true/false/yes/no/on/off as "
                                   "booleans)")
        fix = "write the value as a number, in digits"
        if _looks_numeric(value):
            fix = ("write it unquoted, with a decimal point in an exponent (YAML reads 1e6 as "
                   "text; write 1.0e+6 or 1000000)")
        return ConfigError(f"expected {want}, got the text {value!r}", source=source,
                           field=field, fix=fix)
    msg = err.get("msg", "invalid value").removeprefix("Value error, ")
    shown = "" if isinstance(value, (dict, list)) else f" (got {value!r})"
    return ConfigError(f"{msg}{shown}", source=source, field=field)


def _looks_numeric(text: str) -> bool:
    try:
        float(text.replace("_", ""))
    except ValueError:
        return False
    return True


def _format_loc(loc: tuple, data: Any) -> str | None:
    parts: list[str] = []
    node = data
    for part in loc:
        if isinstance(part, int):
            name = None
            if isinstance(node, list) and part < len(node) and isinstance(node[part], dict):
                name = node[part].get("name")
            parts.append(f"[{part}]" + (f"({name})" if name else ""))
            node = node[part] if isinstance(node, list) and part < len(node) else None
        else:
            if isinstance(node, dict) and part in node:
                node = node[part]
                parts.append(("." if parts else "") + str(part))
            # discriminator tags (e.g. 'conv2d') are not keys of the data: skip them
            elif not (isinstance(node, dict) and part in node.values()):
                parts.append(("." if parts else "") + str(part))
                node = None
    return "".join(parts) or None
