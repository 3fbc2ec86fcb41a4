"""Banked scratchpad buffers as SimPy-facing resources.

A buffer has ``banks`` banks with ``ports_per_bank`` ports each. A bank is busy for the
technology's read latency (in whole clock cycles) on a read and for its write latency on a write,
so on STT-MRAM a write (~10 ns) blocks later reads of the same bank for that long. Each bank keeps
the cycle at which it becomes free (``free_at``); an access, or a batch of accesses, starts at
``max(now, free_at)`` of its bank.

Hooks (the extension contract, as SimPy resources document theirs):

* :meth:`ScratchpadBuffer.read` / :meth:`ScratchpadBuffer.write` — one access to one bank; return a
  SimPy event that fires when the access completes (used for exact timing gates);
* :meth:`ScratchpadBuffer.service` — a whole step's accesses at once, given per-bank read and write
  counts (numpy vectors); returns the completion cycle. This is what the engine uses: one call per
  step instead of one event per word (DESIGN.md §9);
* :meth:`ScratchpadBuffer.spread` — the per-bank histogram of a contiguous run of words under the
  buffer's address interleaving (closed form, cached).

With ``ideal=True`` the buffer serves anything at once (no bank conflicts).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import simpy

from ..config.hardware import Buffer
from ..timebase import ns_to_cycles
from .technology import MemoryTechnology


@lru_cache(maxsize=4096)
def _spread(units: int, start: int, banks: int) -> np.ndarray:
    """Counts per bank of ``units`` consecutive interleave units starting at bank ``start``."""
    base, extra = divmod(units, banks)
    counts = np.full(banks, base, dtype=np.int64)
    if extra:
        idx = (start + np.arange(extra)) % banks
        counts[idx] += 1
    counts.setflags(write=False)
    return counts


class ScratchpadBuffer:
    """One banked buffer with a technology's asymmetric read/write busy times."""

    def __init__(self, env: simpy.Environment, cfg: Buffer, tech: MemoryTechnology,
                 clock_ghz: float, ideal: bool = False):
        self.env = env
        self.cfg = cfg
        self.tech = tech
        self.ideal = ideal
        self.banks = cfg.banks
        self.ports = cfg.ports_per_bank
        self.read_cycles = ns_to_cycles(tech.read_latency_ns, clock_ghz)
        self.write_cycles = ns_to_cycles(tech.write_latency_ns, clock_ghz)
        self.words_per_unit = max(1, cfg.interleave // cfg.word_bytes)
        self.free_at = np.zeros(self.banks, dtype=np.int64)
        self._cursor = 0  # bank where the next contiguous run starts (rotates, deterministic)

    # -- closed-form access patterns ---------------------------------------------------------
    def words(self, nbytes: int) -> int:
        """Word accesses needed to move ``nbytes`` contiguous bytes."""
        return -(-nbytes // self.cfg.word_bytes)

    def spread(self, words: int) -> np.ndarray:
        """Per-bank access counts of ``words`` contiguous words, starting at the rotating cursor."""
        units = -(-words // self.words_per_unit)
        counts = _spread(units, self._cursor, self.banks) * self.words_per_unit
        self._cursor = (self._cursor + units) % self.banks
        return counts

    # -- timing ------------------------------------------------------------------------------
    def service(self, reads: np.ndarray, writes: np.ndarray) -> int:
        """Serve per-bank ``reads`` and ``writes`` issued now; return the completion cycle."""
        now = int(self.env.now)
        if self.ideal:
            return now
        work = reads * self.read_cycles + writes * self.write_cycles
        busy = -(-work // self.ports)
        touched = work > 0
        if not touched.any():
            return now
        begin = np.maximum(self.free_at, now)
        self.free_at = np.where(touched, begin + busy, self.free_at)
        return int(self.free_at[touched].max())

    def read(self, bank: int) -> simpy.Event:
        return self._single(bank, is_write=False)

    def write(self, bank: int) -> simpy.Event:
        return self._single(bank, is_write=True)

    def _single(self, bank: int, is_write: bool) -> simpy.Event:
        one = np.zeros(self.banks, dtype=np.int64)
        one[bank] = 1
        zero = np.zeros(self.banks, dtype=np.int64)
        done = self.service(zero, one) if is_write else self.service(one, zero)
        return self.env.timeout(done - int(self.env.now))
