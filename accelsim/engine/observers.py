"""Observers: optional statistics and traces, off by default so the hot path stays fast.

The simulator calls an observer's hooks only when some observers are given; with none it takes
its fast paths. The hooks (subclass :class:`Observer`, which does nothing, and override any):

* ``on_step(row, start_cycle, end_cycle, step)`` — a step of ``row``'s operation computed from
  ``start_cycle`` (its tile had arrived) to ``end_cycle`` (compute and the banks both done:
  ``end − start − step.compute_cycles`` is the step's bank-conflict stall);
* ``on_transfer(row, direction, issue_cycle, done_cycle, nbytes)`` — the DRAM loader
  (``"read"``) or writer (``"write"``) issued a transfer for ``row`` and it completed;
* ``on_wait(row, producer)`` — ``row`` waited for another operation (its dependency stall);
  ``producer`` is the row whose completion released it;
* ``on_operation(row)`` — ``row``'s operation finished (``row`` is final);
* ``on_occupancy(cycle, resident_bytes)`` — after each operation: bytes of whole tensors kept
  resident per buffer (staging slots for streamed tiles are not counted).

:class:`StepTrace` records all of them and writes the ``trace*.csv`` files of a run directory
(``accelsim run --trace``; columns in docs/outputs.md), from which ``accelsim timeline`` builds
the Perfetto timeline.
"""
from __future__ import annotations

import csv
from pathlib import Path

#: file name -> columns, for every file StepTrace writes
TRACE_FILES = {
    "trace.csv": ["layer", "phase", "unit", "start_cycle", "end_cycle", "compute_cycles",
                  "dram_read_bytes", "dram_write_bytes"],
    "trace_dram.csv": ["layer", "phase", "unit", "direction", "issue_cycle", "done_cycle",
                       "bytes"],
    "trace_waits.csv": ["layer", "phase", "unit", "wait_start_cycle", "wait_end_cycle",
                        "producer_layer", "producer_phase", "producer_unit"],
    "trace_buffers.csv": ["cycle", "buffer", "resident_bytes"],
}


class Observer:
    """The observer interface; every hook does nothing."""

    def on_step(self, row, start: int, end: int, step) -> None:
        pass

    def on_transfer(self, row, direction: str, issue: int, done: int, nbytes: int) -> None:
        pass

    def on_wait(self, row, producer) -> None:
        pass

    def on_operation(self, row) -> None:
        pass

    def on_occupancy(self, cycle: int, resident_bytes: dict[str, int]) -> None:
        pass


class StepTrace(Observer):
    """Records every step, DRAM transfer, dependency wait and buffer occupancy of a run."""

    def __init__(self):
        self.records: dict[str, list[tuple]] = {name: [] for name in TRACE_FILES}
        self._last_occupancy: dict[str, int] = {}

    @property
    def lines(self) -> list[tuple]:
        """The per-step records (``trace.csv``)."""
        return self.records["trace.csv"]

    def on_step(self, row, start: int, end: int, step) -> None:
        self.records["trace.csv"].append(
            (row.layer, row.phase, row.unit, start, end, step.compute_cycles,
             step.dram_read_bytes, step.dram_write_bytes))

    def on_transfer(self, row, direction: str, issue: int, done: int, nbytes: int) -> None:
        self.records["trace_dram.csv"].append(
            (row.layer, row.phase, row.unit, direction, issue, done, nbytes))

    def on_wait(self, row, producer) -> None:
        self.records["trace_waits.csv"].append(
            (row.layer, row.phase, row.unit, row.start_cycle,
             row.start_cycle + row.dependency_stall_cycles,
             producer.layer, producer.phase, producer.unit))

    def on_occupancy(self, cycle: int, resident_bytes: dict[str, int]) -> None:
        for name, nbytes in resident_bytes.items():
            if self._last_occupancy.get(name) != nbytes:
                self._last_occupancy[name] = nbytes
                self.records["trace_buffers.csv"].append((cycle, name, nbytes))

    def write(self, out_dir: str | Path) -> list[Path]:
        """Write every ``trace*.csv`` file into ``out_dir``; the paths written."""
        paths = []
        for name, columns in TRACE_FILES.items():
            path = Path(out_dir) / name
            with open(path, "w", newline="") as f:
                w = csv.writer(f, lineterminator="\n")
                w.writerow(columns)
                w.writerows(self.records[name])
            paths.append(path)
        return paths
