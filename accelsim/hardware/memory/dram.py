"""DRAM channels: a closed-form cost per transfer, the same for the engine and for replays.

A transfer of ``nbytes`` (optionally ``chunk_bytes`` every ``stride_bytes``) spreads over the
channels as the preset's address mapping sends a sequential stream (``channel_chunk_bytes`` per
channel in turn). On each channel it is served first come first served after the channel is
free, for (bursts × the stream's cycles per burst) — from the bank-group pacing of the mapping —
plus the read/write turnaround it pays while transfers of the other direction are still queued
(``rw_queue: unified``), plus tRFC for every refresh it meets on the fixed tREFI schedule. Its data
completes one idle latency (tRCD + CL or CWL) after that. docs/dram.md gives the
equations; :mod:`accelsim.hardware.memory.dram_timing` the closed forms.

Counts for energy (priced by the energy pass): row activations (rows spanned, and the open rows
each refresh closes), refreshes (of every rank of every channel on the schedule, up to the end of
the transfer that reaches them) and active-standby rank-nanoseconds (ranks serving a transfer,
refresh time excluded; the rest of the time the ranks are in precharge standby).

``preset: ideal`` (``None``) is unbounded bandwidth with zero latency.
:func:`replay` replays a list of transfers without a training step (microbenchmarks, tests).
"""
from __future__ import annotations

import math
from typing import NamedTuple

from accelsim.hardware.memory.dram_presets import DramPreset
from accelsim.hardware.memory.dram_timing import StreamTiming


class TransferCost(NamedTuple):
    end_cycle: int
    activations: int = 0
    refreshes: int = 0
    active_rank_ns: float = 0.0


