"""Read what ``compare`` compares: a run directory or a sweep store, as cases of layer rows.

A *case* is one simulated step: its per-(layer, phase) rows (the columns of ``layers.csv``) and
its step totals from ``summary.json`` (``total_cycles`` = the makespan, stalls by cause and every
number under ``energy_pj``, named like the layer columns: ``<cause>_stall_cycles``,
``<part>_energy_pj``). A run directory is one case; a sweep store has one case per point, named
by the point's workload, batch, seed and axis values.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from accelsim.core.errors import ConfigError
from accelsim.results.rundir import read_run_dir
from accelsim.tools.sweep.store import SweepStore, is_store

STEP = "(step)"


@dataclass
class Case:
    label: str
    rows: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    error: str | None = None
    workload: str | None = None


def step_totals(summary: dict) -> dict[str, Any]:
    """The step-level numbers of a summary, named like layer columns."""
    out: dict[str, Any] = {}
    if isinstance(summary.get("total_cycles"), (int, float)):
        out["total_cycles"] = summary["total_cycles"]
    for cause, v in (summary.get("stall_cycles_by_cause") or {}).items():
        out[f"{cause}_stall_cycles"] = v
    energy = summary.get("energy_pj") or {}
    for k, v in energy.items():
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            out[f"{k}_energy_pj"] = v
    for k, v in (energy.get("by_component") or {}).items():
        out[f"{k}_energy_pj"] = v
    return out


def _keyed(rows: list[dict], source: str) -> dict[tuple[str, str], dict]:
    """Rows by (layer, phase); a repeated pair gets '#2', '#3'... appended to its layer."""
    out: dict[tuple[str, str], dict] = {}
    for i, r in enumerate(rows):
        if "layer" not in r or "phase" not in r:
            raise ConfigError(f"row {i + 1} has no 'layer' and 'phase' columns", source=source,
                              fix="pass a layers.csv written by 'accelsim run'")
        layer, n = str(r["layer"]), 1
        while (layer, str(r["phase"])) in out:
            n += 1
            layer = f"{r['layer']}#{n}"
        out[(layer, str(r["phase"]))] = r
    return out


def run_case(path: Path) -> Case:
    """A run directory as one case (read and checked by :func:`read_run_dir`)."""
    run = read_run_dir(path)
    workload = (run.summary.get("workload") or {}).get("name")
    case = Case("", _keyed(run.rows, str(path / "layers.csv")), workload=workload)
    case.rows[(STEP, "-")] = step_totals(run.summary)
    return case


def point_label(point: dict, axes: list[str]) -> str:
    parts = [f"{point['workload_name']} batch={point['batch']}"]
    if point["seed"]:
        parts.append(f"seed={point['seed']}")
    if point["phases"] != "training":
        parts.append(point["phases"])
    shown = [a for a in axes if a not in ("workload", "batch")]  # already named above
    parts += [f"{a}={json.dumps(point['axes'].get(a), sort_keys=True)}" for a in shown]
    return " ".join(parts)


def read_store(path: Path) -> dict[str, Case]:
    cases: dict[str, Case] = {}
    with SweepStore(path, create=False) as store:
        axes = json.loads(store.meta("axes") or "[]")
        for p in store.points():
            label = point_label(p, axes)
            if p["status"] != "ok":
                cases[label] = Case(label, error=p["error"])
                continue
            case = Case(label, _keyed(store.layers(p["id"]), f"{path} point {label}"))
            case.rows[(STEP, "-")] = step_totals(p["summary"] or {})
            cases[label] = case
    return cases


def load(path: str | Path) -> tuple[str, dict[str, Case]]:
    """('run' | 'sweep', cases by label) for a run directory or a sweep store."""
    p = Path(path)
    if p.is_dir():
        return "run", {"": run_case(p)}
    if is_store(p):
        return "sweep", read_store(p)
    if not p.exists():
        raise ConfigError("not found", source=str(path),
                          fix="pass a run directory (accelsim run -o DIR) or a sweep store (.db)")
    raise ConfigError("neither a run directory nor a sweep store", source=str(path),
                      fix="pass a run directory (accelsim run -o DIR) or a sweep store (.db)")
