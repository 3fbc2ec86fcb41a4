"""YAML loading and pydantic validation with one-line, actionable errors."""
from __future__ import annotations

import typing
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from accelsim.core.errors import ConfigError

M = TypeVar("M", bound=BaseModel)


def read_text(path: str | Path) -> str:
    p = Path(path)
    if not p.exists():
        raise ConfigError("file not found", source=str(path),
                          fix="check the path, or name a shipped file ('accelsim list' shows them)")
    if p.is_dir():
        raise ConfigError("is a directory, expected a file", source=str(path))
    try:
        return p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not a text file ({exc.reason})", source=str(path)) from None


def load_yaml(path: str | Path) -> dict[str, Any]:
    """Parse a YAML mapping; malformed YAML names the line and column."""
    text = read_text(path)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"malformed YAML: {problem}", source=str(path), field=where,
                          fix="check indentation and ':' separators") from None
    if not isinstance(data, dict):
        raise ConfigError("expected a YAML mapping at the top level", source=str(path))
    return data


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
    msg = err.get("msg", "invalid value").removeprefix("Value error, ")
    value = err.get("input")
    shown = "" if isinstance(value, (dict, list)) else f" (got {value!r})"
    return ConfigError(f"{msg}{shown}", source=source, field=field)


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
            elif not (isinstance(node, dict) and node.get("kind") == part):
                parts.append(("." if parts else "") + str(part))
                node = None
    return "".join(parts) or None
