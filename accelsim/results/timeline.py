"""The timeline of one training step: spans per unit, built from a run's trace records.

:func:`spans` turns the rows of ``layers.csv`` and the per-step trace (``trace.csv``) into
non-overlapping spans per unit track: *busy* (a step computing), and stalls by cause (*bank
conflict*, *DRAM*, *dependency*), exactly as the engine attributes them (docs/outputs.md):

* a row's window opens with its dependency stall (waiting for another unit);
* each step then waits for its tile (a DRAM stall), computes (busy) and waits for the banks
  (a bank-conflict stall: the step ended later than its compute);
* the window closes with the last write-back (a DRAM stall).

Runs of identical consecutive steps are coalesced so the timeline stays small: a run that never
stalls is one busy span; a longer run that stalls every step is drawn as its DRAM wait, its
compute and its bank stall, each summed over the run, one after the other (``steps`` and
``period_cycles`` in the span say so). Per unit and per row the sums of busy and stall cycles are
exact either way. :mod:`accelsim.results.perfetto` writes the spans as Trace Event JSON and
:mod:`accelsim.tools.plot.timeline_plot` draws them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby

#: causes of a stall span, in the order the columns of layers.csv name them
STALL_CAUSES = {"bank_conflict": "bank_conflict_stall_cycles", "dram": "dram_stall_cycles",
                "dependency": "dependency_stall_cycles"}
#: a run of identical stalling steps up to this long is drawn step by step
EXACT_RUN_STEPS = 4


@dataclass
class Span:
    """One span of a unit track, in cycles: ``kind`` is ``busy`` or a stall cause."""
    unit: str
    kind: str
    start: int
    cycles: int
    layer: str
    phase: str
    steps: int = 1
    period_cycles: int = 0
    macs: int = 0
    dram_read_bytes: int = 0
    dram_write_bytes: int = 0

    @property
    def end(self) -> int:
        return self.start + self.cycles


@dataclass
class Timeline:
    spans: list[Span] = field(default_factory=list)
    units: list[str] = field(default_factory=list)   # compute units, in order of first use


def _int(row: dict, key: str) -> int:
    return int(row.get(key) or 0)


def spans(layer_rows: list[dict], steps: list[dict]) -> Timeline:
    """The timeline of rows of ``layers.csv`` (dicts) and the ``trace.csv`` records (dicts)."""
    by_row: dict[tuple, list[dict]] = {}
    for s in steps:
        by_row.setdefault((s["layer"], s["phase"], s["unit"]), []).append(s)
    out = Timeline()
    for row in sorted(layer_rows, key=lambda r: (_int(r, "start_cycle"), r["unit"])):
        unit = row["unit"]
        if unit not in out.units:
            out.units.append(unit)
        out.spans.extend(_row_spans(row, by_row.get((row["layer"], row["phase"], unit), [])))
    return out


def _row_spans(row: dict, steps: list[dict]) -> list[Span]:
    unit, layer, phase = row["unit"], row["layer"], row["phase"]
    start, end = _int(row, "start_cycle"), _int(row, "end_cycle")
    dep = _int(row, "dependency_stall_cycles")
    out: list[Span] = []

    def add(kind: str, begin: int, cycles: int, **extra) -> None:
        if cycles > 0:
            out.append(Span(unit, kind, begin, cycles, layer, phase, **extra))

    add("dependency", start, dep)
    cursor = start + dep
    if not steps:  # an operation with no recorded steps computes from the end of its wait
        add("busy", cursor, _int(row, "compute_cycles"))
        cursor += _int(row, "compute_cycles")
    pattern = []
    for s in steps:
        s_start, s_end, c = int(s["start_cycle"]), int(s["end_cycle"]), int(s["compute_cycles"])
        pattern.append((s_start - cursor, c, s_end - s_start - c,
                        int(s["dram_read_bytes"]), int(s["dram_write_bytes"]), cursor))
        cursor = s_end
    for key, group in groupby(pattern, key=lambda p: p[:5]):
        group = list(group)
        gap, c, bank, rd, wr = key
        n, begin = len(group), group[0][5]
        if n > 1 and (gap or bank) and n <= EXACT_RUN_STEPS:
            for g in group:
                _step(add, g[5], gap, c, bank, 1, rd, wr)
        else:
            _step(add, begin, gap, c, bank, n, rd, wr)
    add("dram", cursor, end - cursor)
    _apportion_macs(out, _int(row, "macs") or _int(row, "vector_ops"))
    return out


def _step(add, begin: int, gap: int, c: int, bank: int, n: int, rd: int, wr: int) -> None:
    """``n`` identical steps from ``begin``: their DRAM wait, compute and bank stall."""
    period = gap + c + bank
    extra = {"steps": n, "period_cycles": period if n > 1 else 0}
    add("dram", begin, n * gap, **extra)
    add("busy", begin + n * gap, n * c, dram_read_bytes=n * rd, dram_write_bytes=n * wr,
        **extra)
    add("bank_conflict", begin + n * (gap + c), n * bank, **extra)


def _apportion_macs(row_spans: list[Span], ops: int) -> None:
    """Share a row's MACs (or vector operations) among its busy spans by compute cycles, so
    that they add up to the row's exactly."""
    busy = [s for s in row_spans if s.kind == "busy"]
    total = sum(s.cycles for s in busy)
    done = cum = 0
    for s in busy:
        cum += s.cycles
        share = ops * cum // total
        s.macs, done = share - done, share
