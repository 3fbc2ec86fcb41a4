"""One simulated training step: the machine, the graph played and what the engine measured."""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field

import networkx as nx

from accelsim.core.limits import DEFAULT_MAX_STEPS
from accelsim.engine.estimate import check_steps
from accelsim.engine.simulator import SimResult, Simulator
from accelsim.hardware.config import HardwareConfig


@dataclass
class Run:
    """One simulated training step, with everything needed to write and re-price it."""
    hw: HardwareConfig
    graph: nx.DiGraph
    result: SimResult
    seed: int
    hw_source: str | None = None
    workload_source: str | None = None
    wall_seconds: float = 0.0
    extra: dict = field(default_factory=dict)

    @property
    def graph_hash(self) -> str:
        data = nx.node_link_data(self.graph, edges="edges")
        data["graph"] = {k: v for k, v in data["graph"].items() if k != "tool_version"}
        text = json.dumps(data, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


#: runs whose step bound reaches this (a few CPU-seconds) show a progress bar on a terminal
PROGRESS_STEPS = 20_000


def simulate(hw: HardwareConfig, graph: nx.DiGraph, seed: int = 0, observers=(),
             hw_source: str | None = None, workload_source: str | None = None,
             max_steps: int | None = DEFAULT_MAX_STEPS) -> Run:
    """Play ``graph`` on ``hw``; refused (ConfigError) when the run would need more than
    ``max_steps`` engine steps (None: no limit; see :mod:`accelsim.engine.estimate`)."""
    steps = check_steps(hw, graph, max_steps, workload_source)
    t0 = time.perf_counter()
    sim = Simulator(hw, graph, observers)
    if steps >= PROGRESS_STEPS:  # a long run: a progress bar over its operations on a terminal
        from accelsim.core.progress import progress
        with progress(len(sim.ops), "operations") as bar:
            sim.on_complete = bar.update
            result = sim.run()
    else:
        result = sim.run()
    return Run(hw, graph, result, seed, hw_source, workload_source,
               wall_seconds=time.perf_counter() - t0)
