"""Local worker pools whose workers never outlive the process that started them.

A ``ProcessPoolExecutor`` worker blocks on its call queue; when the parent is killed with
SIGKILL nothing tells it, and it runs on (a ``kill -9`` of ``accelsim sweep -j 2`` used to leave
both workers computing for minutes). Each worker started here runs a daemon thread that checks
once per :data:`POLL_S` whether its parent is still the process that started it and, if not,
exits at once (``os._exit``: no cleanup of a half-done point is needed, the parent owns the
store).
"""
from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor

#: seconds between two checks of the parent
POLL_S = 0.5


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(POLL_S)
    os._exit(1)


def _start_watch(parent: int) -> None:
    threading.Thread(target=_watch, args=(parent,), name="accelsim-parent-watch",
                     daemon=True).start()


def worker_pool(jobs: int) -> ProcessPoolExecutor:
    """A pool of ``jobs`` worker processes that exit when this process dies."""
    return ProcessPoolExecutor(max_workers=jobs, initializer=_start_watch,
                               initargs=(os.getpid(),))
