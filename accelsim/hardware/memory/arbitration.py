"""Bank arbitration: how a buffer's banks share their time between the units that access them.

Every unit (systolic array, crossbar tile group, vector unit) issues a step's accesses to a
buffer as one batch: a per-bank *load*, the cycles each bank is busy for it (reads × read
latency + writes × write latency, over the bank's ports). An arbiter decides when each unit's
load is done when several units load the same bank at once. Arbiters register under the names a
buffer's ``arbitration`` field takes:

``fifo``
    A bank serves whole batches in arrival order: a batch starts on a bank when the batches
    before it are done, so it completes at ``max(now, free_at) + load``. A step then waits behind
    every access another unit booked a cycle earlier (the model before arbitration existed).
``round_robin`` (the default)
    The bank interleaves the units' accesses one at a time, as a round-robin bank arbiter does;
    it is modelled in its fluid limit (processor sharing): while ``n`` units have accesses
    pending on a bank, each gets ``1/n`` of its time. A load ``L`` issued at ``now`` on a bank
    where the other units still have ``w_j`` cycles pending completes, if nothing else arrives,
    at ``now + L + Σ_j min(w_j, L)``.
``priority``
    Preemptive priority in the unit kinds' precedence order (crossbar tile groups, then systolic
    arrays, then the vector unit, whose optimizer update is off the critical path): a load waits
    for the pending work of every higher-priority unit and is not slowed by lower ones, so it
    completes at ``now + L + Σ_{j higher} w_j`` if nothing else arrives.

A later arrival can push back a load already issued (round robin: the newcomer takes its share;
priority: a higher-priority newcomer goes first). :meth:`Arbiter.completion` gives a unit's
current completion, and the engine waits until it no longer moves, so every cycle a step waits
for a bank is its bank-conflict stall. Banks stay work-conserving under every policy: the last
access to a bank ends at the same cycle whatever the order.
"""
from __future__ import annotations

import math

import numpy as np

from accelsim.core.registry import Registry

ARBITERS: Registry[type] = Registry("bank arbitration policy")
_EPS = 1e-9


def _ceil(x: float) -> int:
    return int(math.ceil(x - _EPS))


@ARBITERS.register("fifo")
class FifoArbiter:
    """Whole batches in arrival order (the free cycle of each bank, in a factored form so a
    batch arriving after every bank is free costs no vector work)."""
    shares = False  # a later arrival never delays an issued load

    def __init__(self, banks: int, units: int):
        self._base = 0
        self._busy = np.zeros(banks, dtype=np.int64)
        self._shift = 0
        self._horizon = 0  # every bank is free from this cycle on

    def free_at(self) -> np.ndarray:
        return self._base + np.roll(self._busy, self._shift)

    def state(self) -> tuple:
        return self._base, self._busy, self._shift, self._horizon

    def restore(self, state: tuple) -> None:
        self._base, self._busy, self._shift, self._horizon = state

    def book_rotated(self, now: int, unit: int, busy: np.ndarray, shift: int, peak: int) -> int:
        """Book ``np.roll(busy, shift)``, whose maximum is ``peak``; return its completion."""
        if self._horizon <= now:
            self._base, self._busy, self._shift = now, busy, shift
            self._horizon = now + peak
            return self._horizon
        return self.book(now, unit, np.roll(busy, shift))

    def book(self, now: int, unit: int, busy: np.ndarray) -> int:
        free = self.free_at()
        touched = busy > 0
        new = np.where(touched, np.maximum(free, now) + busy, free)
        self._base, self._busy, self._shift = 0, new, 0
        self._horizon = int(new.max())
        return int(new[touched].max())

    def completion(self, now: int, unit: int) -> int:
        return now

    def idle_from(self) -> int:
        """The cycle from which no booked access is pending on any bank."""
        return self._horizon


