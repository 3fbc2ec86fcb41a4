"""Plots of one run directory: cycles per layer stacked by cause, and energy by component.

Energy columns are found generically: every ``*_energy_pj`` column of layers.csv except
``total_energy_pj`` (their sum) is a component; components that are zero everywhere are left out.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from accelsim.core.errors import ConfigError
from accelsim.results.rundir import LAYERS, read_run_dir
from accelsim.tools.plot.style import (
    CAUSES,
    COMPONENT_COLORS,
    OTHER_COLOR,
    EngFormatter,
    figure,
    fmt_uj,
    save,
)

ENERGY_SUFFIX = "_energy_pj"
TOTAL_ENERGY = "total_energy_pj"
#: per-layer stacks show this many of the largest components; the rest are 'other'
TOP_COMPONENTS = len(COMPONENT_COLORS)


def _layers_in_order(rows: list[dict]) -> list[str]:
    return list(dict.fromkeys(str(r["layer"]) for r in rows))


def _phases(rows: list[dict]) -> list[str]:
    return list(dict.fromkeys(str(r["phase"]) for r in rows))


def plot_cycles(rows: list[dict], summary: dict, path: Path) -> Path:
    """One panel per phase; a horizontal bar per layer, stacked compute + each stall cause."""
    missing = [c for c, _, _ in CAUSES if c not in rows[0]]
    if missing:
        raise ConfigError(f"layers.csv has no column {missing[0]!r}", source=str(path.parent),
                          fix="pass the output directory of 'accelsim run'")
    layers, phases = _layers_in_order(rows), _phases(rows)
    index = {name: i for i, name in enumerate(layers)}
    fig, axes = figure(len(phases), len(layers))
    y = np.arange(len(layers))
    for ax, phase in zip(axes, phases):
        left = np.zeros(len(layers))
        for column, label, color in CAUSES:
            values = np.zeros(len(layers))
            for r in rows:
                if r["phase"] == phase:
                    values[index[str(r["layer"])]] += float(r[column])
            ax.barh(y, values, left=left, color=color, label=label, height=0.75)
            left += values
        total = left.sum()
        ax.set_title(f"{phase}\n{total:,.0f} cycles (sum of rows)", fontsize=10)
        ax.set_xlabel("cycles")
        ax.xaxis.set_major_formatter(EngFormatter())
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(y, layers, fontsize=8)
    axes[0].invert_yaxis()
    axes[0].set_ylabel("layer")
    hw = summary.get("hardware", {}).get("name", "?")
    wl = summary.get("workload", {})
    fig.suptitle(f"Cycles per layer by cause: {hw} × {wl.get('name', '?')} "
                 f"(batch {wl.get('batch', '?')}), makespan "
                 f"{summary.get('total_cycles', 0):,} cycles", fontsize=11)
    fig.legend(*axes[0].get_legend_handles_labels(), loc="lower center", ncol=len(CAUSES),
               frameon=False)
    return save(fig, path, legend_in=0.4)


def energy_components(rows: list[dict]) -> list[str]:
    cols = [c for c in rows[0] if c.endswith(ENERGY_SUFFIX) and c != TOTAL_ENERGY]
    return [c for c in cols if any(float(r[c]) for r in rows)]


def plot_energy(rows: list[dict], summary: dict, path: Path) -> Path | None:
    """Left: the step's energy by component; right: per layer (all phases) by component."""
    comps = energy_components(rows)
    if not comps:
        return None
    by_comp = (summary.get("energy_pj") or {}).get("by_component") or {}
    totals = {c: float(by_comp.get(c[:-len(ENERGY_SUFFIX)],
                                   sum(float(r[c]) for r in rows))) for c in comps}
    order = sorted(comps, key=lambda c: -totals[c])
    names = [c[:-len(ENERGY_SUFFIX)] for c in order]
    layers = _layers_in_order(rows)
    import matplotlib.pyplot as plt
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(15, max(5.0, 0.28 * len(layers) + 2.0)),
                                 gridspec_kw={"width_ratios": [1, 1.6]})
    grand = sum(totals.values())
    vals = np.array([totals[c] for c in order]) / 1e6
    top = order[:TOP_COMPONENTS]
    rest = order[TOP_COMPONENTS:]
    colors = [COMPONENT_COLORS[i] if i < len(top) else OTHER_COLOR for i in range(len(order))]
    a1.barh(np.arange(len(order)), vals, color=colors)
    a1.set_yticks(np.arange(len(order)), names, fontsize=8)
    a1.invert_yaxis()
    for i, v in enumerate(vals):
        a1.text(v, i, f" {100 * v * 1e6 / grand:.1f}%", va="center", fontsize=7)
    a1.set_xlabel("energy (µJ)")
    a1.set_xlim(0, vals.max() * 1.18)
    a1.set_title(f"step energy by component: {fmt_uj(grand)} µJ", fontsize=10)
    a1.grid(axis="x", alpha=0.3)

    index = {name: i for i, name in enumerate(layers)}
    y = np.arange(len(layers))
    left = np.zeros(len(layers))
    groups = [(c[:-len(ENERGY_SUFFIX)], [c]) for c in top] + ([("other", rest)] if rest else [])
    for k, (label, cols) in enumerate(groups):
        values = np.zeros(len(layers))
        for r in rows:
            values[index[str(r["layer"])]] += sum(float(r[c]) for c in cols) / 1e6
        a2.barh(y, values, left=left, label=label, height=0.75,
                color=colors[k] if k < len(top) else OTHER_COLOR)
        left += values
    a2.set_yticks(y, layers, fontsize=8)
    a2.invert_yaxis()
    a2.set_xlabel("energy (µJ, all phases of the layer)")
    a2.set_title("energy per layer by component (row columns; static energy over each "
                 "row's window)", fontsize=10)
    a2.grid(axis="x", alpha=0.3)
    hw = summary.get("hardware", {}).get("name", "?")
    wl = summary.get("workload", {})
    fig.suptitle(f"Energy: {hw} × {wl.get('name', '?')} (batch {wl.get('batch', '?')})",
                 fontsize=11)
    ncol = min(len(groups), 6)
    fig.legend(*a2.get_legend_handles_labels(), loc="lower center", ncol=ncol, frameon=False,
               fontsize=8)
    return save(fig, path, legend_in=0.22 * -(-len(groups) // ncol) + 0.15)


def plot_run(run_dir: Path, out_dir: Path) -> list[Path]:
    run = read_run_dir(run_dir)
    summary, rows = run.summary, run.rows
    if not rows:
        raise ConfigError("has no rows", source=str(run_dir / LAYERS))
    out = [plot_cycles(rows, summary, out_dir / "cycles_by_cause.png")]
    energy = plot_energy(rows, summary, out_dir / "energy_by_component.png")
    return out + ([energy] if energy else [])
