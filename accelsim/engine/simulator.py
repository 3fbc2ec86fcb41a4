"""Playback of a training dataflow graph on the machine, with SimPy.

Every compute unit (systolic arrays, the vector unit, ...) is a SimPy process that runs the
operations assigned to it in program order. An operation waits for its producers (a *dependency
stall*), then asks its unit for a :class:`~accelsim.hardware.compute.plan.Plan` and plays its steps through
a double-buffered pipeline of three processes:

* the loader fetches step i+1's tile from DRAM into a free staging slot while step i computes;
* the unit computes step i while the banks serve its accesses; when the busiest bank needs longer
  than the compute, the excess is a *bank-conflict stall*;
* the writer drains step i's results to DRAM; waiting for a tile, for a free output slot, or for
  the last write-back is a *DRAM stall*.

A row's window runs from the moment its unit finished the previous operation to the moment its
own last write-back completed, so ``total = compute + bank conflict + DRAM + dependency`` exactly.
"""
from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import simpy

from accelsim.core.formats import BYTES_PER_ELEMENT
from accelsim.engine.residency import INF, Residency
from accelsim.engine.rows import OpRow
from accelsim.hardware.compute.plan import Operand, Plan, Segment, StepBuilder
from accelsim.hardware.compute.units import SystolicUnit, VectorUnitModel
from accelsim.hardware.config import HardwareConfig
from accelsim.hardware.crossbar.unit import CrossbarMachine
from accelsim.hardware.memory.banks import ScratchpadBuffer
from accelsim.hardware.memory.dram import DramChannels
from accelsim.workload.graph import op_nodes


class CountingEnvironment(simpy.Environment):
    """A SimPy environment that counts the events it schedules (for the benchmarks)."""

    def __init__(self):
        super().__init__()
        self.events_scheduled = 0

    def schedule(self, event, priority=1, delay=0):
        self.events_scheduled += 1
        super().schedule(event, priority, delay)


@dataclass
class SimResult:
    rows: list[OpRow]
    total_cycles: int
    events: int
    buffer_names: list[str]
    crossbar: CrossbarMachine | None = None
    graph: nx.DiGraph | None = None  # the graph played (crossbar layers adapt it)


