"""Banked scratchpad buffers as SimPy-facing resources.

A buffer has ``banks`` banks with ``ports_per_bank`` ports each. A bank is busy for the
technology's read latency (in whole clock cycles) on a read and for its write latency on a write,
so on STT-MRAM a write (~10 ns) blocks later reads of the same bank for that long. Each bank keeps
the cycle at which it becomes free (``free_at``); an access, or a batch of accesses, starts at
``max(now, free_at)`` of its bank.

Hooks (the extension contract, as SimPy resources document theirs):

* :meth:`ScratchpadBuffer.read` / :meth:`ScratchpadBuffer.write` — one access to one bank; return a
  SimPy event that fires when the access completes (used for exact timing gates);
* :meth:`ScratchpadBuffer.serve` — a whole step's accesses at once: a contiguous run of reads and
  one of writes; returns the completion cycle. This is what the engine uses: one call per buffer
  and step instead of one event per word (docs/design.md §9);
* :meth:`ScratchpadBuffer.service` — the same for arbitrary per-bank read and write counts;
* :meth:`ScratchpadBuffer.spread` — the per-bank histogram of a contiguous run of words under the
  buffer's address interleaving (closed form, cached).

With ``ideal=True`` the buffer serves anything at once (no bank conflicts).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import simpy

from accelsim.core.timebase import ns_to_cycles
from accelsim.hardware.memory.buffer_config import Buffer
from accelsim.hardware.memory.technology import MemoryTechnology


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
        # the cycle each bank becomes free is ``_base + roll(_busy, _shift)``: kept in that
        # factored form so that a step arriving after every bank is free costs no vector work
        self._base = 0
        self._busy = np.zeros(self.banks, dtype=np.int64)
        self._shift = 0
        self._horizon = 0  # every bank is free from this cycle on
        self._cursor = 0   # bank where the next contiguous run starts (rotates, deterministic)
        self._loads: dict[tuple[int, int], tuple[np.ndarray, int, int]] = {}

    def state(self) -> tuple:
        """Everything :meth:`serve` changes, for :meth:`restore`."""
        return self._base, self._busy, self._shift, self._horizon, self._cursor

    def restore(self, state: tuple) -> None:
        self._base, self._busy, self._shift, self._horizon, self._cursor = state

    @property
    def free_at(self) -> np.ndarray:
        """The cycle at which each bank becomes free."""
        return self._base + np.roll(self._busy, self._shift)

    # -- closed-form access patterns ---------------------------------------------------------
    def spread(self, words: int) -> np.ndarray:
        """Per-bank access counts of ``words`` contiguous words, starting at the rotating cursor."""
        units = -(-words // self.words_per_unit)
        counts = _spread(units, self._cursor, self.banks) * self.words_per_unit
        self._cursor = (self._cursor + units) % self.banks
        return counts

    def _load(self, read_words: int, write_words: int) -> tuple[np.ndarray, int, int]:
        """Busy cycles per bank of a run of reads followed by a run of writes that starts at
        bank 0 (rotate by the cursor), its maximum, and the interleave units it spans."""
        key = (read_words, write_words)
        hit = self._loads.get(key)
        if hit is None:
            ur = -(-read_words // self.words_per_unit)
            uw = -(-write_words // self.words_per_unit)
            reads = _spread(ur, 0, self.banks) * self.words_per_unit
            writes = _spread(uw, ur % self.banks, self.banks) * self.words_per_unit
            busy = -(-(reads * self.read_cycles) // self.ports) + \
                -(-(writes * self.write_cycles) // self.ports)
            hit = (busy, int(busy.max()), ur + uw)
            self._loads[key] = hit
        return hit

    # -- timing ------------------------------------------------------------------------------
    def serve(self, read_words: int, write_words: int, now: int | None = None) -> int:
        """Serve a step's contiguous runs of ``read_words`` reads and then ``write_words``
        writes, issued at cycle ``now`` (default: the SimPy clock; later cycles only, when
        nothing else uses the buffer in between); return the completion cycle (the busiest
        touched bank's)."""
        now = int(self.env.now) if now is None else now
        if self.ideal or not (read_words or write_words):
            return now
        busy, peak, units = self._load(read_words, write_words)
        shift = self._cursor
        self._cursor = (self._cursor + units) % self.banks
        if self._horizon <= now:  # every bank is free: no vector work needed
            self._base, self._busy, self._shift = now, busy, shift
            self._horizon = now + peak
            return self._horizon
        return self._merge(now, np.roll(busy, shift))

    def service(self, reads: np.ndarray, writes: np.ndarray) -> int:
        """Serve per-bank ``reads`` and ``writes`` issued now; return the completion cycle."""
        now = int(self.env.now)
        if self.ideal:
            return now
        busy = -(-(reads * self.read_cycles) // self.ports) + \
            -(-(writes * self.write_cycles) // self.ports)
        if not busy.any():
            return now
        return self._merge(now, busy)

    def _merge(self, now: int, busy: np.ndarray) -> int:
        free = self.free_at
        touched = busy > 0
        new = np.where(touched, np.maximum(free, now) + busy, free)
        self._base, self._busy, self._shift = 0, new, 0
        self._horizon = int(new.max())
        return int(new[touched].max())

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
