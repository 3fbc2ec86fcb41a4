"""The Python API: load, simulate, and describe one training step.

The engine (SimPy) and the graph (networkx) are imported on first use, so that loading and
checking a hardware config (``accelsim validate``) does not pay for them.
"""
from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING

from accelsim import __version__
from accelsim.core import shipped
from accelsim.core.errors import ConfigError
from accelsim.core.limits import DEFAULT_MAX_STEPS
from accelsim.energy.check import check_priceable
from accelsim.hardware import loader
from accelsim.hardware.config import HardwareConfig

if TYPE_CHECKING:
    import networkx as nx

    from accelsim.engine.run import Run, simulate

#: names of this facade that live in heavier modules, imported when first asked for
_LAZY = {"Run": "accelsim.engine.run", "simulate": "accelsim.engine.run",
         "GRAPH_SCHEMA": "accelsim.workload.graph"}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def load_hardware(path: str | Path) -> HardwareConfig:
    """A hardware config file (accelsim YAML or SCALE-Sim ``.cfg``) or the name of a shipped one
    (``train128_sram``), validated, with its presets
    resolved and checked to be priceable by the default energy table."""
    hw = loader.load_hardware(shipped.resolve(path, "hw"))
    check_priceable(hw, str(path))
    return hw


def hardware_from_dict(data: dict, source: str | None = None) -> HardwareConfig:
    """The same as :func:`load_hardware` for a config already parsed into a dict."""
    hw = loader.hardware_from_dict(data, source)
    check_priceable(hw, source)
    return hw


def load_graph(workload_path: str | Path, phases: str = "training",
               batch: int | None = None) -> nx.DiGraph:
    """A workload file (YAML, SCALE-Sim CSV), a saved graph JSON or the name of a shipped
    workload (``resnet18``), as a training graph."""
    from accelsim.workload.graph import build_graph, read_graph
    from accelsim.workload.loader import load_workload
    p = shipped.resolve(workload_path, "workload")
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
        workload = workload.with_batch(batch, source=str(p), field="--batch")
    return build_graph(workload, phases, source=str(p))


def run_files(hw_path: str | Path, workload_path: str | Path, phases: str = "training",
              batch: int | None = None, seed: int = 0, observers=(),
              max_steps: int | None = DEFAULT_MAX_STEPS) -> Run:
    from accelsim.engine.run import simulate
    hw = load_hardware(hw_path)
    graph = load_graph(workload_path, phases, batch)
    try:
        return simulate(hw, graph, seed, observers, str(hw_path), str(workload_path), max_steps)
    except ConfigError as exc:  # e.g. a tile that does not fit: name the config file
        if exc.source is None:
            exc.source = str(hw_path)
        raise


__all__ = ["Run", "load_hardware", "hardware_from_dict", "load_graph", "simulate", "run_files", "GRAPH_SCHEMA", "__version__"]
