"""Crossbar tiles as compute units of the engine: the unit kind ``crossbar``
(contract: :mod:`accelsim.hardware.compute.contract`).

Each crossbar-mapped layer owns its tiles for the whole run (weights are stationary), so each
layer is one unit, ``xbar:<layer>``, and its own pool: operations of different layers run
concurrently whenever the graph allows, and the three kernels of one layer share its tiles in
program order. The kind comes before the digital ones (``precedence``), so a mapped layer's
kernels run on its tiles, not on an array.

Phases of a crossbar layer:

=================  ==========================================================================
phase              kernel
=================  ==========================================================================
forward            forward VMM (inputs on rows)
backward_data      transpose MVM (δ on columns, outputs on rows) + digital col2im scatter
backward_weight    outer-product update, in place (x on rows, δ on columns): the weight change
update             none: the weights were updated in place; the node is removed from the graph
=================  ==========================================================================

:func:`adapt_graph` rewrites the training graph accordingly: crossbar layers read no weight
tensor from the scratchpad (the weights live in the cells), write no weight gradient, and have no
``update`` node (so no optimizer state either). Their activations and errors move through the same
scratchpad buffers and DRAM as every other operation's.
"""
from __future__ import annotations

import math

import networkx as nx
from pydantic import TypeAdapter

from accelsim.hardware.compute.contract import UNIT_KINDS, UnitKind
from accelsim.hardware.compute.plan import Operand, Plan, Segment, chunked_steps
from accelsim.hardware.crossbar.config import CrossbarConfig
from accelsim.hardware.crossbar.kernels import (
    KernelCost,
    backward_mvm,
    forward_vmm,
    outer_product_update,
    program_weights,
)
from accelsim.hardware.crossbar.mapping import (
    CrossbarPlan,
    TileMapping,
    WeightMatrix,
    plan_layers,
)
from accelsim.workload.graph import op_nodes
from accelsim.workload.layers import Layer

KERNEL_OF_PHASE = {"forward": forward_vmm, "backward_data": backward_mvm,
                   "backward_weight": outer_product_update}
_LAYER = TypeAdapter(Layer)


