"""Where points run: in the parent (-j 1), a local process pool (-j N), or a Dask cluster.

Every executor yields one result record per task as points finish (any order); the parent
writes them to the store. Workers never touch the store. A task carries the validated config
and the loaded workload, so Dask workers need accelsim installed but no access to the files.
"""
from __future__ import annotations

import contextlib
from concurrent.futures import as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import Iterator

from accelsim.core.errors import ConfigError
from accelsim.tools.pool import worker_pool
from accelsim.tools.sweep.points import Task
from accelsim.tools.sweep.worker import run_point


def _lost(task: Task, why: str) -> dict:
    return {"ordinal": task.ordinal, "key": task.key, "status": "error", "error": why,
            "summary": None, "rows": None, "wall_seconds": 0.0}


class SerialExecutor:
    """Points one after the other in this process (``-j 1``)."""
    name = "serial"

    def map(self, tasks: list[Task]) -> Iterator[dict]:
        for t in tasks:
            yield run_point(t)

    def close(self) -> None:
        pass


class PoolExecutor:
    """A local process pool of ``jobs`` workers (``-j N``)."""

    def __init__(self, jobs: int):
        self.jobs = jobs
        self.name = f"process pool ({jobs} workers)"
        self.pool = worker_pool(jobs)

    def map(self, tasks: list[Task]) -> Iterator[dict]:
        futures = {self.pool.submit(run_point, t): t for t in tasks}
        for fut in as_completed(futures):
            try:
                yield fut.result()
            except BrokenProcessPool:
                yield _lost(futures[fut], "worker process died (out of memory or killed?)")

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def _import_dask():
    try:
        from dask.distributed import Client, LocalCluster
        from dask.distributed import as_completed as dask_completed
    except ImportError:
        raise ConfigError("Dask is not installed", field="--dask",
                          fix="pip install 'accelsim[dask]', or run locally with -j N") from None
    return Client, LocalCluster, dask_completed


class DaskExecutor:
    """Points on a Dask distributed cluster: an existing scheduler (``address``) or a
    LocalCluster of ``local_workers`` single-threaded worker processes."""

    def __init__(self, address: str | None = None, local_workers: int | None = None,
                 timeout_s: float = 5.0):
        Client, LocalCluster, self._completed = _import_dask()
        self.cluster = None
        if local_workers is not None:
            if local_workers < 1:
                raise ConfigError(f"--dask-local needs at least 1 worker (got {local_workers})",
                                  field="--dask-local")
            try:
                self.cluster = LocalCluster(n_workers=local_workers, threads_per_worker=1,
                                            processes=True, dashboard_address=None)
            except Exception as exc:  # Dask wraps every start-up failure in RuntimeError
                raise ConfigError(f"could not start a local Dask cluster: {exc}",
                                  field="--dask-local",
                                  fix="run locally with -j N instead") from None
            self.client = Client(self.cluster)
            self.name = f"local Dask cluster ({local_workers} workers)"
            return
        try:
            self.client = Client(address, timeout=f"{timeout_s}s")
        except (OSError, TimeoutError, ValueError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ConfigError(f"cannot reach the Dask scheduler at {address!r}: {reason}",
                              field="--dask",
                              fix="give the scheduler address (e.g. tcp://host:8786) of a "
                                  "running 'dask scheduler', or use --dask-local N") from None
        n = len(self.client.scheduler_info().get("workers", {}))
        self.name = f"Dask scheduler {address} ({n} workers now)"

    def map(self, tasks: list[Task]) -> Iterator[dict]:
        futures = self.client.map(run_point, tasks, pure=False)
        by_future = dict(zip(futures, tasks))
        for fut, result in self._completed(futures, with_results=True, raise_errors=False):
            if not isinstance(result, dict):  # (type, exception, traceback): worker died
                exc = result[1] if isinstance(result, tuple) and len(result) == 3 else result
                result = _lost(by_future[fut], f"Dask task failed: {type(exc).__name__}: {exc}")
            fut.release()
            yield result

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.client.close()
        if self.cluster is not None:
            with contextlib.suppress(Exception):
                self.cluster.close()


def make_executor(jobs: int = 1, dask: str | None = None, dask_local: int | None = None,
                  dask_timeout_s: float = 5.0):
    if dask is not None and dask_local is not None:
        raise ConfigError("give either --dask ADDRESS or --dask-local N, not both",
                          field="--dask")
    if dask is not None or dask_local is not None:
        return DaskExecutor(dask, dask_local, dask_timeout_s)
    if jobs < 1:
        raise ConfigError(f"-j must be at least 1 (got {jobs})", field="-j")
    return SerialExecutor() if jobs == 1 else PoolExecutor(jobs)
