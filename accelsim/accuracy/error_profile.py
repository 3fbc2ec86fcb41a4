"""Read the errors a functional run injects: a timing run's ``error_profile`` or a small YAML.

Sources (``--errors``):

- a run directory, or its ``summary.json``: the ``error_profile`` section written by
  ``accelsim run`` (schema ``accelsim.error_profile/1``; see docs/accuracy.md). The functional
  model uses ``by_kind`` (one bit error rate and format per tensor kind) and ``crossbar``; the
  per-buffer ``memory`` rows are validated and reported, not re-aggregated.
- a YAML file of rates given directly (schema ``accelsim.error_rates/1``)::

      schema: accelsim.error_rates/1       # optional
      bit_error_rate: {activation: 1.0e-4, weight: 0, error: 1.0e-5}   # missing kinds: 0
      formats: {activation: int8}           # optional, overrides the workload's formats
      protect: {weight: sign_exponent}      # optional: none (default) | sign_exponent
      saturate: {error: true}               # optional: clip loads to the finite range
      crossbar:                             # optional, same shape as in the error profile
        device: ag-a-si
        adc_bits: 6
        parameters: {c2c_sigma: 0.02}
        layers: [fc1]                       # null or absent: every conv2d/linear layer

Every rate must lie in [0, 1]. In an error profile, ``by_kind.KIND.protect`` and ``.saturate``
carry the same settings (see :mod:`accelsim.accuracy.protection`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, NonNegativeFloat, NonNegativeInt

from accelsim.accuracy.protection import Protection
from accelsim.core.errors import ConfigError
from accelsim.core.formats import TENSOR_KINDS, NumberFormat, TensorKind
from accelsim.core.yamlfile import load_yaml, validate
from accelsim.hardware.memory.protection import Protect
from accelsim.results.rundir import SUMMARY, read_json

PROFILE_SCHEMA = "accelsim.error_profile/1"
RATES_SCHEMA = "accelsim.error_rates/1"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class MemoryRecord(_Strict):
    """One (tensor kind, buffer) row of the profile's ``memory`` list."""
    tensor_kind: TensorKind
    buffer: str
    technology: str
    format: NumberFormat
    bits_written: NonNegativeInt
    toggle_fraction: NonNegativeFloat
    expected_toggled_bits: NonNegativeFloat
    write_error_rate: NonNegativeFloat
    expected_bit_errors: NonNegativeFloat
    bit_error_rate: float


class KindRate(_Strict):
    bit_error_rate: float
    format: NumberFormat
    protect: Protect = "none"
    saturate: bool = False


class CrossbarSpec(_Strict):
    """Which device preset, converters, overrides and layers a run maps to crossbars."""
    device: str
    adc_bits: int | None = None
    dac_bits: int | None = None
    parameters: dict[str, Any] = Field(default_factory=dict)
    layers: list[str] | None = None
    counts: dict[str, Any] | None = None


class ErrorProfile(_Strict):
    schema_id: str = Field(alias="schema")
    memory: list[MemoryRecord] = Field(default_factory=list)
    by_kind: dict[TensorKind, KindRate]
    crossbar: CrossbarSpec | None = None


class ErrorRatesFile(_Strict):
    schema_id: str = Field(default=RATES_SCHEMA, alias="schema")
    bit_error_rate: dict[TensorKind, float]
    formats: dict[TensorKind, NumberFormat] = Field(default_factory=dict)
    protect: dict[TensorKind, Protect] = Field(default_factory=dict)
    saturate: dict[TensorKind, bool] = Field(default_factory=dict)
    crossbar: CrossbarSpec | None = None


@dataclass(frozen=True)
class ErrorSpec:
    """What to inject: a rate per tensor kind, format overrides and an optional crossbar."""
    bit_error_rate: dict[str, float] = field(default_factory=lambda: dict.fromkeys(TENSOR_KINDS, 0.0))
    formats: dict[str, str] = field(default_factory=dict)
    crossbar: CrossbarSpec | None = None
    source: str | None = None
    protection: dict[str, Protection] = field(default_factory=dict)


