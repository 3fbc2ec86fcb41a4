"""DRAM channels as a SimPy-facing resource.

A transfer of ``nbytes`` is interleaved evenly over the channels. Each channel serves its share at
its peak bandwidth after the channel becomes free (FIFO, so concurrent requesters contend), plus
the row cycling it causes: sequential streams open ``ceil(bytes / row_bytes)`` rows, and each row
activation costs ``t_rc_ns / banks_per_channel`` of channel time (bank-level parallelism hides the
rest of tRC). The idle latency is added once per transfer. ``preset: ideal`` is unbounded
bandwidth with zero latency.

Hooks: :meth:`DramChannels.transfer` returns the completion cycle of a transfer issued now;
:meth:`DramChannels.request` wraps it in a SimPy event.
"""
from __future__ import annotations

import math

import numpy as np
import simpy

from accelsim.hardware.memory.dram_presets import DramPreset


class DramChannels:
    def __init__(self, env: simpy.Environment, preset: DramPreset | None, clock_ghz: float):
        self.env = env
        self.preset = preset
        self.clock_ghz = clock_ghz
        self.ideal = preset is None
        n = preset.channels if preset else 1
        self.free_at = np.zeros(n, dtype=np.float64)  # in cycles
        if preset:
            self.cycles_per_byte = clock_ghz / preset.bandwidth_gb_per_s_per_channel
            self.activation_cycles = preset.t_rc_ns / preset.banks_per_channel * clock_ghz
            self.latency_cycles = preset.latency_ns * clock_ghz

    def activations(self, nbytes: int) -> int:
        """Row activations of a sequential transfer of ``nbytes`` (over all channels)."""
        if self.ideal or nbytes <= 0:
            return 0
        per_channel = -(-nbytes // len(self.free_at))
        return len(self.free_at) * -(-per_channel // self.preset.row_bytes)

    def transfer(self, nbytes: int) -> int:
        """Issue a transfer of ``nbytes`` now; return the cycle at which it completes."""
        now = float(self.env.now)
        if self.ideal or nbytes <= 0:
            return int(now)
        n = len(self.free_at)
        share = -(-nbytes // n)
        rows = -(-share // self.preset.row_bytes)
        busy = share * self.cycles_per_byte + rows * self.activation_cycles
        begin = np.maximum(self.free_at, now)
        self.free_at = begin + busy
        return int(math.ceil(self.free_at.max() + self.latency_cycles - 1e-9))

    def request(self, nbytes: int) -> simpy.Event:
        return self.env.timeout(self.transfer(nbytes) - int(self.env.now))
