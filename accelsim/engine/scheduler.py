"""Which operation a compute unit runs next: unit pools, ready queues and dependency stalls.

Every operation belongs to one *pool* of units (all systolic arrays share one pool, the vector
unit is another, each crossbar layer's tiles are their own; the unit kinds decide). A pool keeps
its *ready* operations — those whose producing operations have all completed — in a heap in
program order. A unit that becomes free takes the first ready operation of its pool, so a weight
update never holds up pooling on the critical path; if none is ready, the unit waits (the
*dependency stall*) until an operation that some operation of its pool depends on completes,
then looks again.

An operation counts as completed once its ``done`` event has been processed by SimPy; waiting
units wake in the order in which they began to wait. Choosing costs O(log n) per operation and
each completion touches only its successors, so a step of n operations schedules in
O(n log n) — a chain of 10,000 layers runs in time linear in its operations, up to the log.
"""
from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass, field

import networkx as nx
import simpy


@dataclass(eq=False)
class Pool:
    """Units that share one queue of operations."""
    units: tuple
    left: int = 0                                   # operations not yet taken
    ready: list = field(default_factory=list)       # heap of (program order, op)
    waiting: list = field(default_factory=list)     # (sequence, event) of idle units


class Scheduler:
    """Ready queues for the operations ``ops`` (program order) of ``graph``, each run by one of
    the units ``pool_of[op]``."""

    def __init__(self, env: simpy.Environment, graph: nx.DiGraph, ops: list[str],
                 pool_of: dict[str, tuple]):
        self.env = env
        self.g = graph
        self.pools: dict[tuple, Pool] = {}
        self.pool: dict[str, Pool] = {}
        for op in ops:
            pool = self.pools.get(pool_of[op])
            if pool is None:
                pool = self.pools[pool_of[op]] = Pool(pool_of[op])
            pool.left += 1
            self.pool[op] = pool
        self.successors: dict[str, list[str]] = {op: [] for op in ops}
        self.blocking: dict[str, int] = {}
        for op in ops:
            preds = self.producers(op)
            self.blocking[op] = len(preds)
            for p in preds:
                self.successors[p].append(op)
        self.woken: dict[str, tuple[Pool, ...]] = {
            op: tuple(dict.fromkeys(self.pool[s] for s in self.successors[op])) for op in ops}
        self._sequence = itertools.count()
        self.active = sum(len(pool.units) for pool in self.pools.values())  # units not waiting
        self.completing: set[str] = set()  # completed, not yet processed by SimPy
        self.done: dict[str, simpy.Event] = {}
        for op in ops:
            ev = env.event()
            ev.callbacks.append(lambda _ev, op=op: self._completed(op))
            self.done[op] = ev
            if not self.blocking[op]:
                heapq.heappush(self.pool[op].ready, (graph.nodes[op]["order"], op))

    def producers(self, op: str) -> list[str]:
        """The operations whose outputs ``op`` reads (through the tensor nodes between them)."""
        out, stack, seen = [], list(self.g.predecessors(op)), set()
        while stack:
            p = stack.pop()
            if p in seen:
                continue
            seen.add(p)
            if self.g.nodes[p].get("kind") == "op":
                out.append(p)
            else:
                stack.extend(self.g.predecessors(p))
        return out

    def next_operation(self, pool: Pool):
        """SimPy process body: wait until ``pool`` has a ready operation and take it; return
        None once every operation of the pool has been taken."""
        while pool.left:
            if pool.ready:
                pool.left -= 1
                return heapq.heappop(pool.ready)[1]
            wake = self.env.event()
            pool.waiting.append((next(self._sequence), wake))
            self.active -= 1
            yield wake
        self.active -= 1
        return None

    def alone(self) -> bool:
        """Whether the calling unit (running an operation) is the only one that can act until
        its operation completes: every other unit waits, and no completion still to be
        processed wakes any of them."""
        return self.active == 1 and not any(
            pool.waiting for op in self.completing for pool in self.woken[op])

    def complete(self, op: str) -> None:
        """``op`` has finished: its successors may become ready once SimPy processes this."""
        self.completing.add(op)
        self.done[op].succeed()

    def _completed(self, op: str) -> None:
        self.completing.discard(op)
        for s in self.successors[op]:
            self.blocking[s] -= 1
            if not self.blocking[s]:
                heapq.heappush(self.pool[s].ready, (self.g.nodes[s]["order"], s))
        pools = self.woken[op]
        if not pools:
            return
        waiting = [w for pool in pools for w in pool.waiting]
        for pool in pools:
            pool.waiting = []
        waiting.sort(key=lambda w: w[0])
        self.active += len(waiting)
        for _, wake in waiting:
            wake.succeed()
