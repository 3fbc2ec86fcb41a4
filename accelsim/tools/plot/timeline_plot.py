"""A static timeline of one training step (PNG): one row per unit, busy and stall spans coloured
by cause, phase boundaries marked, optionally zoomed into a window of cycles.

It draws the spans of :mod:`accelsim.results.timeline`, the same data as the Perfetto JSON.
"""
from __future__ import annotations

from pathlib import Path

from accelsim.core.errors import ConfigError
from accelsim.results.perfetto import run_dir_timeline
from accelsim.tools.plot.style import CAUSES, DPI, EngFormatter, plt, save

#: span kind -> (legend label, colour), the colours of the per-layer cycle plot
KIND_STYLE = {"busy": CAUSES[0][1:], "bank_conflict": CAUSES[1][1:], "dram": CAUSES[2][1:],
              "dependency": CAUSES[3][1:]}


def parse_window(text: str | None) -> tuple[int, int] | None:
    """``START:END`` in cycles (either side may be empty) for ``--window``."""
    if not text:
        return None
    try:
        lo, hi = (int(x) if x else None for x in text.split(":"))
    except ValueError:
        raise ConfigError(f"bad window {text!r}", field="--window",
                          fix="give START:END in cycles, e.g. 0:500000 or 2000000:") from None
    return lo, hi


def plot_timeline(run_dir: str | Path, out: Path, window: tuple | None = None) -> Path:
    tl, summary = run_dir_timeline(run_dir)
    total = int(summary["total_cycles"])
    lo, hi = window or (None, None)
    lo, hi = lo or 0, total if hi is None else hi
    if not 0 <= lo < hi:
        raise ConfigError(f"empty window {lo}:{hi}", field="--window",
                          fix=f"give START < END within 0:{total}")
    units = tl.units
    fig, ax = plt.subplots(figsize=(13, 2.2 + 0.5 * len(units)))
    by_kind: dict[tuple, list] = {}
    for s in tl.spans:
        if s.end <= lo or s.start >= hi:
            continue
        a, b = max(s.start, lo), min(s.end, hi)
        by_kind.setdefault((units.index(s.unit), s.kind), []).append((a, b - a))
    for (row, kind), bars in sorted(by_kind.items()):
        label, colour = KIND_STYLE[kind]
        ax.broken_barh(bars, (row - 0.4, 0.8), facecolors=colour, linewidth=0, label=label)
    _phase_marks(ax, tl, units, lo, hi)
    handles = {label: h for h, label in zip(*ax.get_legend_handles_labels())}
    order = [KIND_STYLE[k][0] for k in KIND_STYLE if KIND_STYLE[k][0] in handles]
    ax.legend([handles[x] for x in order], order, loc="lower right", ncol=4, fontsize=8,
              bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.set_yticks(range(len(units)), units)
    ax.set_ylim(len(units) - 0.5, -0.5)
    ax.set_xlim(lo, hi)
    ax.xaxis.set_major_formatter(EngFormatter())
    ax.set_xlabel(f"cycle ({summary['workload']['name']} on {summary['hardware']['name']}: "
                  f"cycles {lo:,}–{hi:,} of {total:,})")
    fig.set_dpi(DPI)
    return save(fig, out)


def _phase_marks(ax, tl, units, lo: int, hi: int) -> None:
    """A dashed, labelled line where each phase first starts; a short tick above the first
    unit's row wherever its layer changes."""
    first: dict[str, int] = {}
    marks: list[int] = []
    for s in tl.spans:
        first[s.phase] = min(first.get(s.phase, s.start), s.start)
    for phase, start in sorted(first.items(), key=lambda kv: kv[1]):
        if lo <= start <= hi:
            ax.axvline(start, color="black", linewidth=0.7, linestyle="--")
            ax.text(start, 1.02 + 0.09 * (len(marks) % 3), f" {phase}", fontsize=8,
                    va="bottom", transform=ax.get_xaxis_transform())
            marks.append(start)
    prev, ticks = None, []
    for s in tl.spans:
        if s.unit == units[0]:
            if s.layer != prev and lo <= s.start <= hi:
                ticks.append(s.start)
            prev = s.layer
    ax.vlines(ticks, -0.5, -0.4, color="black", linewidth=0.4)
