"""Simulate one sweep point in a worker (a pool process, a Dask worker, or the parent at -j 1).

The point's outputs are exactly those of ``accelsim run``: the worker writes the result
directory with :func:`accelsim.results.writer.write_run` into a private temporary directory and
reads it back, so the store's summary and per-layer table always equal what ``accelsim run``
writes for the same config (including every column a later pass adds, such as energy).
Any failure becomes an error record; the worker never raises.
"""
from __future__ import annotations

import csv
import json
import re
import tempfile
import time
import traceback
from pathlib import Path

from accelsim.core.errors import AccelsimError
from accelsim.tools.sweep.points import Task

_INT = re.compile(r"-?\d+")


def parse_value(text: str):
    """A layers.csv cell as int, float or (if neither) the string itself."""
    if _INT.fullmatch(text):
        return int(text)
    try:
        return float(text)
    except ValueError:
        return text


def read_layers(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as f:
        return [{k: parse_value(v) for k, v in row.items()} for row in csv.DictReader(f)]


def run_point(task: Task) -> dict:
    """{'ordinal', 'key', 'status': 'ok'|'error', 'error', 'summary', 'rows', 'wall_seconds'}."""
    from accelsim.api import simulate
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
            summary = write_run(run, tmp)
            out["rows"] = read_layers(Path(tmp) / "layers.csv")
        summary = json.loads(json.dumps(summary))  # plain JSON types, as summary.json holds
        summary.pop("run_info", None)              # wall time is kept apart (not a result)
        out["summary"] = summary
    except AccelsimError as exc:
        out.update(status="error", error=str(exc))
    except Exception as exc:  # a simulator bug: record it with its origin, keep sweeping
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        out.update(status="error", error=f"internal error: {type(exc).__name__}: {exc} "
                                         f"({Path(frame.filename).name}:{frame.lineno})")
    out["wall_seconds"] = time.perf_counter() - t0
    return out
