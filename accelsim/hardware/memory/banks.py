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
* :meth:`ScratchpadBuffer.serve_step` — a step's DRAM fill, overlapped with its transfer (its
  writes may use the banks from the transfer's issue, once they are idle), then its own
  accesses (docs/design.md §5);
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
from accelsim.hardware.memory.arbitration import ARBITERS
from accelsim.hardware.memory.buffer_config import Buffer
from accelsim.hardware.memory.technology import MemoryTechnology
from accelsim.hardware.memory.write_buffer import WriteBufferQueue


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
    """One banked buffer with a technology's asymmetric read/write busy times, shared between
    ``units`` units under the buffer's bank arbitration policy
    (:mod:`accelsim.hardware.memory.arbitration`)."""

    def __init__(self, env: simpy.Environment, cfg: Buffer, tech: MemoryTechnology,
                 clock_ghz: float, ideal: bool = False, units: int = 1):
        self.env = env
        self.cfg = cfg
        self.tech = tech
        self.ideal = ideal
        self.banks = cfg.banks
        self.ports = cfg.ports_per_bank
        self.read_cycles = ns_to_cycles(tech.read_latency_ns, clock_ghz)
        self.write_cycles = ns_to_cycles(tech.write_latency_ns, clock_ghz)
        self.words_per_unit = max(1, cfg.interleave // cfg.word_bytes)
        wb = cfg.write_buffer
        #: the write buffer's drains to the banks are a requester of their own, the last one
        self.write_buffer = WriteBufferQueue(wb.entries) if wb else None
        self._drain_unit = units
        self.arbiter = ARBITERS.get(cfg.arbitration, field=f"scratchpad.{cfg.name}.arbitration")(
            self.banks, units + (1 if wb else 0))
        #: whether a later access can delay one already issued (then the engine re-checks
        #: :meth:`completion` before it lets a step end)
        self.shares = self.arbiter.shares and not ideal
        self._cursor = 0   # bank where the next contiguous run starts (rotates, deterministic)
        self._loads: dict[tuple[int, int], tuple[np.ndarray, int, int]] = {}
        self._rotations: dict[tuple[int, int, int], np.ndarray] = {}
        self._pendings: dict[tuple[int, int, int, int, int], tuple[np.ndarray, int]] = {}

    def state(self) -> tuple:
        """Everything :meth:`serve` changes, for :meth:`restore`."""
        wb = list(self.write_buffer.groups) if self.write_buffer is not None else None
        return self.arbiter.state(), self._cursor, wb

    def restore(self, state: tuple) -> None:
        arbiter, self._cursor, wb = state
        self.arbiter.restore(arbiter)
        if self.write_buffer is not None:
            self.write_buffer.groups = list(wb)

    @property
    def free_at(self) -> np.ndarray:
        """The cycle at which each bank becomes free, if nothing else arrives."""
        return self.arbiter.free_at()

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
    def serve(self, read_words: int, write_words: int, unit: int = 0,
              now: int | None = None) -> int:
        """Serve a step's contiguous runs of ``read_words`` reads and then ``write_words``
        writes, issued by ``unit`` at cycle ``now`` (default: the SimPy clock; later cycles only,
        when nothing else uses the buffer in between); return the completion cycle (the busiest
        touched bank's) as far as it is known then (see :meth:`completion`)."""
        now = int(self.env.now) if now is None else now
        if self.ideal or not (read_words or write_words):
            return now
        if self.write_buffer is not None and write_words:
            return self._serve_buffered(now, read_words, write_words, unit)
        busy, peak, units = self._load(read_words, write_words)
        shift = self._cursor
        self._cursor = (self._cursor + units) % self.banks
        return self.arbiter.book_rotated(now, unit, busy, shift, peak)

    def serve_step(self, read_words: int, write_words: int, fill_words: int, unit: int,
                   issued: int, now: int | None = None) -> int:
        """A step's accesses issued at ``now``: first its DRAM fill of ``fill_words`` words, whose
        transfer was issued at cycle ``issued``, then its own ``read_words`` reads and
        ``write_words`` writes (:meth:`serve`); return the completion of both.

        The DMA writes the banks as the data streams in, so the fill's writes start at
        ``f = min(now, max(issued, idle))``, ``idle`` being the cycle from which the work booked
        before is done: banks still busy at ``now`` take the fill at ``now``, in the step's
        window (docs/design.md §5, fill overlap)."""
        now = int(self.env.now) if now is None else now
        if self.ideal or not fill_words:
            return self.serve(read_words, write_words, unit, now)
        idle = self.arbiter.idle_from()
        start = min(now, max(issued, idle))
        if self.write_buffer is not None:
            return max(self.serve(0, fill_words, unit, start),
                       self.serve(read_words, write_words, unit, now))
        _, fill_peak, fill_units = self._load(0, fill_words)
        shift = self._cursor
        self._cursor = (shift + fill_units) % self.banks
        if start + fill_peak <= now:  # the fill landed before the step starts
            return self.serve(read_words, write_words, unit, now)
        # book what the fill leaves pending at ``now`` and the step's accesses behind it as one
        # load (the same as booking the fill at ``start``, then the accesses at ``now``)
        pending, peak = self._pending(fill_words, shift, read_words, write_words, now - start)
        if read_words or write_words:
            self._cursor = (self._cursor + self._load(read_words, write_words)[2]) % self.banks
        if idle > now:  # banks still busy: the fill joins the step's window
            return self.arbiter.book(now, unit, pending)
        return self.arbiter.book_rotated(now, unit, pending, 0, peak)

    def _pending(self, fill_words: int, shift: int, read_words: int, write_words: int,
                 late: int) -> tuple[np.ndarray, int]:
        """Busy cycles per bank of a fill run from bank ``shift`` that started ``late`` cycles
        ago, then a run of reads and writes behind it, and their maximum (cached: identical steps
        repeat with identical offsets)."""
        key = (fill_words, shift, read_words, write_words, late)
        hit = self._pendings.get(key)
        if hit is None:
            fill_units = self._load(0, fill_words)[2]
            pending = np.maximum(self._rotated(0, fill_words, shift) - late, 0)
            if read_words or write_words:
                pending += self._rotated(read_words, write_words,
                                         (shift + fill_units) % self.banks)
            pending.setflags(write=False)
            if len(self._pendings) >= 4096:
                self._pendings.clear()
            hit = self._pendings[key] = (pending, int(pending.max()))
        return hit

    def _rotated(self, read_words: int, write_words: int, shift: int) -> np.ndarray:
        """:meth:`_load`'s busy cycles per bank rotated to start at bank ``shift`` (cached)."""
        key = (read_words, write_words, shift)
        hit = self._rotations.get(key)
        if hit is None:
            hit = self._rotations[key] = np.roll(self._load(read_words, write_words)[0], shift)
        return hit

    def _serve_buffered(self, now: int, read_words: int, write_words: int, unit: int) -> int:
        """Reads from the banks; writes into the write buffer, drained to the banks behind."""
        reads, _, _ = self._load(read_words, 0)
        shift = self._cursor
        done = now
        if read_words:
            done = self.arbiter.book(now, unit, np.roll(reads, shift))
        both, _, units = self._load(read_words, write_words)
        self._cursor = (self._cursor + units) % self.banks
        drained = max(self.arbiter.book(now, self._drain_unit, np.roll(both - reads, shift)),
                      self.arbiter.completion(now, self._drain_unit))
        if read_words:  # sharing arbiters: the drains just booked share the banks with the reads
            done = max(done, self.arbiter.completion(now, unit))
        entry_words = self.cfg.write_buffer.entry_bytes // self.cfg.word_bytes
        entries = -(-write_words // entry_words)
        return max(done, self.write_buffer.accept(now, entries, drained))

    def service(self, reads: np.ndarray, writes: np.ndarray, unit: int = 0) -> int:
        """Serve per-bank ``reads`` and ``writes`` issued now; return the completion cycle."""
        now = int(self.env.now)
        if self.ideal:
            return now
        busy = -(-(reads * self.read_cycles) // self.ports) + \
            -(-(writes * self.write_cycles) // self.ports)
        if not busy.any():
            return now
        return self.arbiter.book(now, unit, busy)

    def completion(self, unit: int = 0) -> int:
        """When ``unit``'s accesses complete, given everything issued until now."""
        return self.arbiter.completion(int(self.env.now), unit)

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
