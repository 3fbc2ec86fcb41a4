"""How each operation's tensors are served, and what that spills.

For every tensor an operation reads or writes, :class:`OperandServer` decides the
:class:`~accelsim.hardware.compute.plan.Operand` mode (``resident``, ``cache``, ``writeback`` or
``stream``) from what is on chip (:class:`~accelsim.engine.residency.Residency`), and returns the
:class:`Spill` s that making room caused: dirty tensors evicted from a buffer, and the only
up-to-date copy of a tensor held in another buffer than the one the operation reads it from.
The engine writes the spills back to DRAM before the operation's first step
(:func:`spill_step`).
"""
from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from accelsim.core.formats import BYTES_PER_ELEMENT
from accelsim.engine.residency import INF, Residency
from accelsim.hardware.compute.plan import Operand, Step, StepBuilder
from accelsim.hardware.config import HardwareConfig


@dataclass(frozen=True)
class Spill:
    """``nbytes`` of a tensor of ``kind`` written back from buffer ``buffer`` to DRAM."""
    buffer: int
    kind: str
    nbytes: int


class OperandServer:
    """Serves the operands of ``ops`` (in program order) from ``hw``'s buffers."""

    def __init__(self, hw: HardwareConfig, graph: nx.DiGraph, ops: list[str]):
        self.hw = hw
        self.g = graph
        self.buf_index = {b.name: i for i, b in enumerate(hw.scratchpad)}
        uses: dict[str, list[int]] = {}
        self.kind_of: dict[str, str] = {}
        for op in ops:
            order = graph.nodes[op]["order"]
            for _, _, d in graph.in_edges(op, data=True):
                uses.setdefault(d["tensor"], []).append(order)
                self.kind_of[d["tensor"]] = d["kind"]
            for w in graph.nodes[op]["writes"]:
                self.kind_of[w["tensor"]] = w["kind"]
        self.residency = Residency([b.resident_bytes for b in hw.scratchpad],
                                   {t: sorted(set(v)) for t, v in uses.items()})

    def _buffer(self, d: dict) -> int:
        return self.buf_index[self.hw.buffer_for(d["kind"], d["role"]).name]

    def serve(self, op: str) -> tuple[dict[str, list[Operand]], list[Spill]]:
        """The operands of ``op`` by role (outputs under ``"out"``) and the spills, in order."""
        node = self.g.nodes[op]
        order = node["order"]
        res = self.residency
        spills: list[Spill] = []
        reads = {}
        for _, _, d in sorted(self.g.in_edges(op, data=True), key=lambda e: e[2]["tensor"]):
            reads.setdefault(d["tensor"], d)
        pinned = set(reads) | {w["tensor"] for w in node["writes"]}
        operands: dict[str, list[Operand]] = {}
        for tid, d in reads.items():
            buf = self._buffer(d)
            eb = BYTES_PER_ELEMENT[d.get("format", "bf16")]
            if res.holds(buf, tid):
                mode = "resident"
            else:
                for other, nbytes in res.dirty_elsewhere(tid, buf):
                    spills.append(Spill(other, d["kind"], nbytes))
                    res.clean(other, tid)
                ok, victims = res.admit(buf, tid, d["bytes"], order, False, pinned)
                spills += [Spill(buf, self.kind_of[t], n) for t, n in victims]
                mode = "cache" if ok else "stream"
            operands.setdefault(d["role"], []).append(
                Operand(tid, d["kind"], buf, eb, mode, d["bytes"] // eb))
        for w in node["writes"]:
            tid = w["tensor"]
            buf = self._buffer(w)
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
                ok, victims = res.admit(buf, tid, w["bytes"], order, True, pinned)
                spills += [Spill(buf, self.kind_of[t], n) for t, n in victims]
                mode = "cache" if ok else "stream"
            operands.setdefault("out", []).append(
                Operand(tid, w["kind"], buf, eb, mode, w["bytes"] // eb))
        return operands, spills

    def finish(self, op: str) -> None:
        """``op`` completed: forget the tensors no later operation reads."""
        self.residency.drop_dead(self.g.nodes[op]["order"])


def spill_step(spills: list[Spill], word_bytes: list[int]) -> Step | None:
    """One step that drains ``spills`` to DRAM (no compute), or None if nothing is spilled."""
    if not sum(s.nbytes for s in spills):
        return None
    sb = StepBuilder(word_bytes)
    for s in spills:
        sb.drain(Operand("spill", s.kind, s.buffer, 1, "stream", s.nbytes), s.nbytes)
    return sb.build(0)
