"""Simulate one sweep point in a worker (a pool process, a Dask worker, or the parent at -j 1).

The point's outputs are exactly those of ``accelsim run``: the worker writes the result
directory with :func:`accelsim.results.writer.write_run` into a private temporary directory and
reads it back (:func:`accelsim.results.rundir.read_run_dir`), so the store's summary and
per-layer table always equal what ``accelsim run`` writes for the same config (including every column a later pass adds, such as energy).
Any failure becomes an error record; the worker never raises.
"""
from __future__ import annotations

import tempfile
import time
import traceback
from pathlib import Path

from accelsim.core.errors import AccelsimError
from accelsim.tools.sweep.points import Task


def run_point(task: Task) -> dict:
    """{'ordinal', 'key', 'status': 'ok'|'error', 'error', 'summary', 'rows', 'wall_seconds'}."""
    from accelsim.api import simulate
    from accelsim.results.rundir import read_run_dir
    from accelsim.results.writer import write_run
    from accelsim.workload.graph import build_graph
    from accelsim.workload.layers import Workload

    t0 = time.perf_counter()
    out = {"ordinal": task.ordinal, "key": task.key, "status": "ok", "error": None,
           "summary": None, "rows": None}
    try:
        graph = (build_graph(task.workload, task.phases) if isinstance(task.workload, Workload)
                 else task.workload)
        run = simulate(task.hw, graph, task.seed, hw_source=task.sources.get("hardware"),
                       workload_source=task.sources.get("workload"), max_steps=task.max_steps)
        with tempfile.TemporaryDirectory(prefix="accelsim-point-") as tmp:
            write_run(run, Path(tmp) / "run", wall_time=False)  # wall time is kept apart
            written = read_run_dir(Path(tmp) / "run")
        out["rows"], out["summary"] = written.rows, written.summary
    except AccelsimError as exc:
        out.update(status="error", error=str(exc))
    except Exception as exc:  # a simulator bug: record it with its origin, keep sweeping
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        out.update(status="error", error=f"internal error: {type(exc).__name__}: {exc} "
                                         f"({Path(frame.filename).name}:{frame.lineno})")
    out["wall_seconds"] = time.perf_counter() - t0
    return out
