"""Playback of a training dataflow graph on the machine, with SimPy.

The simulator puts four pieces together, each in its own module:

* the compute units, built from the config through the unit-kind registry
  (:mod:`accelsim.hardware.unit_kinds`; a kind may adapt the graph first, as the crossbar does);
* the :class:`~accelsim.engine.scheduler.Scheduler`: every unit is a SimPy process that, when
  free, takes the next ready operation of its pool in program order (a *dependency stall* while
  none is ready);
* the :class:`~accelsim.engine.operands.OperandServer`: how each tensor of the operation is
  served from the buffers, and the dirty tensors that making room spills to DRAM;
* the :class:`~accelsim.engine.pipeline.StepPipeline`: the unit's
  :class:`~accelsim.hardware.compute.plan.Plan` (spills first) played through the
  double-buffered loader / compute / writer pipeline, which accounts the bank-conflict and DRAM
  stalls.

A row's window runs from the moment its unit finished the previous operation to the moment its
own last write-back completed, so ``total = compute + bank conflict + DRAM + dependency`` exactly.
Observers (:mod:`accelsim.engine.observers`) see every step and every operation; none by default.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
import simpy

from accelsim.engine.operands import OperandServer, spill_step
from accelsim.engine.pipeline import StepPipeline
from accelsim.engine.rows import OpRow
from accelsim.engine.scheduler import Pool, Scheduler
from accelsim.hardware.compute.plan import Segment
from accelsim.hardware.config import HardwareConfig
from accelsim.hardware.memory.banks import ScratchpadBuffer
from accelsim.hardware.memory.dram import DramChannels
from accelsim.hardware.unit_kinds import UnitKind, build_unit_kinds
from accelsim.workload.graph import op_nodes


def events_scheduled(env: simpy.Environment) -> int:
    """Events ``env`` has scheduled so far, from SimPy's own event-id counter (one id per
    scheduled event), so counting costs nothing on the hot path."""
    return next(env._eid)


@dataclass
class SimResult:
    rows: list[OpRow]
    total_cycles: int
    events: int
    buffer_names: list[str]
    unit_kinds: dict[str, UnitKind] = field(default_factory=dict)  # config kind name -> kind
    graph: nx.DiGraph | None = None  # the graph played (a unit kind may adapt it)

    @property
    def crossbar(self):
        """The crossbar unit kind of the machine (placement, kernel log), or None."""
        return self.unit_kinds.get("crossbar")


class Simulator:
    def __init__(self, hw: HardwareConfig, graph: nx.DiGraph, observers=(),
                 closed_form: bool = True):
        """``closed_form=False`` plays every operation through the SimPy pipeline, even one
        that runs alone (the results are identical; tests compare the two)."""
        self.hw = hw
        self.kinds, graph = build_unit_kinds(hw, graph)
        self.g = graph
        self.observers = list(observers)
        self.env = simpy.Environment()
        self.buf_cfgs = list(hw.scratchpad)
        self.buf_names = [b.name for b in self.buf_cfgs]
        # every unit is a requester of the banks, numbered in the kinds' precedence order (the
        # order of bank priority under ``arbitration: priority``)
        self.requester = {id(u): i for i, u in
                          enumerate(u for kind in self.kinds.values() for u in kind.units)}
        buffers = [ScratchpadBuffer(self.env, b, b.resolved_technology(), hw.clock_ghz,
                                    ideal=hw.ideal_scratchpad, units=len(self.requester))
                   for b in self.buf_cfgs]
        dram = DramChannels(self.env, hw.dram.resolved(), hw.clock_ghz)
        self.pipeline = StepPipeline(self.env, dram, buffers, self.buf_cfgs, self.observers,
                                     closed_form)
        self.ops = op_nodes(graph)
        self.operands = OperandServer(hw, graph, self.ops)
        self.scheduler = Scheduler(self.env, graph, self.ops,
                                   {op: self._pool_of(op) for op in self.ops})
        self.rows: dict[str, OpRow] = {}
        #: called with 1 after each operation (a progress bar's update), or None
        self.on_complete = None

    def _pool_of(self, op: str) -> tuple:
        """The units that may run ``op``: the pool of the first kind (in precedence) that
        runs it."""
        node = self.g.nodes[op]
        for kind in self.kinds.values():
            units = kind.pool(node)
            if units:
                return units
        raise RuntimeError(f"no compute unit runs {op!r}")

    def _unit_process(self, unit, pool: Pool):
        """Run the operations of ``pool`` on ``unit``, one at a time, as they become ready."""
        env, sched = self.env, self.scheduler
        word_bytes = [b.word_bytes for b in self.buf_cfgs]
        mac_format = self.g.graph.get("formats", {}).get("mac", "bf16")
        while True:
            start = int(env.now)
            op = yield from sched.next_operation(pool)
            if op is None:
                return
            node = self.g.nodes[op]
            row = OpRow(node["layer"], node["phase"], unit.name, node["order"],
                        mac_format=mac_format, start_cycle=start)
            row.dependency_stall_cycles = int(env.now) - start
            if self.observers and row.dependency_stall_cycles:
                waited = max((self.rows[p] for p in sched.producers(op)),
                             key=lambda r: r.end_cycle)
                for obs in self.observers:
                    obs.on_wait(row, waited)
            operands, spills = self.operands.serve(op)
            plan = unit.plan(node, operands, self.buf_cfgs)
            spill = spill_step(spills, word_bytes)
            if spill is not None:
                plan.segments.insert(0, Segment((spill,), 1))
            row.spill_bytes = sum(s.nbytes for s in spills)
            row.compute_cycles = plan.compute_cycles
            row.peak_ops_per_cycle = plan.peak_ops_per_cycle
            row.macs, row.vector_ops = plan.macs, plan.vector_ops
            row.mac_slots = plan.mac_slots or plan.macs
            row.add_plan_counts(plan, self.buf_names)
            yield from self.pipeline.play(plan, row, sched.alone(), self.requester[id(unit)])
            row.end_cycle = int(env.now)
            self.operands.finish(op)
            self.rows[op] = row
            for obs in self.observers:
                obs.on_operation(row)
                obs.on_occupancy(row.end_cycle,
                                 dict(zip(self.buf_names, self.operands.residency.used)))
            sched.complete(op)
            if self.on_complete is not None:
                self.on_complete(1)

    def run(self) -> SimResult:
        for pool in self.scheduler.pools.values():
            for unit in pool.units:  # the units of a pool share one ready queue
                self.env.process(self._unit_process(unit, pool))
        self.env.run()
        missing = [op for op in self.ops if op not in self.rows]
        if missing:
            raise RuntimeError(f"operations never ran (deadlock?): {missing[:3]}")
        rows = sorted(self.rows.values(), key=lambda r: r.order)
        return SimResult(rows, int(self.env.now), events_scheduled(self.env), self.buf_names,
                         self.kinds, self.g)
