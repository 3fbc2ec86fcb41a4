"""Closed forms of DRAM stream timing, derived from a preset's timing parameters.

Everything here is a function of the preset (docs/dram.md has the equations and their reasons):

- the address mapping decides how a sequential stream spreads: how many bytes go to one channel
  before the next (``channel_chunk_bytes``), how many consecutive bursts stay in one bank group
  (``bank_group_run``), how many banks a stream keeps open (``open_banks``);
- the column-to-column gap per burst: ``max(burst, tCCD_S)`` when consecutive bursts alternate
  bank groups; within a run of R bursts in one bank group, ``max(burst, tCCD_L)``, except for
  the ``P = min(R, 2·(queue + bank queue))`` bursts around a run boundary, where the controller
  already sees the next run (another bank group) and serves both at
  ``max(burst, tCCD_S, tCCD_L/2)``;
- the idle latency to the first data: tRCD + CL (CWL for writes); the bursts follow at the gap;
- the read/write turnaround: one write→read plus one read→write switch leaves the data bus idle
  for tWTR_S + CL + tRTRS cycles, paid once per ``queue`` requests of each direction;
- refresh on a fixed schedule: every tREFI a rank is blocked for tRFC.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

from accelsim.hardware.memory.dram_presets import DramPreset


def _log2(n: int) -> int:
    return max(0, int(n).bit_length() - 1)


@dataclass(frozen=True)
class StreamTiming:
    preset: DramPreset

    # -- address mapping ------------------------------------------------------------------------
    @cached_property
    def _field_bits(self) -> list[tuple[str, int]]:
        """(field, width in bits) from the least significant burst-address bit up."""
        p = self.preset
        widths = {"ch": _log2(p.channels), "ra": _log2(p.ranks), "bg": _log2(p.bankgroups),
                  "ba": _log2(p.banks_per_group), "co": _log2(p.row_bytes // p.burst_bytes),
                  "ro": 32}
        fields = [p.mapping[i:i + 2] for i in range(0, len(p.mapping), 2)]
        return [(f, widths[f]) for f in reversed(fields)]

    def _bits_below(self, field: str, exclude: tuple[str, ...] = ()) -> int:
        bits = 0
        for f, w in self._field_bits:
            if f == field:
                return bits
            if f not in exclude:
                bits += w
        return bits

    @cached_property
    def channel_chunk_bytes(self) -> int:
        """Bytes of a sequential stream that go to one channel before the next channel."""
        return self.preset.burst_bytes << self._bits_below("ch")

    @cached_property
    def bank_group_run(self) -> int:
        """Consecutive bursts of one channel's share of a stream that stay in one bank group."""
        if self.preset.bankgroups == 1:
            return 1
        return 1 << self._bits_below("bg", exclude=("ch",))

    @cached_property
    def rank_chunk_bytes(self) -> int:
        """Bytes of one channel's share that stay in one rank."""
        return self.preset.burst_bytes << self._bits_below("ra", exclude=("ch",))

    @cached_property
    def open_banks(self) -> int:
        """Banks a sequential stream keeps open at once in a channel (bank bits below the column
        bits): the rows a refresh closes and the stream opens again."""
        names = [f for f, _ in self._field_bits]
        below = self._field_bits[:names.index("co")]
        return 1 << sum(w for f, w in below if f in ("bg", "ba"))

    # -- timing, in DRAM clock cycles -------------------------------------------------------------
    def gap_ck(self, run: float) -> float:
        """Cycles per burst of a stream whose bursts stay ``run`` at a time in one bank group."""
        p = self.preset
        single = max(p.burst_ck, p.tccd_s_ck)
        if run <= 1 or p.bankgroups == 1:
            return float(single)
        within = max(p.burst_ck, p.tccd_l_ck)
        paired = max(p.burst_ck, p.tccd_s_ck, p.tccd_l_ck / 2)
        seen = min(run, 2 * (p.queue_requests + p.bank_queue_requests))
        return within - (within - paired) * seen / run

    def stream_gap_ck(self, chunk_bytes: int | None, stride_bytes: int | None) -> float:
        """Cycles per burst of a (possibly strided) stream: ``chunk_bytes`` every
        ``stride_bytes`` keeps fewer of its bursts in each bank-group run."""
        run = float(self.bank_group_run)
        if chunk_bytes and stride_bytes and stride_bytes > chunk_bytes:
            run_bytes = run * self.preset.burst_bytes
            if stride_bytes <= run_bytes:
                run *= chunk_bytes / stride_bytes
            else:
                run = min(run, chunk_bytes / self.preset.burst_bytes)
        return self.gap_ck(run)

    def latency_ck(self, write: bool) -> int:
        p = self.preset
        return p.trcd_ck + (p.cwl_ck if write else p.cl_ck)

    @cached_property
    def turnaround_ck(self) -> int:
        """Idle data-bus cycles of one write→read plus one read→write switch."""
        p = self.preset
        wtr = p.twtr_s_ck if p.bankgroups > 1 else p.twtr_l_ck
        return wtr + p.cl_ck + p.trtrs_ck

    def refreshes_between(self, begin_ns: float, end_ns: float) -> int:
        """Refreshes of one rank scheduled in [begin, end) (every tREFI from time 0)."""
        period = self.preset.trefi_ck * self.preset.tck_ns
        return max(0, math.floor(end_ns / period) - math.floor(begin_ns / period))