class _SharingArbiter:
    """Pending cycles per unit and bank, drained as time passes under the policy.

    While one unit alone has work pending (the common case) its load is kept unrolled, as the
    fifo arbiter keeps it, and costs no vector work; the matrix of pending cycles is built only
    when a second unit arrives while the first still has work."""
    shares = True

    def __init__(self, banks: int, units: int):
        self.pending = np.zeros((max(1, units), banks))
        self._t = 0
        self._horizon = 0  # no work is pending from this cycle on
        self._solo: tuple | None = None  # (unit, busy, shift, issue cycle): the only pending load
        self._alone = -1   # a unit whose pending load nobody shares since it was booked
        self._alone_end = 0

    def state(self) -> tuple:
        return (self.pending.copy(), self._t, self._horizon, self._solo, self._alone,
                self._alone_end)

    def restore(self, state: tuple) -> None:
        pending, self._t, self._horizon, self._solo, self._alone, self._alone_end = state
        self.pending = pending.copy()

    def _materialise(self) -> None:
        if self._solo is not None:
            unit, busy, shift, issued = self._solo
            self.pending[:] = 0.0
            self.pending[unit] = np.roll(busy, shift)
            self._t, self._solo = issued, None

    def _advance(self, now: int) -> None:
        dt = now - self._t
        if dt > 0 and self._horizon > self._t:
            active = np.flatnonzero(self.pending.any(axis=1))
            if len(active) == 1:  # one unit: it drains at the full rate
                row = self.pending[active[0]]
                np.maximum(row - dt, 0.0, out=row)
            elif len(active):
                self._drain(active, float(dt))
                self.pending[self.pending < _EPS] = 0.0
        self._t = max(self._t, now)

    def book_rotated(self, now: int, unit: int, busy: np.ndarray, shift: int, peak: int) -> int:
        if self._horizon <= now:  # the unit is alone: nothing to share
            self._solo = (unit, busy, shift, now)
            self._horizon = now + peak
            self._alone, self._alone_end = unit, self._horizon
            return self._horizon
        return self.book(now, unit, np.roll(busy, shift))

    def book(self, now: int, unit: int, busy: np.ndarray) -> int:
        if self._horizon <= now:
            self._solo = None
            self.pending[:] = 0.0
            self._t = now
        self._materialise()
        self._advance(now)
        self.pending[unit] += busy
        self._horizon = max(self._horizon, _ceil(now + self.pending.sum(axis=0).max()))
        end = self._finish(now, unit, busy > 0)
        self._alone, self._alone_end = -1, 0
        return end

    def idle_from(self) -> int:
        """The cycle from which no booked access is pending on any bank."""
        return self._horizon

    def completion(self, now: int, unit: int) -> int:
        """The cycle ``unit``'s pending loads complete if nothing else arrives."""
        if unit == self._alone:
            return max(now, self._alone_end)
        if self._horizon <= now:
            return now
        if self._solo is not None:
            return max(now, self._horizon) if self._solo[0] == unit else now
        self._advance(now)
        return self._finish(now, unit, self.pending[unit] > 0)

    def _finish(self, now: int, unit: int, banks: np.ndarray) -> int:
        if not banks.any():
            return now
        mine = self.pending[unit]
        finish = now + mine + self._interference(unit, mine)
        return _ceil(finish[banks].max())

    def free_at(self) -> np.ndarray:
        if self._solo is not None:
            unit, busy, shift, issued = self._solo
            return issued + np.roll(busy, shift)
        return self._t + self.pending.sum(axis=0)


@ARBITERS.register("round_robin")
class RoundRobinArbiter(_SharingArbiter):
    """Fluid round robin (processor sharing) between the units with pending accesses."""

    def _interference(self, unit: int, mine: np.ndarray) -> np.ndarray:
        others = np.delete(self.pending, unit, axis=0)
        return np.minimum(others, mine).sum(axis=0)

    def _drain(self, rows: np.ndarray, dt: float) -> None:
        p = self.pending[rows]
        left = np.full(p.shape[1], dt)
        for _ in range(len(rows)):
            active = p > 0
            m = active.sum(axis=0)
            live = (m > 0) & (left > _EPS)
            if not live.any():
                break
            smallest = np.where(active, p, np.inf).min(axis=0)
            need = m * np.where(live, smallest, 0.0)
            whole = need <= left
            each = np.where(live, np.where(whole, smallest, left / np.maximum(m, 1)), 0.0)
            p -= np.where(active, each, 0.0)
            np.maximum(p, 0.0, out=p)
            left -= np.where(live, np.where(whole, need, left), 0.0)
        self.pending[rows] = p


@ARBITERS.register("priority")
class PriorityArbiter(_SharingArbiter):
    """Preemptive priority: a lower unit index goes first."""

    def _interference(self, unit: int, mine: np.ndarray) -> np.ndarray:
        return self.pending[:unit].sum(axis=0)

    def _drain(self, rows: np.ndarray, dt: float) -> None:
        left = np.full(self.pending.shape[1], dt)
        for i in rows:  # ascending: the highest priority first
            row = self.pending[i]
            take = np.minimum(row, left)
            row -= take
            left -= take
