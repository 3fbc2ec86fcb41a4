"""A write buffer in front of a scratchpad's banks, as STT-MRAM scratchpads hide slow writes.

``entries`` entries of ``entry_bytes`` each, built from SRAM. A step's writes land in it at SRAM
speed and the step goes on; the buffer drains them to the banks when the banks are free (the
drains are booked on the banks like any access, so reads that follow still wait for banks busy
with them). A writer stalls only when the buffer is full: it waits until enough entries have
drained to take all of its writes.

Drain model: the entries of one step's writes (a *group*) drain one after another, evenly from
the moment the group can start (the previous group drained, and the step issued) to the cycle
its last bank write completes, and groups drain in order. A group of ``n`` entries into an empty
buffer of ``entries < n`` entries therefore stalls the writer until ``n − entries`` of its own
entries have drained: with one bank, exactly ``(n − entries)`` entry drain times.

Not modelled: reads served from the write buffer (reads of data still in it go to the banks, a
pessimistic assumption), and coalescing of writes to the same entry.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class _Group:
    start: float   # cycle the group's first entry starts draining
    end: float     # cycle its last entry has drained
    entries: int

    def drained(self, t: float) -> float:
        """Entries of this group drained by cycle ``t`` (continuous, even drain)."""
        if t >= self.end:
            return float(self.entries)
        if t <= self.start:
            return 0.0
        return self.entries * (t - self.start) / (self.end - self.start)


class WriteBufferQueue:
    """Occupancy of one buffer's write buffer over time."""

    def __init__(self, entries: int):
        self.capacity = entries
        self.groups: list[_Group] = []

    def accept(self, now: int, entries: int, drain_end: int) -> int:
        """Take a group of ``entries`` entries issued at ``now`` whose bank writes complete at
        ``drain_end``; return the cycle at which the writer has handed over all of them."""
        self.groups = [g for g in self.groups if g.end > now]
        if entries <= 0:
            return now
        start = now if not self.groups else min(max(now, self.groups[-1].end), drain_end)
        self.groups.append(_Group(float(start), float(max(drain_end, start)), entries))
        pending = sum(g.entries - g.drained(now) for g in self.groups)
        excess = pending - self.capacity
        if excess <= 1e-9:
            return now
        return self._when_drained(now, excess)

    def occupancy(self, t: int) -> float:
        """Entries held at cycle ``t``."""
        return sum(g.entries - g.drained(t) for g in self.groups)

    def _when_drained(self, now: int, need: float) -> int:
        """The first cycle by which ``need`` more entries (counted from ``now``) have drained."""
        points = sorted({p for g in self.groups for p in (g.start, g.end) if p > now})
        base = sum(g.drained(now) for g in self.groups)
        prev_t, prev_d = float(now), 0.0
        for t in points:
            d = sum(g.drained(t) for g in self.groups) - base
            if d >= need - 1e-9:
                # drained grows linearly between breakpoints
                frac = (need - prev_d) / (d - prev_d) if d > prev_d else 1.0
                cycle = prev_t + frac * (t - prev_t)
                return int(-(-(cycle - 1e-9) // 1))
            prev_t, prev_d = t, d
        return int(-(-(prev_t - 1e-9) // 1))
