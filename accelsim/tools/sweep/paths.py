"""Dotted override paths into a hardware config dict, checked against its pydantic model.

A path is a chain of keys, e.g. ``arrays.0.rows``, ``scratchpad.act.technology``,
``scratchpad.*.mram_write.voltage_scale``, ``dram.preset``. A list item is selected by its index,
by its ``name`` or by ``*`` (every item). Keys are checked against the model (not only the keys
the base file happens to write), so a field left at its default, like ``mram_write``, can be set.
"""
from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel

from accelsim.core.errors import ConfigError

ALL = "*"


class PathError(ValueError):
    """A path that does not name a field; ``where`` is the valid prefix, ``fix`` what is valid."""

    def __init__(self, message: str, where: str, fix: str):
        super().__init__(message)
        self.where = where
        self.fix = fix


def _kind(annotation: Any) -> tuple[str, Any]:
    """('model', cls) | ('list', item type) | ('dict', value type) | ('scalar', None)."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        kinds = [_kind(a) for a in typing.get_args(annotation) if a is not type(None)]
        structured = [k for k in kinds if k[0] != "scalar"]
        return structured[0] if structured else ("scalar", None)
    if origin is typing.Annotated:
        return _kind(typing.get_args(annotation)[0])
    if origin is list:
        return ("list", typing.get_args(annotation)[0])
    if origin is dict:
        return ("dict", typing.get_args(annotation)[1])
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return ("model", annotation)
    return ("scalar", None)


def _select(items: Any, key: str, where: str) -> list[int]:
    """Indices of the list items that ``key`` selects (an index, an item's name, or ``*``)."""
    if not isinstance(items, list) or not items:
        raise PathError(f"'{where}' has no items in the base config", where,
                        "add the items to the base config first")
    names = [it.get("name") if isinstance(it, dict) else None for it in items]
    valid = [str(i) for i in range(len(items))] + [n for n in names if n] + [ALL]
    if key == ALL:
        return list(range(len(items)))
    if key.isdigit() and int(key) < len(items):
        return [int(key)]
    if key in names:
        return [names.index(key)]
    raise PathError(f"'{where}' has no item {key!r}", where,
                    "select an item by index or name: " + ", ".join(valid))


def _walk(node: Any, annotation: Any, parts: list[str], done: list[str],
          visit) -> None:
    """Follow ``parts`` through the data ``node`` typed by ``annotation``; call ``visit(parent,
    key)`` on every leaf slot. Missing dicts for model fields are created when visit writes."""
    kind, inner = _kind(annotation)
    where = ".".join(done) or "<top>"
    head, rest = parts[0], parts[1:]
    if kind == "model":
        fields = inner.model_fields
        if head not in fields:
            raise PathError(f"unknown key {head!r} at '{where}'", where,
                            "valid keys here: " + ", ".join(sorted(fields)))
        child_ann = fields[head].annotation
        if not rest:
            visit(node, head)
            return
        child = node.get(head) if isinstance(node, dict) else None
        if visit.writes and child is None and _kind(child_ann)[0] in ("model", "dict"):
            child = node[head] = {}
        _walk(child, child_ann, rest, done + [head], visit)
    elif kind == "list":
        for i in _select(node, head, where):
            if rest:
                _walk(node[i], inner, rest, done + [head], visit)
            else:
                visit(node, i)
    elif kind == "dict":
        if rest and _kind(inner)[0] == "scalar":
            raise PathError(f"'{where}.{head}' is a value and has no key {rest[0]!r}", where,
                            f"end the path at '{where}.{head}'")
        if not rest:
            visit(node, head)
        else:
            child = node.get(head) if isinstance(node, dict) else None
            _walk(child, inner, rest, done + [head], visit)
    else:
        raise PathError(f"'{where}' is a value and has no key {head!r}", where,
                        f"end the path at '{where}'")


class _Check:
    writes = False

    def __call__(self, parent, key) -> None:
        pass


class _Set:
    writes = True

    def __init__(self, value: Any):
        self.value = value

    def __call__(self, parent, key) -> None:
        parent[key] = self.value


def _parts(path: str) -> list[str]:
    parts = path.split(".")
    if not path or any(p == "" for p in parts):
        raise PathError(f"malformed path {path!r}", "<top>",
                        "write keys separated by dots, e.g. arrays.0.rows")
    return parts


def check_path(data: dict, model: type[BaseModel], path: str) -> None:
    """Raise :class:`PathError` unless ``path`` names a field of ``model`` in ``data``."""
    _walk(data, model, _parts(path), [], _Check())


def set_path(data: dict, model: type[BaseModel], path: str, value: Any) -> None:
    """Set ``path`` in ``data`` (in place) to ``value``."""
    _walk(data, model, _parts(path), [], _Set(value))


def path_error(exc: PathError, source: str, axis: str) -> ConfigError:
    return ConfigError(str(exc), source=source, field=f"axis {axis}", fix=exc.fix)
