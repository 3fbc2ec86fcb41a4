"""Progress bars for long work (sweeps, studies, accuracy runs), through tqdm.

A bar is drawn on standard error only when it is a terminal (tqdm's ``disable=None``), so
logs, pipes and CI stay clean; ``enabled`` forces it on or off.
"""
from __future__ import annotations

import sys
from typing import TextIO


def progress(total: int, what: str, *, enabled: bool | None = None,
             stream: TextIO | None = None):
    """A tqdm bar over ``total`` items called ``what`` (e.g. ``"points"``)."""
    from tqdm import tqdm

    stream = stream or sys.stderr
    disable = None if enabled is None else not enabled
    if disable is None and not stream.isatty():
        disable = True
    return tqdm(total=total, unit=f" {what}", file=stream, disable=disable,
                leave=True)
