"""Physically plausible ranges of input numbers, and strict number types that enforce them.

Every number a user writes into a config (hardware, workload, sweep, crossbar, energy table) is
declared with :func:`Int` or :func:`Real`: the value must be a real number (a YAML ``true`` or a
quoted ``"64"`` is rejected, never coerced) and lie within a documented range, with the reason
for the bounds next to it. A value outside is an error that prints the range, so a typo like a
1 PiB scratchpad fails at load time instead of being simulated.

The ranges are generous: they exclude what no machine or network could be, not what is unusual.
``docs/inputs.md`` lists them all; the table there is :func:`markdown_table` of the config
models, and a test keeps the two equal.
"""
from __future__ import annotations

import math
import types
import typing
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, Strict
from pydantic_core import PydanticCustomError, core_schema

#: where the ranges are documented (named in every range error)
DOC = "docs/inputs.md"


@dataclass(frozen=True)
class Plausible:
    """The closed range [lo, hi] (``lo_open``: (lo, hi]) of a number, with its unit and reason."""
    lo: float
    hi: float
    why: str
    unit: str = ""
    lo_open: bool = False

    def contains(self, value: float) -> bool:
        if isinstance(value, float) and math.isnan(value):
            return False
        above = value > self.lo if self.lo_open else value >= self.lo
        return above and value <= self.hi

    def text(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        return f"{'(' if self.lo_open else '['}{_num(self.lo)}, {_num(self.hi)}]{unit}"

    def problem(self, value: Any) -> str | None:
        """Why ``value`` is implausible, or None when it lies in the range."""
        if self.contains(value):
            return None
        return f"{_num(value)} is outside the plausible range {self.text()} ({self.why})"

    def check(self, value: Any) -> Any:
        if value is not None and (msg := self.problem(value)):
            raise PydanticCustomError("plausible_range", msg, {"range": self.text()})
        return value

    def __get_pydantic_core_schema__(self, source: Any, handler) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))


def _num(x: Any) -> str:
    """A bound or value as written in messages (large powers of two as ``2^n``)."""
    if isinstance(x, float) and not math.isfinite(x):
        return str(x)
    if x == int(x) and abs(x) >= 1 << 20 and math.log2(abs(x)).is_integer():
        return f"{'-' if x < 0 else ''}2^{int(math.log2(abs(x)))}"
    return f"{x:g}" if isinstance(x, float) else str(x)


def Int(lo: int, hi: int, why: str, unit: str = "") -> Any:
    """A strict integer (no booleans, strings or floats) in [lo, hi]."""
    return Annotated[int, Strict(), Plausible(lo, hi, why, unit)]


def Real(lo: float, hi: float, why: str, unit: str = "", *, lo_open: bool = False) -> Any:
    """A strict real number (an integer is accepted; booleans and strings are not) in [lo, hi]
    (``lo_open``: in (lo, hi]); infinity and NaN are always outside."""
    return Annotated[float, Strict(), Plausible(float(lo), float(hi), why, unit, lo_open)]


#: random seeds: NumPy's generators take 32-bit unsigned seeds
Seed = Int(0, (1 << 32) - 1, "NumPy random seeds are 32-bit unsigned integers")


def range_of(annotation: Any) -> Plausible | None:
    """The Plausible range declared in an annotation (through ``X | None``), if any."""
    for meta in getattr(annotation, "__metadata__", ()):
        if isinstance(meta, Plausible):
            return meta
    for arg in typing.get_args(annotation):
        found = range_of(arg) if typing.get_origin(annotation) is not Annotated else None
        if found:
            return found
    return None


def field_range(model: type[BaseModel], name: str) -> Plausible | None:
    """The Plausible range of field ``name`` of ``model``."""
    field = model.model_fields[name]
    found = [m for m in field.metadata if isinstance(m, Plausible)]
    return found[0] if found else range_of(field.annotation)


def _is_numeric(annotation: Any) -> bool:
    if annotation in (int, float):
        return True
    if annotation is bool:
        return False
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _is_numeric(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return any(_is_numeric(a) for a in typing.get_args(annotation))
    return False


def numeric_fields(model: type[BaseModel], prefix: str = "",
                   _within: tuple = ()) -> list[tuple[str, Any]]:
    """(dotted path, annotation) of every numeric field of ``model`` and the models it nests
    (lists shown as ``[]``, unions of models by their ``kind``/class name; a model nested in
    itself is walked once)."""
    if model in _within:
        return []
    out: list[tuple[str, Any]] = []
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        annotation = field.annotation
        if field.metadata:  # Field(ge=...) constraints live here; keep the Plausible, if any
            annotation = Annotated[(annotation, *field.metadata)]
        if _is_numeric(field.annotation) or range_of(annotation):
            out.append((path, annotation))
        for sub, suffix in _nested_models(field.annotation):
            out.extend(numeric_fields(sub, f"{path}{suffix}.", (*_within, model)))
    return out


def _nested_models(annotation: Any, suffix: str = "") -> list[tuple[type[BaseModel], str]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [(annotation, suffix)]
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is Annotated:
        return _nested_models(args[0], suffix)
    if origin is list:
        return _nested_models(args[0], suffix + "[]")
    if origin is dict:
        return _nested_models(args[1], suffix + ".<key>")
    if origin in (typing.Union, types.UnionType):
        models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        if len(models) > 1:
            return [(m, f"{suffix}({_tag(m)})") for m in models]
        return [x for a in args for x in _nested_models(a, suffix)]
    return []


def _tag(model: type[BaseModel]) -> str:
    field = model.model_fields.get("kind")
    return str(field.default) if field is not None and field.default else model.__name__


def markdown_table(models: dict[str, type[BaseModel]],
                   keyed: dict[str, dict[str, Plausible]] | None = None) -> str:
    """The range table of docs/inputs.md: one row per numeric field of each model, then one per
    key pattern of the free-form number maps (``keyed``: label -> {key pattern: range})."""
    lines = ["| file | field | range | why |", "|---|---|---|---|"]
    for label, model in models.items():
        for path, annotation in numeric_fields(model):
            r = range_of(annotation)
            cells = (f"`{r.text()}`", r.why) if r else ("(no range)", "")
            lines.append(f"| {label} | `{path}` | {cells[0]} | {cells[1]} |")
    for label, patterns in (keyed or {}).items():
        for pattern, r in patterns.items():
            lines.append(f"| {label} | `{pattern}` | `{r.text()}` | {r.why} |")
    return "\n".join(lines) + "\n"
