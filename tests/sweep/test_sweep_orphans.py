"""`kill -9` of a sweep's parent process: its pool workers exit on their own within seconds."""
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sweepkit import MLP, write_sweep
from test_sweep_kill_resume import ok_points

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")


def children(pid: int) -> list[int]:
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            with contextlib.suppress(OSError):
                stat = (d / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    out.append(int(d.name))
    return out


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_pool_workers_exit_when_the_parent_is_killed(tmp_path):
    axes = [{"path": "arrays.0.rows", "values": list(range(2, 42)), "label": "rows"}]
    path = write_sweep(tmp_path, axes, workloads=(MLP,))
    store = tmp_path / "s.db"
    code = ("from accelsim.tools.sweep import run_sweep; "
            f"run_sweep({str(path)!r}, {str(store)!r}, jobs=2)")
    proc = subprocess.Popen([sys.executable, "-c", code], start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while ok_points(store) < 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        workers = children(proc.pid)
        assert proc.poll() is None and len(workers) >= 2, "the sweep ended before the kill"
        os.kill(proc.pid, signal.SIGKILL)          # the parent only, as `kill -9 PID` does
        proc.wait()
        deadline = time.monotonic() + 10
        while any(alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(alive(w) for w in workers), "pool workers outlived their parent"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)    # clean up whatever is left of our session