class Simulator:
    def __init__(self, hw: HardwareConfig, graph: nx.DiGraph, observers=()):
        self.hw = hw
        # crossbar layers keep their weights in the cells: no weight traffic, no update op
        self.crossbar = CrossbarMachine(hw.crossbar, graph, hw.clock_ghz) if hw.crossbar else None
        graph = self.crossbar.graph if self.crossbar else graph
        self.g = graph
        self.observers = list(observers)
        self.env = CountingEnvironment()
        self.buf_cfgs = list(hw.scratchpad)
        self.buf_names = [b.name for b in self.buf_cfgs]
        self.buf_index = {b.name: i for i, b in enumerate(self.buf_cfgs)}
        self.buffers = [ScratchpadBuffer(self.env, b, b.resolved_technology(), hw.clock_ghz,
                                         ideal=hw.ideal_scratchpad) for b in self.buf_cfgs]
        self.dram = DramChannels(self.env, hw.dram.resolved(), hw.clock_ghz)
        self.units = [SystolicUnit(a) for a in hw.arrays] + [VectorUnitModel(hw.vector_unit.lanes)]
        if self.crossbar:
            self.units += list(self.crossbar.units.values())
        self.ops = op_nodes(graph)
        self.assign = self._assign_units()
        uses: dict[str, list[int]] = {}
        self.kind_of: dict[str, str] = {}
        for op in self.ops:
            order = graph.nodes[op]["order"]
            for _, _, d in graph.in_edges(op, data=True):
                uses.setdefault(d["tensor"], []).append(order)
                self.kind_of[d["tensor"]] = d["kind"]
            for w in graph.nodes[op]["writes"]:
                self.kind_of[w["tensor"]] = w["kind"]
        self.residency = Residency([b.resident_bytes for b in self.buf_cfgs],
                                   {t: sorted(set(v)) for t, v in uses.items()})
        self.done = {op: self.env.event() for op in self.ops}
        self.rows: dict[str, OpRow] = {}

    # -- set-up ------------------------------------------------------------------------------
    def _assign_units(self) -> dict[str, object]:
        """The pool of units each operation may run on: a crossbar-mapped layer's own tiles;
        otherwise every unit of the first kind that accepts it (all systolic arrays share
        one pool of GEMMs, and whichever array is free takes the next ready one)."""
        out = {}
        for op in self.ops:
            node = self.g.nodes[op]
            tiles = self.crossbar.unit_for(node) if self.crossbar else None
            if tiles is not None:
                out[op] = (tiles,)
            else:
                kind = next(u.kind for u in self.units if u.accepts(node))
                out[op] = tuple(u for u in self.units if u.kind == kind)
        return out

    def _pred_ops(self, op: str) -> list[str]:
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

    # -- operands and residency --------------------------------------------------------------
    def _operands(self, op: str, order: int, spill: StepBuilder) -> dict[str, list[Operand]]:
        node = self.g.nodes[op]
        res = self.residency
        reads = {}
        for _, _, d in sorted(self.g.in_edges(op, data=True), key=lambda e: e[2]["tensor"]):
            reads.setdefault(d["tensor"], d)
        pinned = set(reads) | {w["tensor"] for w in node["writes"]}
        operands: dict[str, list[Operand]] = {}
        for tid, d in reads.items():
            buf = self.buf_index[self.hw.buffer_for(d["kind"], d["role"]).name]
            eb = BYTES_PER_ELEMENT[d.get("format", "bf16")]
            if res.holds(buf, tid):
                mode = "resident"
            else:
                for other, nbytes in res.dirty_elsewhere(tid, buf):
                    self._spill(spill, other, d["kind"], nbytes)
                    res.clean(other, tid)
                ok, spills = res.admit(buf, tid, d["bytes"], order, False, pinned)
                self._spills(spill, buf, spills)
                mode = "cache" if ok else "stream"
            operands.setdefault(d["role"], []).append(
                Operand(tid, d["kind"], buf, eb, mode, d["bytes"] // eb))
        for w in node["writes"]:
            tid = w["tensor"]
            buf = self.buf_index[self.hw.buffer_for(w["kind"], w["role"]).name]
            eb = BYTES_PER_ELEMENT[w.get("format", "bf16")]
            if res.holds(buf, tid):
                mode = "resident"
                res.held[buf][tid].dirty = True
            elif res.next_use(tid, order) == INF:
                # nothing on chip reads it again: accumulate it on chip if it fits, and write
                # each final value back to DRAM once; otherwise stream it through DRAM
                ok, _ = res.admit(buf, tid, w["bytes"], order, False, pinned)
                mode = "writeback" if ok else "stream"
            else:
                ok, spills = res.admit(buf, tid, w["bytes"], order, True, pinned)
                self._spills(spill, buf, spills)
                mode = "cache" if ok else "stream"
            operands.setdefault("out", []).append(
                Operand(tid, w["kind"], buf, eb, mode, w["bytes"] // eb))
        return operands

    def _spills(self, spill: StepBuilder, buf: int, victims) -> None:
        for tid, nbytes in victims:
            self._spill(spill, buf, self.kind_of[tid], nbytes)

    def _spill(self, spill: StepBuilder, buf: int, kind: str, nbytes: int) -> None:
        spill.drain(Operand("spill", kind, buf, 1, "stream", nbytes), nbytes)
        self._spilled += nbytes

    # -- processes ---------------------------------------------------------------------------
    def _unit_process(self, unit, ops: list[str]):
        """Run ``ops`` on ``unit``: whenever the unit is free it takes the first operation, in
        program order, whose producers are done (so a weight update never holds up pooling on
        the critical path); if none is ready it waits for the next producer to finish."""
        env = self.env
        pending = ops  # shared with the other units of the same pool
        preds = {op: [self.done[p] for p in self._pred_ops(op)] for op in ops}
        while pending:
            start = int(env.now)
            op = None
            while pending:
                op = next((o for o in pending if all(e.processed for e in preds[o])), None)
                if op is not None:
                    break
                yield env.any_of([e for o in pending for e in preds[o] if not e.processed])
            if op is None:  # another unit of the pool took the last operations
                return
            pending.remove(op)
            node = self.g.nodes[op]
            row = OpRow(node["layer"], node["phase"], unit.name, node["order"],
                        mac_format=self.g.graph.get("formats", {}).get("mac", "bf16"),
                        start_cycle=start)
            row.dependency_stall_cycles = int(env.now) - start
            if self.observers and row.dependency_stall_cycles:
                waited = max((self.rows[p] for p in self._pred_ops(op)),
                             key=lambda r: r.end_cycle)
                for obs in self.observers:
                    obs.on_wait(row, waited)
            self._spilled = 0
            spill = StepBuilder([b.word_bytes for b in self.buf_cfgs])
            operands = self._operands(op, node["order"], spill)
            plan = unit.plan(node, operands, self.buf_cfgs)
            if self._spilled:
                plan.segments.insert(0, Segment((spill.build(0),), 1))
            row.spill_bytes = self._spilled
            row.compute_cycles = plan.compute_cycles
            row.peak_ops_per_cycle = plan.peak_ops_per_cycle
            if unit.kind in ("array", "crossbar"):
                row.macs = plan.useful_ops
            else:
                row.vector_ops = plan.useful_ops
            row.add_plan_counts(plan, self.buf_names)
            yield from self._play(plan, row)
            row.end_cycle = int(env.now)
            self.residency.drop_dead(node["order"])
            self.rows[op] = row
            for obs in self.observers:
                obs.on_operation(row)
                obs.on_occupancy(row.end_cycle, dict(zip(self.buf_names, self.residency.used)))
            self.done[op].succeed()

    def _play(self, plan: Plan, row: OpRow):
        env, dram, buffers = self.env, self.dram, self.buffers
        if dram.ideal and self.hw.ideal_scratchpad and not self.observers:
            # nothing can stall: the operation takes exactly its closed-form compute time
            yield env.timeout(plan.compute_cycles)
            return
        touched = {b for seg in plan.segments for st in set(seg.steps)
                   for b, _ in st.buffer_reads + st.buffer_writes}
        # a step's tile is prefetched during the previous step only if every buffer it uses
        # has a second staging slot
        depth = 2 if all(self.buf_cfgs[b].double_buffered for b in touched) else 1
        in_slots = simpy.Container(env, capacity=depth, init=depth)
        out_slots = simpy.Container(env, capacity=depth, init=depth)
        in_q, out_q = simpy.Store(env), simpy.Store(env)
        steps = list(plan.steps())
        loads: dict = {}

        def loader():
            for step in steps:
                yield in_slots.get(1)
                if step.dram_read_bytes:
                    t = row.add_dram(dram.transfer(step.dram_read_bytes))
                    for obs in self.observers:
                        obs.on_transfer(row, "read", int(env.now), int(t), step.dram_read_bytes)
                    if t > env.now:
                        yield env.timeout(t - env.now)
                in_q.put(step)

        def writer():
            while True:
                step = yield out_q.get()
                if step is None:
                    return
                t = row.add_dram(dram.transfer(step.dram_write_bytes, write=True))
                for obs in self.observers:
                    obs.on_transfer(row, "write", int(env.now), int(t), step.dram_write_bytes)
                if t > env.now:
                    yield env.timeout(t - env.now)
                out_slots.put(1)

        env.process(loader())
        writing = env.process(writer())
        dram_stall = bank_stall = 0
        for step in steps:
            t0 = env.now
            yield in_q.get()
            dram_stall += env.now - t0
            now = int(env.now)
            compute_end = now + step.compute_cycles
            end = compute_end
            for b, (r, w) in loads.get(step) or loads.setdefault(step, _per_buffer(step)):
                end = max(end, buffers[b].serve(r, w))
            bank_stall += end - compute_end
            if end > now:
                yield env.timeout(end - now)
            in_slots.put(1)
            for obs in self.observers:
                obs.on_step(row, now, int(env.now), step)
            if step.dram_write_bytes:
                t1 = env.now
                yield out_slots.get(1)
                dram_stall += env.now - t1
                out_q.put(step)
        t2 = env.now
        out_q.put(None)
        yield writing
        dram_stall += env.now - t2
        row.dram_stall_cycles = int(dram_stall)
        row.bank_conflict_stall_cycles = int(bank_stall)

    def run(self) -> SimResult:
        pools: dict[tuple, list[str]] = {}
        for op in self.ops:
            pools.setdefault(self.assign[op], []).append(op)
        for units, ops in pools.items():
            for unit in units:  # the units of a pool share one list of pending operations
                self.env.process(self._unit_process(unit, ops))
        self.env.run()
        missing = [op for op in self.ops if op not in self.rows]
        if missing:
            raise RuntimeError(f"operations never ran (deadlock?): {missing[:3]}")
        rows = sorted(self.rows.values(), key=lambda r: r.order)
        return SimResult(rows, int(self.env.now), self.env.events_scheduled, self.buf_names,
                         self.crossbar, self.g)


def _per_buffer(step) -> tuple[tuple[int, tuple[int, int]], ...]:
    """A step's (read words, write words) per buffer."""
    out: dict[int, list[int]] = {}
    for b, w in step.buffer_reads:
        out.setdefault(b, [0, 0])[0] += w
    for b, w in step.buffer_writes:
        out.setdefault(b, [0, 0])[1] += w
    return tuple((b, (r, w)) for b, (r, w) in sorted(out.items()))
