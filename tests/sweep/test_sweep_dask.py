"""The Dask path: a sweep of 8 points on a local Dask cluster stores exactly what the local
process pool stores."""
import pytest
from sweepkit import CNN, GRID_AXES, MLP, write_sweep
from test_sweep_run import stored

from accelsim.tools.sweep import run_sweep

pytest.importorskip("distributed")


def test_local_dask_cluster_matches_the_process_pool(tmp_path):
    path = write_sweep(tmp_path, GRID_AXES, workloads=(MLP, CNN))
    on_dask = run_sweep(path, tmp_path / "dask.db", dask_local=2)
    on_pool = run_sweep(path, tmp_path / "pool.db", jobs=2)
    assert on_dask.executor == "local Dask cluster (2 workers)"
    assert (on_dask.ran, on_dask.ok, on_pool.ok) == (8, 8, 8)
    dask_points, pool_points = stored(tmp_path / "dask.db"), stored(tmp_path / "pool.db")
    assert len(dask_points) == 8
    assert dask_points == pool_points


def test_a_task_lost_on_dask_is_a_point_error_not_an_abort(tmp_path, monkeypatch):
    """A task that raises on the worker (as a dead worker's KilledWorker does) is recorded."""
    import accelsim.tools.sweep.executors as executors

    def dies(task):
        raise MemoryError("worker ran out of memory")

    monkeypatch.setattr(executors, "run_point", dies)
    path = write_sweep(tmp_path, GRID_AXES[:1])
    report = run_sweep(path, tmp_path / "s.db", dask_local=1)
    assert (report.ran, report.ok) == (2, 0)
    assert all(e.message == "Dask task failed: MemoryError: worker ran out of memory"
               for e in report.errors)
