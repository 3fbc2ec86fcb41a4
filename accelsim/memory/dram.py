"""DRAM channels: a closed-form cost per transfer, the same for the engine and for replays.

A transfer of ``nbytes`` (optionally ``chunk_bytes`` every ``stride_bytes``) spreads over the
channels as the preset's address mapping sends a sequential stream (``channel_chunk_bytes`` per
channel in turn). On each channel it is served first come first served after the channel is
free, for (bursts × the stream's cycles per burst) — from the bank-group pacing of the mapping —
plus the read/write turnaround it pays while transfers of the other direction are still queued
(``rw_queue: unified``), plus tRFC for every refresh it meets on the fixed tREFI schedule. Its data
completes one idle latency (tRCD + CL or CWL) after that. docs/dram.md gives the
equations; :mod:`accelsim.memory.dram_timing` the closed forms.

Counts for energy (priced by the energy pass): row activations (rows spanned, and the open rows
each refresh closes), refreshes (of every rank of every channel on the schedule, up to the end of
the transfer that reaches them) and active-standby rank-nanoseconds (ranks serving a transfer,
refresh time excluded; the rest of the time the ranks are in precharge standby).

``preset: ideal`` (``None``) is unbounded bandwidth with zero latency.
:func:`replay` replays a list of transfers without a training step (microbenchmarks, tests).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .dram_presets import DramPreset
from .dram_timing import StreamTiming


@dataclass(frozen=True)
class TransferCost:
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
        self.free_at = np.zeros(n, dtype=np.float64)  # in cycles, data of the last burst
        self.pending = [0.0, 0.0]  # completion cycle of the last read, of the last write
        self.next_channel = 0
        self.refreshes_counted_ns = 0.0
        if preset:
            self.timing = StreamTiming(preset)
            self.flat = preset.bandwidth_gb_per_s_per_channel is not None

    def _cycles(self, ck: float) -> float:
        return ck * self.preset.tck_ns * self.clock_ghz

    def latency_cycles(self, write: bool) -> float:
        if self.preset.latency_ns is not None:
            return self.preset.latency_ns * self.clock_ghz
        return self._cycles(self.timing.latency_ck(write))

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
        used = [(self.next_channel + i) % n for i in range(min(n, chunks))]
        self.next_channel = (self.next_channel + chunks) % n
        bursts = -(-nbytes // p.burst_bytes) / len(used)  # per channel
        if self.flat:
            gap = p.burst_bytes / p.bandwidth_gb_per_s_per_channel * self.clock_ghz
        else:
            gap = self._cycles(timing.stream_gap_ck(chunk_bytes, stride_bytes))
        work = bursts * gap
        other = self.pending[not write] - now
        if not self.flat and p.rw_queue == "unified" and other > 0:
            overlap = min(bursts, other / gap)
            work += overlap / p.queue_requests * self._cycles(timing.turnaround_ck)
        latency = self.latency_cycles(write)
        ranks = min(p.ranks, -(-(span // len(used)) // timing.rank_chunk_bytes))
        done = 0.0
        refreshes_met = active_ns = 0.0
        for c in used:
            begin = max(self.free_at[c], now)
            if self.flat:
                end, met = begin + work, 0
            else:
                end_ns, met = timing.with_refresh_ns(begin / self.clock_ghz, work / self.clock_ghz)
                end = end_ns * self.clock_ghz
            self.free_at[c] = end
            done = max(done, end + latency)
            refreshes_met += met
            active_ns += ranks * (work + (latency if begin <= now else 0.0)) / self.clock_ghz
        self.pending[write] = max(self.pending[write], done)
        activations = -(-span // p.row_bytes) + int(refreshes_met) * timing.open_banks
        return TransferCost(int(math.ceil(done - 1e-9)), activations,
                            self._refreshes_until(done / self.clock_ghz), active_ns)

    def _refreshes_until(self, t_ns: float) -> int:
        """Refreshes of every rank of every channel scheduled up to ``t_ns`` not yet counted."""
        if self.flat or t_ns <= self.refreshes_counted_ns:
            return 0
        n = self.timing.refreshes_between(self.refreshes_counted_ns, t_ns)
        self.refreshes_counted_ns = t_ns
        return n * self.preset.ranks * len(self.free_at)


def replay(preset, transfers: list[dict], clock_ghz: float = 1.0):
    """Replay ``transfers`` on a DRAM and price it; see :mod:`accelsim.energy.dram_replay`.

    ``preset`` is a preset name or a dict of preset fields (``{"preset": "hbm2", "channels": 4}``);
    each transfer is ``{"op": "read" | "write", "bytes": int, "stream": int, "chained": bool,
    "chunk_bytes": int | None, "stride_bytes": int | None}``. A stream's chained transfers issue one
    after the other; unchained ones issue at time 0. Returns a ``DramReplay`` with ``time_ns``,
    ``bytes_read``, ``bytes_written``, ``activations``, ``energy_pj`` (by component, priced with the
    default energy table) and ``energy_pj_total``.
    """
    from ..energy.dram_replay import replay as priced_replay  # pricing sits above the models
    return priced_replay(preset, transfers, clock_ghz)
