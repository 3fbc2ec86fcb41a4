"""How much work a run is, before it runs: a lower bound on the steps the engine will play.

The engine plays every step of every operation as SimPy events (about 0.1 ms of CPU each), so a
run's time is proportional to its steps. Before simulating, :func:`check_steps` bounds the steps
from below in closed form, with no simulation: a GEMM needs at least one step per fold of the
array that runs it (the fastest array, counting ``count`` repetitions), every other operation at
least one. Operations that a crossbar may run count one step. A run whose bound exceeds the
limit (``--max-steps``, default :data:`accelsim.core.limits.DEFAULT_MAX_STEPS`) is refused with exit status 2 before
any work; the message gives the bound, the operation that dominates it and how to go on.
"""
from __future__ import annotations

import networkx as nx

from accelsim.core.errors import ConfigError
from accelsim.core.limits import DEFAULT_MAX_STEPS
from accelsim.hardware.compute.systolic_timing import map_gemm
from accelsim.hardware.config import HardwareConfig
from accelsim.workload.graph import op_nodes

#: CPU seconds per step, for the time shown in the refusal (measured: resnet18, batch 64)
SECONDS_PER_STEP = 1e-4


def _crossbar_may_run(hw: HardwareConfig, layer: str) -> bool:
    xb = hw.crossbar
    if xb is None or layer in xb.exclude_layers:
        return False
    return xb.layers == "all" or layer in xb.layers


def op_steps(hw: HardwareConfig, node: dict) -> int:
    """A lower bound on the steps of one operation node."""
    work = node["work"]
    if work["type"] != "gemm" or _crossbar_may_run(hw, node.get("layer", "")):
        return 1
    m, k, n, count = work["m"], work["k"], work["n"], work.get("count", 1)
    folds = min(sum(g.count for g in map_gemm(a.dataflow, a.rows, a.cols, m, k, n).fold_groups())
                for a in hw.arrays)
    return folds * count


def estimate_steps(hw: HardwareConfig, graph: nx.DiGraph) -> tuple[int, str | None]:
    """(lower bound on the run's steps, the operation with the most)."""
    total, top, top_steps = 0, None, -1
    for op in op_nodes(graph):
        steps = op_steps(hw, graph.nodes[op])
        total += steps
        if steps > top_steps:
            top, top_steps = op, steps
    return total, top


def check_steps(hw: HardwareConfig, graph: nx.DiGraph, max_steps: int | None,
                source: str | None = None) -> int:
    """The step bound; ConfigError when it exceeds ``max_steps`` (None: no limit)."""
    steps, top = estimate_steps(hw, graph)
    if max_steps is not None and steps > max_steps:
        hours = steps * SECONDS_PER_STEP / 3600
        raise ConfigError(
            f"this run needs at least {steps:.3g} engine steps (about {hours:,.1f} CPU-hours; "
            f"{top!r} alone has {op_steps(hw, graph.nodes[top]):.3g}), more than the limit "
            f"{max_steps:.3g}", source=source, field="--max-steps",
            fix="check the workload's sizes and --batch; to run it anyway, raise the limit "
                f"with --max-steps {steps}")
    return steps
