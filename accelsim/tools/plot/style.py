"""Shared matplotlib set-up: the Agg backend (no display needed), colours, figure sizes."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after selecting the backend)
from matplotlib.ticker import EngFormatter  # noqa: E402

__all__ = ["CAUSES", "COMPONENT_COLORS", "DPI", "EngFormatter", "OTHER_COLOR", "figure", "fmt_uj",
           "plt", "save"]

#: (layers.csv column, legend label, colour) of the stacked cycle bars, bottom to top
CAUSES = (
    ("compute_cycles", "compute", "#4c72b0"),
    ("bank_conflict_stall_cycles", "bank conflict stall", "#dd8452"),
    ("dram_stall_cycles", "DRAM stall", "#c44e52"),
    ("dependency_stall_cycles", "dependency stall", "#8c8c8c"),
)
#: distinct colours of the largest energy components (tab10 without its grey); the rest are grey
COMPONENT_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                    "#e377c2", "#bcbd22", "#17becf")
OTHER_COLOR = "#c7c7c7"
DPI = 110


def fmt_uj(pj: float) -> str:
    """pJ as µJ, readable: thousands separators above 1000, 4 significant digits below."""
    uj = pj / 1e6
    return f"{uj:,.0f}" if abs(uj) >= 1000 else f"{uj:.4g}"


def figure(panels: int, rows: int):
    """A row of ``panels`` panels sharing a y axis of ``rows`` bars, tall enough to read."""
    height = max(4.5, 0.26 * rows + 2.2)
    fig, axes = plt.subplots(1, panels, figsize=(4.2 * panels + 2.0, height), sharey=True,
                             squeeze=False)
    return fig, list(axes[0])


def save(fig, path: Path, legend_in: float = 0.0) -> Path:
    """Write a PNG, keeping ``legend_in`` inches at the bottom free for a figure legend."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout(rect=(0, legend_in / fig.get_figheight(), 1, 1))
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path