def read_errors(path: str | Path) -> ErrorSpec:
    """An :class:`ErrorSpec` from a run directory, a summary.json or a rates YAML."""
    p = Path(path)
    if not p.exists():
        raise ConfigError("not found", source=str(path), field="--errors",
                          fix="pass a run directory written by 'accelsim run', its "
                              "summary.json, or a rates .yaml")
    if p.is_dir():
        p = p / SUMMARY
        if not p.exists():
            raise ConfigError("run directory has no summary.json", source=str(path),
                              fix="pass a directory written by 'accelsim run' or a rates YAML")
    if not p.exists():
        raise ConfigError("not found", source=str(path),
                          fix="pass a run directory, its summary.json, or a rates .yaml")
    if p.suffix.lower() == ".json":
        return _from_summary(p)
    if p.suffix.lower() in (".yaml", ".yml"):
        return _from_rates_yaml(p)
    raise ConfigError(f"unknown errors file type {p.suffix or '(none)'!r}", source=str(path),
                      fix="pass a run directory, its summary.json, or a rates .yaml")


def _from_summary(path: Path) -> ErrorSpec:
    profile = read_json(path).get("error_profile")
    if profile is None:
        raise ConfigError("no error_profile section", source=str(path), field="error_profile",
                          fix="rerun 'accelsim run' with a version that writes error profiles")
    return spec_from_profile(profile, source=str(path))


def spec_from_profile(profile: Any, *, source: str | None = None) -> ErrorSpec:
    """Validate an ``error_profile`` mapping and turn it into an :class:`ErrorSpec`."""
    where = "error_profile"
    if not isinstance(profile, dict):
        raise ConfigError("error_profile must be a mapping", source=source, field=where)
    got = profile.get("schema")
    if got != PROFILE_SCHEMA:
        raise ConfigError(f"error profile schema {got!r} is not supported", source=source,
                          field=f"{where}.schema", fix=f"expected {PROFILE_SCHEMA!r}")
    model = validate(ErrorProfile, profile, source)
    for i, row in enumerate(model.memory):
        _check_rate(row.bit_error_rate, source, f"{where}.memory[{i}].bit_error_rate")
    rates = dict.fromkeys(TENSOR_KINDS, 0.0)
    formats, protection = {}, {}
    for kind, entry in model.by_kind.items():
        rates[kind] = _check_rate(entry.bit_error_rate, source, f"{where}.by_kind.{kind}.bit_error_rate")
        formats[kind] = entry.format
        protection[kind] = Protection(entry.protect, entry.saturate)
    return ErrorSpec(rates, formats, model.crossbar, source, protection)


def _from_rates_yaml(path: Path) -> ErrorSpec:
    data = load_yaml(path)
    if data.get("schema", RATES_SCHEMA) != RATES_SCHEMA:
        raise ConfigError(f"schema {data.get('schema')!r} is not supported", source=str(path),
                          field="schema", fix=f"use {RATES_SCHEMA!r} or leave it out")
    model = validate(ErrorRatesFile, data, str(path))
    rates = dict.fromkeys(TENSOR_KINDS, 0.0)
    for kind, rate in model.bit_error_rate.items():
        rates[kind] = _check_rate(rate, str(path), f"bit_error_rate.{kind}")
    protection = {kind: Protection(model.protect.get(kind, "none"), model.saturate.get(kind, False))
                  for kind in set(model.protect) | set(model.saturate)}
    return ErrorSpec(rates, dict(model.formats), model.crossbar, str(path), protection)


def _check_rate(rate: float, source: str | None, where: str) -> float:
    if not (isinstance(rate, (int, float)) and math.isfinite(rate) and 0.0 <= rate <= 1.0):
        raise ConfigError(f"bit error rate {rate} is outside [0, 1]", source=source, field=where,
                          fix="give a probability between 0 and 1, e.g. 1.0e-6")
    return float(rate)