class DramChannels:
    def __init__(self, env, preset: DramPreset | None, clock_ghz: float):
        self.env = env
        self.preset = preset
        self.clock_ghz = clock_ghz
        self.ideal = preset is None
        n = preset.channels if preset else 1
        self.free_at = [0.0] * n  # per channel, the cycle its last queued burst is served
        self.pending = [0.0, 0.0]  # completion cycle of the last read, of the last write
        self.unpaired = [0.0, 0.0]  # bursts per channel of each direction not yet interleaved
        self.next_channel = 0
        self.refreshes_counted_ns = 0.0
        if preset:
            self.timing = StreamTiming(preset)
            self.flat = preset.bandwidth_gb_per_s_per_channel is not None
            self._gaps: dict[tuple, float] = {}
            self.latency = [self.latency_cycles(False), self.latency_cycles(True)]
            self.turnaround = self._cycles(self.timing.turnaround_ck) / preset.queue_requests
            self.refresh_period = self._cycles(preset.trefi_ck)
            self.refresh_cycles = 0.0 if self.flat else self._cycles(preset.trfc_ck)

    def state(self) -> tuple:
        """Everything :meth:`transfer` changes, for :meth:`restore`."""
        return (list(self.free_at), list(self.pending), list(self.unpaired), self.next_channel,
                self.refreshes_counted_ns)

    def restore(self, state: tuple) -> None:
        free_at, pending, unpaired, self.next_channel, self.refreshes_counted_ns = state
        self.free_at, self.pending, self.unpaired = list(free_at), list(pending), list(unpaired)

    def _cycles(self, ck: float) -> float:
        return ck * self.preset.tck_ns * self.clock_ghz

    def latency_cycles(self, write: bool) -> float:
        if self.preset.latency_ns is not None:
            return self.preset.latency_ns * self.clock_ghz
        return self._cycles(self.timing.latency_ck(write))

    def gap_cycles(self, chunk_bytes: int | None, stride_bytes: int | None) -> float:
        """Cycles per burst of a stream of this shape (cached)."""
        key = (chunk_bytes, stride_bytes)
        if key not in self._gaps:
            p = self.preset
            self._gaps[key] = (
                p.burst_bytes / p.bandwidth_gb_per_s_per_channel * self.clock_ghz if self.flat
                else self._cycles(self.timing.stream_gap_ck(chunk_bytes, stride_bytes)))
        return self._gaps[key]

    def transfer(self, nbytes: int, *, write: bool = False, now: float | None = None,
                 chunk_bytes: int | None = None, stride_bytes: int | None = None) -> TransferCost:
        """Issue a transfer at ``now`` (default: the SimPy clock); return its completion cycle and
        its counts."""
        now = float(self.env.now if now is None else now)
        if self.ideal or nbytes <= 0:
            return TransferCost(int(now))
        p, timing = self.preset, self.timing
        n = len(self.free_at)
        span = nbytes
        if chunk_bytes and stride_bytes and stride_bytes > chunk_bytes:
            span = math.ceil(nbytes / chunk_bytes) * stride_bytes
        chunks = -(-span // timing.channel_chunk_bytes)
        width = min(n, chunks)
        first = self.next_channel
        self.next_channel = (first + chunks) % n
        bursts = -(-nbytes // p.burst_bytes) / width  # per channel
        gap = self.gap_cycles(chunk_bytes, stride_bytes)
        work = bursts * gap
        if p.rw_queue == "unified" and not self.flat:
            work += self._turnaround(write, bursts, gap, now)
        latency = self.latency[write]
        free_at = self.free_at
        # channels that have served the same transfers are free at the same time: serve one
        same = width == n and free_at.count(free_at[0]) == n
        last = 0.0
        met = idle = 0
        for i in range(1 if same else width):
            c = (first + i) % n
            begin = free_at[c]
            if begin <= now:
                begin, idle = now, idle + 1
            end, k = self._served(begin, work)
            met += k
            free_at[c] = end
            last = max(last, end)
        if same:
            self.free_at = [last] * n
            met, idle = met * n, idle * n
        done = last + latency
        self.pending[write] = max(self.pending[write], done)
        ranks = min(p.ranks, -(-(span // width) // timing.rank_chunk_bytes))
        active_ns = ranks * (work * width + latency * idle) / self.clock_ghz
        activations = -(-span // p.row_bytes) + met * timing.open_banks
        return TransferCost(int(math.ceil(done - 1e-9)), activations,
                            self._refreshes_until(done / self.clock_ghz), active_ns)

    def _served(self, begin: float, work: float) -> tuple[float, int]:
        """End of ``work`` begun at ``begin`` on a channel, each refresh of the tREFI schedule met
        on the way blocking it for tRFC; and the refreshes met."""
        trfc, period = self.refresh_cycles, self.refresh_period
        end = begin + work
        if not trfc:
            return end, 0
        k0 = math.floor(begin / period)
        k = math.floor(end / period) - k0
        while k:
            end = begin + work + k * trfc
            k2 = math.floor(end / period) - k0
            if k2 == k:
                break
            k = k2
        return end, k

    def _turnaround(self, write: bool, bursts: float, gap: float, now: float) -> float:
        """Turnaround cycles of a transfer whose bursts interleave with the other direction's
        bursts still in flight; each pair of bursts (one read, one write) is charged once."""
        mine, other = int(write), int(not write)
        pending, unpaired = self.pending, self.unpaired
        theirs = min(unpaired[other], max(0.0, pending[other] - now) / gap)
        ours = min(unpaired[mine], max(0.0, pending[mine] - now) / gap)
        paired = min(bursts, theirs)
        unpaired[other] = theirs - paired
        unpaired[mine] = ours + bursts - paired
        return paired * self.turnaround

    def _refreshes_until(self, t_ns: float) -> int:
        """Refreshes of every rank of every channel scheduled up to ``t_ns`` not yet counted."""
        counted = self.refreshes_counted_ns
        if self.flat or t_ns <= counted:
            return 0
        n = self.timing.refreshes_between(counted, t_ns)
        self.refreshes_counted_ns = t_ns
        return n * self.preset.ranks * len(self.free_at)

