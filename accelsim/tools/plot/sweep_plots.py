"""The energy-vs-cycles Pareto front of a sweep store, one panel per workload (and batch).

Every finished point is a marker at (total cycles, total energy); points on the Pareto front
(no other point of the panel is at least as good in both and better in one) are highlighted and
joined. Points are numbered; the list beside each panel gives each number's axis values (only
the axes that vary). A store without energy is plotted against DRAM traffic instead, and says so.
"""
from __future__ import annotations

import json
from pathlib import Path

from accelsim.core.errors import ConfigError
from accelsim.tools.plot.style import EngFormatter, plt, save
from accelsim.tools.sweep.store import SweepStore

FRONT_COLOR = "#c44e52"
OTHER_COLOR = "#8c8c8c"


def pareto_front(xs: list[float], ys: list[float]) -> list[int]:
    """Indices of the non-dominated points (minimising both), in increasing x."""
    order = sorted(range(len(xs)), key=lambda i: (xs[i], ys[i]))
    front, best = [], float("inf")
    for i in order:
        if ys[i] < best:
            front.append(i)
            best = ys[i]
    return front


def _value(v) -> str:
    if v is None:
        return "none"
    if isinstance(v, dict):
        if len(v) == 1:
            return _value(next(iter(v.values())))
        return "(" + ",".join(f"{k}={_value(x)}" for k, x in v.items()) + ")"
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, list):
        return json.dumps(v)
    return str(v)


def _labels(points: list[dict], axes: list[str]) -> list[str]:
    varying = [a for a in axes if a != "workload"
               and len({json.dumps(p["axes"].get(a), sort_keys=True) for p in points}) > 1]
    if not varying:
        return [f"point {p['id']}" for p in points]
    return ["  ".join(f"{a}={_value(p['axes'].get(a))}" for a in varying) for p in points]


ENERGY_UNITS = (("pJ", 1.0), ("nJ", 1e3), ("µJ", 1e6), ("mJ", 1e9), ("J", 1e12))


def _y_metric(points: list[dict]) -> tuple[str, list[float], str | None]:
    if all(p["total_energy_pj"] is not None for p in points):
        top = max(p["total_energy_pj"] for p in points)
        unit, scale = next(((u, f) for u, f in reversed(ENERGY_UNITS) if top >= f),
                           ENERGY_UNITS[0])
        return f"energy ({unit})", [p["total_energy_pj"] / scale for p in points], None
    note = ("no energy in this store (points were not priced): the y axis is DRAM traffic "
            "(read + write bytes) instead")
    return "DRAM traffic (bytes, read + write)", \
        [float(p["dram_read_bytes"] + p["dram_write_bytes"]) for p in points], note


def _panel(ax, lst, points, labels, ylabel, ys, title) -> None:
    xs = [float(p["total_cycles"]) for p in points]
    front = pareto_front(xs, ys)
    on = set(front)
    rest = [i for i in range(len(points)) if i not in on]
    ax.scatter([xs[i] for i in rest], [ys[i] for i in rest], s=36, facecolors="none",
               edgecolors=OTHER_COLOR, label="dominated")
    ax.plot([xs[i] for i in front], [ys[i] for i in front], "-o", color=FRONT_COLOR, ms=6,
            drawstyle="steps-post", label="Pareto front")
    span = (max(xs) - min(xs)) or 1.0
    seen: dict[int, int] = {}  # points at (almost) the same x get their numbers side by side
    for i, (x, y) in enumerate(zip(xs, ys)):
        k = seen[int(x / span * 200)] = seen.get(int(x / span * 200), -1) + 1
        ax.annotate(str(i + 1), (x, y), xytext=(4 + 13 * k, 4 if k == 0 else -3),
                    textcoords="offset points", fontsize=8,
                    color=FRONT_COLOR if i in on else "#444444",
                    fontweight="bold" if i in on else "normal")
    for axis, vals in (("x", xs), ("y", ys)):
        if min(vals) > 0 and max(vals) / min(vals) > 20:
            getattr(ax, f"set_{axis}scale")("log")
    ax.xaxis.set_major_formatter(EngFormatter())
    if "bytes" in ylabel:
        ax.yaxis.set_major_formatter(EngFormatter(unit="B"))
    ax.set_xlabel("total cycles (makespan of one training step)")
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3, which="both")
    lst.axis("off")
    lst.legend(*ax.get_legend_handles_labels(), fontsize=8, loc="lower left", frameon=False)
    n = len(points)
    size = 8 if n <= 30 else 6.5
    for i, label in enumerate(labels):
        lst.text(0.0, 1.0 - (i + 0.5) / max(n + 3, 12), f"{i + 1:>2}  {label}", fontsize=size,
                 family="monospace", va="center", transform=lst.transAxes,
                 color=FRONT_COLOR if i in on else "#333333",
                 fontweight="bold" if i in on else "normal")


def plot_sweep(store_path: Path, out_dir: Path) -> tuple[list[Path], list[str]]:
    with SweepStore(store_path, create=False) as store:
        points = store.points(status="ok")
        axes = json.loads(store.meta("axes") or "[]")
        name = store.meta("sweep_file") or store_path.name
    if not points:
        raise ConfigError("no finished point to plot", source=str(store_path),
                          fix="run the sweep first ('accelsim sweep SWEEP.yaml')")
    groups: dict[tuple, list[dict]] = {}
    for p in points:
        groups.setdefault((p["workload_name"], p["batch"], p["phases"]), []).append(p)
    notes: list[str] = []
    rows = list(groups.items())
    heights = [max(4.0, 0.2 * (len(g) + 3) + 1.2) for _, g in rows]
    fig, axs = plt.subplots(len(rows), 2, figsize=(15, sum(heights) + 0.8), squeeze=False,
                            gridspec_kw={"width_ratios": [1.5, 1], "height_ratios": heights})
    for (ax, lst), ((wl, batch, phases), group) in zip(axs, rows):
        ylabel, ys, note = _y_metric(group)
        if note and note not in notes:
            notes.append(note)
        on_front = len(pareto_front([p["total_cycles"] for p in group], ys))
        title = (f"{wl} (batch {batch}{', ' + phases if phases != 'training' else ''}): "
                 f"{len(group)} points, {on_front} on the front")
        _panel(ax, lst, group, _labels(group, axes), ylabel, ys, title)
    what = "energy" if not notes else "DRAM traffic"
    fig.suptitle(f"Sweep {Path(name).name}: {what} vs cycles (lower left is better)"
                 + ("\n" + notes[0] if notes else ""), fontsize=11)
    return [save(fig, out_dir / "pareto.png")], notes

