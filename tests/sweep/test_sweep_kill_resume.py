"""A sweep killed with SIGKILL midway resumes: every point ends up stored exactly once, with the
values of an uninterrupted sweep, and the store is never corrupt."""
import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time

from sweepkit import MLP, write_sweep
from test_sweep_run import stored

from accelsim.tools.sweep import run_sweep

POINTS = 40
KILL_AFTER = 5


def ok_points(db_path) -> int:
    if not db_path.exists():
        return 0
    try:
        with sqlite3.connect(db_path, timeout=1) as db:
            return db.execute("SELECT COUNT(*) FROM points WHERE status = 'ok'").fetchone()[0]
    except sqlite3.OperationalError:   # the schema is not written yet
        return 0


def test_sigkill_midway_then_rerun_stores_every_point_once(tmp_path):
    axes = [{"path": "arrays.0.rows", "values": list(range(2, 2 + POINTS // 2)), "label": "rows"},
            {"path": "scratchpad.*.technology", "values": ["sram_22nm", "stt_mram_22nm"],
             "label": "memory"}]
    path = write_sweep(tmp_path, axes, workloads=(MLP,))
    store = tmp_path / "killed.db"
    # Points from ordinal KILL_AFTER on wait for a file that never appears, so that exactly
    # KILL_AFTER points are stored when the sweep is killed, however fast the machine is.
    code = f"""
import multiprocessing, pathlib, time
multiprocessing.set_start_method("fork")  # the pool workers inherit the gate below
from accelsim.tools.sweep import executors, run_sweep
real = executors.run_point
def gated(task):
    while task.ordinal >= {KILL_AFTER} and not pathlib.Path({str(tmp_path / "never")!r}).exists():
        time.sleep(0.05)
    return real(task)
executors.run_point = gated
run_sweep({str(path)!r}, {str(store)!r}, jobs=2)
"""
    proc = subprocess.Popen([sys.executable, "-c", code], start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 300  # a safety net only: the gate decides when to kill
        while ok_points(store) < KILL_AFTER and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        finished_early = proc.poll() is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)    # the sweep and its pool workers
        _, err = proc.communicate()
    assert not finished_early, err.decode()
    done_at_kill = ok_points(store)
    assert done_at_kill == KILL_AFTER, "the sweep was not killed at the gate"

    with sqlite3.connect(store) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # every stored point is complete: its layer rows were committed with it
        assert db.execute("SELECT COUNT(*) FROM points p WHERE NOT EXISTS "
                          "(SELECT 1 FROM layers l WHERE l.point_id = p.id)").fetchone()[0] == 0

    resumed = run_sweep(path, store, jobs=2)
    assert resumed.skipped == done_at_kill and resumed.ran == POINTS - done_at_kill
    run_sweep(path, tmp_path / "whole.db", jobs=2)

    with sqlite3.connect(store) as db:
        total, distinct = db.execute(
            "SELECT COUNT(*), COUNT(DISTINCT config_hash || workload_sha256 || phases || batch "
            "|| '/' || seed) FROM points").fetchone()
    assert total == distinct == POINTS
    assert stored(store) == stored(tmp_path / "whole.db")
