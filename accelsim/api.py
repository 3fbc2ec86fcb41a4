"""The Python API: load, simulate, and describe one training step."""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from accelsim import __version__
from accelsim.config.hardware import HardwareConfig
from accelsim.config.loader import load_hardware
from accelsim.engine.simulator import SimResult, Simulator
from accelsim.errors import ConfigError
from accelsim.workload.graph import GRAPH_SCHEMA, build_graph, read_graph
from accelsim.workload.loader import load_workload


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


def load_graph(workload_path: str | Path, phases: str = "training",
               batch: int | None = None) -> nx.DiGraph:
    """A workload file (YAML, SCALE-Sim CSV) or a saved graph JSON, as a training graph."""
    p = Path(workload_path)
    if p.suffix.lower() == ".json":
        if batch is not None:
            raise ConfigError("--batch cannot change a saved graph", source=str(p),
                              fix="rebuild the graph with 'accelsim graph WORKLOAD --batch N'")
        g = read_graph(p)
        if phases == "forward":
            g = g.subgraph([n for n, d in g.nodes(data=True)
                            if d.get("kind") != "op" or d["phase"] == "forward"]).copy()
        return g
    workload = load_workload(p)
    if batch is not None:
        workload = workload.with_batch(batch)
    return build_graph(workload, phases, source=str(p))


def simulate(hw: HardwareConfig, graph: nx.DiGraph, seed: int = 0, observers=(),
             hw_source: str | None = None, workload_source: str | None = None) -> Run:
    t0 = time.perf_counter()
    result = Simulator(hw, graph, observers).run()
    return Run(hw, graph, result, seed, hw_source, workload_source,
               wall_seconds=time.perf_counter() - t0)


def run_files(hw_path: str | Path, workload_path: str | Path, phases: str = "training",
              batch: int | None = None, seed: int = 0, observers=()) -> Run:
    hw = load_hardware(hw_path)
    graph = load_graph(workload_path, phases, batch)
    try:
        return simulate(hw, graph, seed, observers, str(hw_path), str(workload_path))
    except ConfigError as exc:  # e.g. a tile that does not fit: name the config file
        if exc.source is None:
            exc.source = str(hw_path)
        raise


__all__ = ["Run", "load_graph", "simulate", "run_files", "GRAPH_SCHEMA", "__version__"]