def graph_layers(graph: nx.DiGraph) -> tuple[list[tuple[str, str, WeightMatrix | None]], tuple]:
    """Each layer of a training graph as ``(name, kind, weight matrix or None)``, from its forward
    node. A node carrying the layer's ``spec`` (its YAML fields) gives the exact matrix; otherwise
    the forward GEMM does, without the col2im adds (noted)."""
    batch = int(graph.graph.get("batch", 1))
    out, notes = [], []
    for op in op_nodes(graph):
        node = graph.nodes[op]
        if node["phase"] != "forward":
            continue
        name = node["layer"]
        weighted = f"param:{name}" in graph
        spec = node.get("spec")
        if spec is not None:
            layer = _LAYER.validate_python(spec)
            out.append((name, layer.kind, layer.weight_matrix()))
            continue
        work = node["work"]
        if not weighted or work.get("type") != "gemm":
            out.append((name, work.get("type", "?"), None))
            continue
        out.append((name, "gemm", WeightMatrix(name, work["k"], work["n"], work.get("count", 1),
                                               work["m"] // batch)))
        notes.append(f"{name}: graph has no layer spec; backward col2im adds not counted")
    return out, tuple(notes)


def adapt_graph(graph: nx.DiGraph, xplan: CrossbarPlan) -> nx.DiGraph:
    """A copy of ``graph`` with the crossbar layers' weight traffic and update nodes removed."""
    g = graph.copy()
    for name in xplan.mappings:
        param = f"param:{name}"
        if param in g:
            g.remove_node(param)       # weights live in the tiles: no weight tensor reads
        for phase in ("update",):
            node = f"{name}/{phase}"
            if node in g:
                g.remove_node(node)
        state = f"state:{name}"
        if state in g:
            g.remove_node(state)
        bw = f"{name}/backward_weight"
        if bw in g:
            g.nodes[bw]["writes"] = [w for w in g.nodes[bw]["writes"]
                                     if w["kind"] != "weight_gradient"]
    return g


class CrossbarTiles:
    """The tiles that hold one layer's weights."""

    def __init__(self, mapping: TileMapping, cfg: CrossbarConfig, clock_ghz: float, batch: int,
                 log: list[KernelCost] | None = None):
        self.mapping = mapping
        self.cfg = cfg
        self.clock_ghz = clock_ghz
        self.batch = batch
        self.name = f"xbar:{mapping.layer}"
        self.log = log if log is not None else []

    def accepts(self, node: dict) -> bool:
        return node.get("layer") == self.mapping.layer and node.get("phase") in KERNEL_OF_PHASE

    def programming(self) -> KernelCost:
        return program_weights(self.mapping, self.cfg, self.clock_ghz)

    def plan(self, node: dict, operands: dict[str, list[Operand]], buffers) -> Plan:
        phase = node["phase"]
        cost = KERNEL_OF_PHASE[phase](self.mapping, self.cfg, self.batch, self.clock_ghz)
        self.log.append(cost)
        m = self.mapping.matrix
        vectors = cost.vectors
        x_reads, d_reads = vectors * m.rows * m.copies, vectors * m.cols * m.copies
        outs = operands.get("out", [])
        # elements the tiles read from each input role: im2col patches of x, δ vectors
        per_role = {"forward": {"ifmap": x_reads}, "backward_data": {"ifmap": d_reads},
                    "backward_weight": {"ifmap": x_reads, "filter": d_reads}}[phase]
        reads = [(op, n) for role, n in per_role.items() for op in operands.get(role, [])]
        steps = chunked_steps(reads, outs, cost.cycles, [b.slot_bytes for b in buffers],
                              [b.word_bytes for b in buffers], vectors)
        segments = [Segment((s,), 1) for s in steps]
        cells = self.mapping.tiles * self.cfg.rows * self.cfg.weight_cols
        peak = max(1, math.ceil(cost.macs * cells / (m.weights * max(1, cost.cycles))))
        return Plan(segments, cost.cycles, peak, macs=cost.macs, actions=cost.counts())


@UNIT_KINDS.register("crossbar")
class CrossbarMachine(UnitKind):
    """The crossbar side of a machine for one graph: the plan, one unit per mapped layer, and the
    log of every kernel call (for the error profile)."""
    precedence = 0  # a mapped layer runs on its own tiles, before any general-purpose kind

    def __init__(self, cfg: CrossbarConfig, graph: nx.DiGraph, clock_ghz: float,
                 source: str | None = None):
        self.cfg = cfg
        layers, notes = graph_layers(graph)
        self.plan = plan_layers(layers, cfg, str(graph.graph.get("workload", "?")), source, notes)
        self.log: list[KernelCost] = []
        batch = int(graph.graph.get("batch", 1))
        self.tiles = {name: CrossbarTiles(m, cfg, clock_ghz, batch, self.log)
                      for name, m in self.plan.mappings.items()}
        self.units = list(self.tiles.values())
        self.programming = [u.programming() for u in self.units]

    @classmethod
    def build(cls, hw, graph: nx.DiGraph) -> CrossbarMachine | None:
        return cls(hw.crossbar, graph, hw.clock_ghz) if hw.crossbar is not None else None

    def adapt_graph(self, graph: nx.DiGraph) -> nx.DiGraph:
        """Crossbar layers keep their weights in the cells: no weight traffic, no update op."""
        return adapt_graph(graph, self.plan)

    def pool(self, node: dict) -> tuple[CrossbarTiles, ...]:
        """A mapped layer's own tiles, for its three kernels."""
        unit = self.tiles.get(node.get("layer"))
        return (unit,) if unit is not None and unit.accepts(node) else ()
