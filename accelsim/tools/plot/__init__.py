"""PNG plots of a run directory or a sweep store (matplotlib, Agg backend).

:mod:`.run_plots`: cycles per layer stacked by cause, energy by component.
:mod:`.sweep_plots`: the energy-vs-cycles Pareto front of a sweep.
"""
from __future__ import annotations

from pathlib import Path

from accelsim.core.errors import ConfigError


def default_out(path: Path) -> Path:
    return path / "plots" if path.is_dir() else path.with_name(path.stem + "_plots")


def plot_path(path: str | Path, out_dir: str | Path | None = None, timeline: bool = False,
              window: str | None = None) -> tuple[list[Path], list[str]]:
    """Write the plots of a run directory or a sweep store; (files written, notes). With
    ``timeline``, the timeline of a run directory written with ``--trace`` (``window``:
    ``START:END`` in cycles)."""
    from accelsim.tools.sweep.store import is_store
    p = Path(path)
    out = Path(out_dir) if out_dir else default_out(p)
    if timeline:
        if not p.is_dir():
            raise ConfigError("--timeline needs a run directory", source=str(path),
                              fix="run 'accelsim run HW WORKLOAD -o DIR --trace' and plot DIR")
        from accelsim.tools.plot.timeline_plot import parse_window, plot_timeline
        return [plot_timeline(p, out / "timeline.png", parse_window(window))], []
    if p.is_dir():
        from accelsim.tools.plot.run_plots import plot_run
        files = plot_run(p, out)
        notes = [] if len(files) > 1 else ["no *_energy_pj columns in layers.csv: "
                                           "no energy plot"]
        return files, notes
    if is_store(p):
        from accelsim.tools.plot.sweep_plots import plot_sweep
        return plot_sweep(p, out)
    raise ConfigError("not found" if not p.exists() else "neither a run directory nor a sweep "
                      "store", source=str(path),
                      fix="pass a run directory (accelsim run -o DIR) or a sweep store (.db)")
