"""Run a sweep: expand and check it, skip finished points, execute the rest, store each result.

Order of work: everything that can be wrong with the input (sweep file, base config, axis paths,
values, workloads, the Dask scheduler) is checked before the first point runs. Then each
finished point is written by this process in its own transaction, as soon as it arrives.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from accelsim.core.limits import DEFAULT_MAX_STEPS
from accelsim.tools.sweep.executors import make_executor
from accelsim.tools.sweep.points import build_tasks
from accelsim.tools.sweep.progress import Progress
from accelsim.tools.sweep.spec import load_spec
from accelsim.tools.sweep.store import SweepStore


@dataclass
class PointError:
    axes: dict
    workload: str
    message: str


@dataclass
class SweepReport:
    store: Path
    points: int                  # distinct points of the sweep
    skipped: int                 # already in the store from an earlier run
    ran: int = 0
    errors: list[PointError] = field(default_factory=list)
    executor: str = "none"
    wall_seconds: float = 0.0

    @property
    def ok(self) -> int:
        return self.ran - len(self.errors)


def default_store(sweep_path: str | Path) -> Path:
    """``out/<sweep file stem>.db`` in the current directory."""
    return Path("out") / f"{Path(sweep_path).stem}.db"


def run_sweep(sweep_path: str | Path, store_path: str | Path | None = None, *, jobs: int = 1,
              dask: str | None = None, dask_local: int | None = None,
              dask_timeout_s: float = 5.0, progress: bool | None = None,
              max_steps: int | None = DEFAULT_MAX_STEPS) -> SweepReport:
    t0 = time.perf_counter()
    spec = load_spec(sweep_path)
    tasks, columns = build_tasks(spec, sweep_path)
    for t in tasks:
        t.max_steps = max_steps
    store_path = Path(store_path) if store_path else default_store(sweep_path)
    finished: set[tuple] = set()
    if store_path.exists():
        with SweepStore(store_path, create=False) as store:
            finished = store.finished_keys()
    todo = [t for t in tasks if t.key not in finished]
    report = SweepReport(store_path, len(tasks), len(tasks) - len(todo))
    executor = make_executor(jobs, dask, dask_local, dask_timeout_s) if todo else None
    try:
        with SweepStore(store_path) as store:
            store.set_meta("sweep_file", str(sweep_path))
            store.set_meta("spec", spec.model_dump_json())
            store.set_meta("axes", json.dumps(columns))
            if executor is None:
                return report
            report.executor = executor.name
            by_ordinal = {t.ordinal: t for t in todo}
            bar = Progress(len(todo), enabled=progress)
            try:
                for result in executor.map(todo):
                    task = by_ordinal[result["ordinal"]]
                    store.write_point(task, result)
                    report.ran += 1
                    if result["status"] != "ok":
                        report.errors.append(PointError(task.axes, task.workload_path,
                                                        result["error"]))
                    bar.update(result["status"] == "ok")
            finally:
                bar.close()
    finally:
        if executor is not None:
            executor.close()
        report.wall_seconds = time.perf_counter() - t0
    return report
