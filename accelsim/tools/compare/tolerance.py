"""Tolerances per metric: a value holds when ``|new − base| <= max(abs, rel × |base|)``.

Defaults: integer values (cycle counts) must match exactly; real values (energy in pJ) may move
by a relative ``rel_default`` (1e-9: summation-order noise, nothing physical). Rules name a metric
or a glob (``*_energy_pj``); when several match, the last one given wins. Rules given on the
command line (:meth:`Tolerances.from_args`) must each match a compared metric: a glob that
matches none would be silently ignored, so it is an input error (a typo such as ``total_cycle``).
"""
from __future__ import annotations

import fnmatch
import math
from dataclasses import dataclass

from accelsim.core.errors import ConfigError

DEFAULT_REL = 1e-9
#: metric names an error about an unmatched tolerance glob lists
MAX_NAMES_SHOWN = 8


@dataclass(frozen=True)
class Tolerance:
    rel: float = 0.0
    abs: float = 0.0

    def holds(self, base: float, new: float) -> bool:
        if isinstance(base, float) and isinstance(new, float) and math.isnan(base) and \
                math.isnan(new):
            return True
        return abs(new - base) <= max(self.abs, self.rel * abs(base))

    def __str__(self) -> str:
        parts = ([f"rel {self.rel:g}"] if self.rel else []) + \
                ([f"abs {self.abs:g}"] if self.abs else [])
        return ", ".join(parts) or "exact"


def _parse_number(text: str, where: str) -> float:
    text = text.strip()
    scale = 0.01 if text.endswith("%") else 1.0
    try:
        value = float(text.rstrip("%")) * scale
    except ValueError:
        value = float("nan")
    if not math.isfinite(value) or value < 0:
        raise ConfigError(f"bad tolerance {text!r}", field=where,
                          fix="a non-negative number, e.g. 1e-6 or 0.5%")
    return value


def parse_rules(items: list[str] | None, option: str) -> list[tuple[str, float]]:
    """``METRIC=VALUE`` strings (METRIC may be a glob) as (glob, value) pairs."""
    rules = []
    for item in items or []:
        metric, sep, value = item.partition("=")
        if not sep or not metric.strip():
            raise ConfigError(f"bad tolerance {item!r}", field=option,
                              fix="write METRIC=VALUE, e.g. total_cycles=0.01 or "
                                  "'*_energy_pj=1e-6'")
        rules.append((metric.strip(), _parse_number(value, option)))
    return rules


class Tolerances:
    """Relative and absolute rules, ``(glob, value)`` in the order given.

    ``options`` names where the rel and abs rules came from (e.g. ``("--tol", "--abs-tol")``);
    when set, :meth:`check_matched` requires every rule to match a compared metric.
    """

    def __init__(self, rel: list[tuple[str, float]] = (), abs_: list[tuple[str, float]] = (),
                 rel_default: float = DEFAULT_REL, options: tuple[str, str] | None = None):
        self.rel = list(rel)
        self.abs = list(abs_)
        self.rel_default = rel_default
        self.options = options

    @classmethod
    def from_args(cls, tol: list[str] | None, abs_tol: list[str] | None,
                  rel_default: float | None) -> "Tolerances":
        default = DEFAULT_REL if rel_default is None else _parse_number(str(rel_default),
                                                                        "--rel-tol")
        return cls(parse_rules(tol, "--tol"), parse_rules(abs_tol, "--abs-tol"), default,
                   options=("--tol", "--abs-tol"))

    @classmethod
    def from_mapping(cls, rel: dict[str, float] | None, abs_: dict[str, float] | None,
                     rel_default: float | None, where: str) -> "Tolerances":
        default = DEFAULT_REL if rel_default is None else _parse_number(str(rel_default), where)
        return cls([(k, _parse_number(str(v), where)) for k, v in (rel or {}).items()],
                   [(k, _parse_number(str(v), where)) for k, v in (abs_ or {}).items()], default)

    @staticmethod
    def _last(rules: list[tuple[str, float]], metric: str) -> float | None:
        for glob, value in reversed(rules):
            if fnmatch.fnmatchcase(metric, glob):
                return value
        return None

    def for_metric(self, metric: str, base, new) -> Tolerance:
        rel = self._last(self.rel, metric)
        if rel is None:
            integral = isinstance(base, int) and isinstance(new, int)
            rel = 0.0 if integral else self.rel_default
        return Tolerance(rel, self._last(self.abs, metric) or 0.0)

    def check_matched(self, metrics: set[str]) -> None:
        """ConfigError naming the option and the glob of the first rule that matches none of
        ``metrics`` (the compared metric names). No-op without ``options`` or ``metrics``."""
        if self.options is None or not metrics:
            return
        for option, rules in zip(self.options, (self.rel, self.abs)):
            for glob, _ in rules:
                if not any(fnmatch.fnmatchcase(m, glob) for m in metrics):
                    names = sorted(metrics, key=lambda m: (len(m), m))  # short names first
                    shown = ", ".join(names[:MAX_NAMES_SHOWN])
                    more = f", ... ({len(names)} in all)" if len(names) > MAX_NAMES_SHOWN else ""
                    raise ConfigError(f"tolerance glob {glob!r} matches no compared metric",
                                      field=option, fix=f"name a compared metric or a glob "
                                      f"of them: {shown}{more}")
