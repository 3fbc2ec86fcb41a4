"""Diff two results (run directories or sweep stores) per case, layer, phase and metric.

Compared metrics are the numeric columns whose names match the metric globs (default: every
``*_cycles`` column — compute, total and each stall cause — and every ``*_energy_pj`` column),
on every (layer, phase) row and on the step totals (row ``(step)``). A regression is a value beyond
its tolerance, or anything present in BASE and missing in NEW or vice versa: a case, a row, or a
metric of BASE (a metric only NEW has is reported as new, not as a regression).
"""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field

from accelsim.core.errors import ConfigError
from accelsim.tools.compare.sources import STEP, Case, load
from accelsim.tools.compare.tolerance import Tolerance, Tolerances

DEFAULT_METRICS = ("*_cycles", "*_energy_pj")


@dataclass
class Change:
    case: str
    layer: str
    phase: str
    metric: str
    base: float
    new: float
    tolerance: Tolerance
    fails: bool


@dataclass
class Comparison:
    base: str
    new: str
    changes: list[Change] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)   # regressions other than value moves
    notes: list[str] = field(default_factory=list)      # informational
    values: int = 0
    rows: int = 0
    cases: int = 0
    metrics: set[str] = field(default_factory=set)      # names of the compared metrics

    @property
    def failures(self) -> list[Change]:
        return [c for c in self.changes if c.fails]

    @property
    def regressed(self) -> bool:
        return bool(self.failures or self.problems)


def _numeric(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _metrics(row: dict, globs) -> list[str]:
    return [k for k, v in row.items()
            if _numeric(v) and any(fnmatch.fnmatchcase(k, g) for g in globs)]


def _where(case: str, layer: str, phase: str) -> str:
    row = f"layer {layer} phase {phase}" if phase != "-" else "step totals"
    return f"{case}: {row}" if case else row


def compare_cases(out: Comparison, label: str, base: Case, new: Case, tol: Tolerances,
                  globs) -> None:
    if base.error or new.error:
        if base.error and new.error:
            out.notes.append(f"{label}: failed on both sides ({new.error})")
        elif new.error:
            out.problems.append(f"{label}: failed on NEW: {new.error}")
        else:
            out.notes.append(f"{label}: failed on BASE, ok on NEW ({base.error})")
        return
    for key in base.rows.keys() - new.rows.keys():
        out.problems.append(f"{_where(label, *key)}: missing on NEW")
    for key in new.rows.keys() - base.rows.keys():
        out.problems.append(f"{_where(label, *key)}: missing on BASE (only NEW has it)")
    new_only: set[str] = set()
    for key, b_row in base.rows.items():
        n_row = new.rows.get(key)
        if n_row is None:
            continue
        out.rows += 1
        b_metrics = _metrics(b_row, globs)
        out.metrics.update(b_metrics)
        for m in b_metrics:
            if not _numeric(n_row.get(m)):
                out.problems.append(f"{_where(label, *key)}: metric {m} missing on NEW")
                continue
            b, n = b_row[m], n_row[m]
            out.values += 1
            if b == n:
                continue
            t = tol.for_metric(m, b, n)
            out.changes.append(Change(label, key[0], key[1], m, b, n, t, not t.holds(b, n)))
        new_only.update(set(_metrics(n_row, globs)) - set(b_metrics))
    if new_only:
        out.notes.append(f"{label + ': ' if label else ''}metrics only NEW has (not compared): "
                         + ", ".join(sorted(new_only)))


def compare_paths(base_path: str, new_path: str, tol: Tolerances | None = None,
                  metrics=DEFAULT_METRICS) -> Comparison:
    """Compare two results; ConfigError when they cannot be compared at all, or when a
    command-line tolerance rule matches none of the compared metrics."""
    tol = tol or Tolerances()
    base_kind, base = load(base_path)
    new_kind, new = load(new_path)
    if base_kind != new_kind:
        raise ConfigError(f"cannot compare a {base_kind} with a {new_kind}", source=str(new_path),
                          fix="compare two run directories or two sweep stores")
    out = Comparison(str(base_path), str(new_path))
    common = [k for k in base if k in new]
    if not common:
        raise ConfigError("no point in common with BASE (same workload, batch, seed and axis "
                          "values)", source=str(new_path),
                          fix="compare two stores of the same sweep")
    for label in base:
        if label not in new:
            out.problems.append(f"point {label}: missing on NEW")
    for label in new:
        if label not in base:
            out.problems.append(f"point {label}: missing on BASE (only NEW has it)")
    for label in common:
        b, n = base[label], new[label]
        if b.workload and n.workload and b.workload != n.workload:
            raise ConfigError(f"different workloads: BASE ran {b.workload!r}, NEW ran "
                              f"{n.workload!r}", source=str(new_path),
                              fix="compare results of the same workload")
        if not b.error and not n.error and not (b.rows.keys() & n.rows.keys() - {(STEP, "-")}):
            raise ConfigError(f"{label + ': ' if label else ''}no (layer, phase) row in common "
                              "with BASE: different workloads?", source=str(new_path),
                              fix="compare results of the same workload")
        compare_cases(out, label, b, n, tol, metrics)
        out.cases += 1
    tol.check_matched(out.metrics)
    return out
