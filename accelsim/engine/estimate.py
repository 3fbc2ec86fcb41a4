"""How much work a run is, before it runs: a lower bound on the steps the engine will play.

The engine plays every step of every operation as SimPy events (about 0.1 ms of CPU each), so a
run's time is proportional to its steps. Before simulating, :func:`check_steps` bounds the steps
from below in closed form: a GEMM needs at least one step per fold of the array that runs it
(the best array, times ``count``), and per fold at least the chunks that its *forced* streams
need (an operand whose tensor is larger than its buffer's resident region must stream, and a
chunk of T-steps of it must fit a staging slot); every other operation needs at least one.
Operations that a crossbar may run count one step (their update none: the cells update in
place). A run whose bound exceeds the limit
(``--max-steps``, default :data:`accelsim.core.limits.DEFAULT_MAX_STEPS`) is refused with exit
status 2 before any work; the message gives the bound, the operation that dominates it and how
to go on.
"""
from __future__ import annotations

import math

import networkx as nx

from accelsim.core.errors import ConfigError
from accelsim.hardware.compute.dataflows import DATAFLOWS
from accelsim.hardware.compute.packing import packs
from accelsim.hardware.compute.systolic_timing import map_gemm
from accelsim.hardware.config import HardwareConfig
from accelsim.workload.graph import op_nodes
from accelsim.workload.lowering import GemmShape

#: CPU seconds per step, for the time shown in the refusal (measured: resnet18, batch 64)
SECONDS_PER_STEP = 1e-4


def _crossbar_may_run(hw: HardwareConfig, layer: str) -> bool:
    xb = hw.crossbar
    if xb is None or layer in xb.exclude_layers:
        return False
    return xb.layers == "all" or layer in xb.layers


def _forced_streams(hw: HardwareConfig, graph: nx.DiGraph, op: str) -> dict[str, tuple]:
    """Operand role -> (buffer, bytes per element) of the operands that cannot stay on chip:
    their tensor is larger than the resident region of the buffer that holds it, so the engine
    must stream them tile by tile (whatever else is resident)."""
    out: dict[str, tuple] = {}
    node = graph.nodes[op]
    tensors = [(d, d["role"]) for _, _, d in graph.in_edges(op, data=True)]
    tensors += [(w, "out") for w in node.get("writes") or []]
    for t, role in tensors:
        buf = hw.buffer_for(t["kind"], "ofmap" if role == "out" else role)
        elements = max(1, math.prod(t.get("shape") or [1]))
        if t["bytes"] > buf.resident_bytes:
            out[role] = (buf, max(1, t["bytes"] // elements))
    return out


def op_steps(hw: HardwareConfig, node: dict, streams: dict[str, tuple] | None = None) -> int:
    """A lower bound on the steps of one operation node: for a GEMM, its folds on the best
    array times the chunks that the forced streams (``streams``) need to fit a staging slot."""
    work = node["work"]
    if _crossbar_may_run(hw, node.get("layer", "")):
        return 0 if node.get("phase") == "update" else 1  # crossbar cells update in place
    if work["type"] != "gemm":
        return 1
    gemm = GemmShape(work["m"], work["k"], work["n"], work.get("count", 1))
    best = None
    for a in hw.arrays:
        steps = 0
        for p in packs(gemm, DATAFLOWS.get(a.dataflow), a.rows, a.cols, a.depthwise == "packed"):
            mp = map_gemm(a.dataflow, a.rows, a.cols, p.gemm.m, p.gemm.k, p.gemm.n)
            folds = sum(g.count for g in mp.fold_groups())
            ru, cu = min(mp.rows, mp.sr), min(mp.cols, mp.sc)
            # a packed B streams only its non-zero 1/channels
            widths = {"os": {"ifmap": ru, "filter": -(-cu // p.channels)},
                      "ws": {"ifmap": ru, "out": cu},
                      "is": {"filter": -(-ru // p.channels), "out": cu}}[mp.dataflow]
            per_step: dict[str, list] = {}
            for role, (buf, bpe) in (streams or {}).items():
                if role in widths:
                    entry = per_step.setdefault(buf.name, [buf.slot_bytes, 0])
                    entry[1] += widths[role] * bpe
            t_chunk = min([mp.t] + [max(1, slot // step) for slot, step in per_step.values()])
            steps += p.gemm.count * folds * -(-mp.t // t_chunk)
        best = steps if best is None else min(best, steps)
    return best


def estimate_steps(hw: HardwareConfig, graph: nx.DiGraph) -> tuple[int, str | None, int]:
    """(lower bound on the run's steps, the operation with the most, its steps)."""
    total, top, top_steps = 0, None, -1
    for op in op_nodes(graph):
        steps = op_steps(hw, graph.nodes[op], _forced_streams(hw, graph, op))
        total += steps
        if steps > top_steps:
            top, top_steps = op, steps
    return total, top, top_steps


def check_steps(hw: HardwareConfig, graph: nx.DiGraph, max_steps: int | None,
                source: str | None = None) -> int:
    """The step bound; ConfigError when it exceeds ``max_steps`` (None: no limit)."""
    steps, top, top_steps = estimate_steps(hw, graph)
    if max_steps is not None and steps > max_steps:
        hours = steps * SECONDS_PER_STEP / 3600
        raise ConfigError(
            f"this run needs at least {steps:.3g} engine steps (about {hours:,.1f} CPU-hours; "
            f"{top!r} alone has {top_steps:.3g}), more than the limit "
            f"{max_steps:.3g}", source=source, field="--max-steps",
            fix="check the workload's sizes and --batch; to run it anyway, raise the limit "
                f"with --max-steps {steps}")
    return steps
