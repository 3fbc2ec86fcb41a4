"""Observers: optional statistics and traces, off by default so the hot path stays fast.

An observer implements ``on_step(row, start_cycle, end_cycle, step)`` (called after each step) and
``on_operation(row)`` (after each operation). The simulator calls them only when some are given.
"""
from __future__ import annotations

import csv
from pathlib import Path


class StepTrace:
    """Records one line per step: operation, unit, start and end cycle, DRAM bytes."""

    def __init__(self):
        self.lines: list[tuple] = []

    def on_step(self, row, start: int, end: int, step) -> None:
        self.lines.append((row.layer, row.phase, row.unit, start, end, step.compute_cycles,
                           step.dram_read_bytes, step.dram_write_bytes))

    def on_operation(self, row) -> None:
        pass

    def write(self, path: str | Path) -> None:
        with open(path, "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["layer", "phase", "unit", "start_cycle", "end_cycle", "compute_cycles",
                        "dram_read_bytes", "dram_write_bytes"])
            w.writerows(self.lines)
