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

from accelsim.core.errors import ConfigError
from accelsim.core.limits import DEFAULT_MAX_STEPS
from accelsim.core.progress import progress as progress_bar
from accelsim.tools.sweep.executors import make_executor
from accelsim.tools.sweep.points import build_tasks
from accelsim.tools.sweep.spec import load_spec, spec_identity
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


def default_store(sweep_path: str | Path, identity: str) -> Path:
    """``out/<sweep file stem>-<first 8 hex digits of the spec identity>.db`` in the current
    directory: two sweeps never share a default store, a rerun of one finds its own."""
    return Path("out") / f"{Path(sweep_path).stem}-{identity[:8]}.db"


def _check_identity(store: SweepStore, identity: str, sweep_path, allow: bool) -> None:
    """Refuse to add points to a store that another sweep spec created, unless ``allow``."""
    known = json.loads(store.meta("spec_identities") or "[]")
    if known and identity not in known and not allow:
        raise ConfigError(
            f"the store holds the points of another sweep (spec {store.meta('sweep_file')!r}, "
            f"identity {known[-1][:12]}); this spec ({sweep_path}) is {identity[:12]}",
            source=str(store.path), field="--store",
            fix="write to another store with -s, or pass --allow-other-spec to add this "
                "sweep's points to it")
    if identity not in known:
        store.set_meta("spec_identities", json.dumps([*known, identity]))


def run_sweep(sweep_path: str | Path, store_path: str | Path | None = None, *, jobs: int = 1,
              dask: str | None = None, dask_local: int | None = None,
              dask_timeout_s: float = 5.0, progress: bool | None = None,
              max_steps: int | None = DEFAULT_MAX_STEPS,
              allow_other_spec: bool = False) -> SweepReport:
    t0 = time.perf_counter()
    spec = load_spec(sweep_path)
    tasks, columns = build_tasks(spec, sweep_path)
    for t in tasks:
        t.max_steps = max_steps
    identity = spec_identity(spec, sweep_path)
    store_path = Path(store_path) if store_path else default_store(sweep_path, identity)
    finished: set[tuple] = set()
    if store_path.exists():
        with SweepStore(store_path, create=False) as store:
            _check_identity(store, identity, sweep_path, allow_other_spec)
            finished = store.finished_keys()
    todo = [t for t in tasks if t.key not in finished]
    report = SweepReport(store_path, len(tasks), len(tasks) - len(todo))
    executor = make_executor(jobs, dask, dask_local, dask_timeout_s) if todo else None
    try:
        with SweepStore(store_path) as store:
            _check_identity(store, identity, sweep_path, allow_other_spec)
            store.set_meta("sweep_file", str(sweep_path))
            store.set_meta("spec", spec.model_dump_json())
            store.set_meta("axes", json.dumps(columns))
            if executor is None:
                return report
            report.executor = executor.name
            by_ordinal = {t.ordinal: t for t in todo}
            bar = progress_bar(len(todo), "points", enabled=progress)
            failed = 0
            try:
                for result in executor.map(todo):
                    task = by_ordinal[result["ordinal"]]
                    store.write_point(task, result)
                    report.ran += 1
                    if result["status"] != "ok":
                        report.errors.append(PointError(task.axes, task.workload_path,
                                                        result["error"]))
                    if result["status"] != "ok":
                        failed += 1
                        bar.set_postfix(failed=failed, refresh=False)
                    bar.update(1)
            finally:
                bar.close()
    finally:
        if executor is not None:
            executor.close()
        report.wall_seconds = time.perf_counter() - t0
    return report
