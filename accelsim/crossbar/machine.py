"""Simulating a machine with crossbar tiles until the engine carries them itself.

``HardwareConfig`` has no ``crossbar`` field yet and the :class:`~accelsim.engine.simulator.Simulator`
does not create crossbar units. This module does both from the outside, with exactly the hook
lines the engine needs (docs/crossbar.md, "Engine hooks"): a hardware YAML's ``crossbar:``
section is validated as a :class:`CrossbarConfig`, the graph is adapted, each mapped layer's
operations go to its ``xbar:<layer>`` unit, and the analog MACs of those rows are reported as
``macs`` but priced only through the crossbar action group (never as digital MACs).
"""
from __future__ import annotations

from pathlib import Path

import networkx as nx

from ..api import Run
from ..config.hardware import HardwareConfig
from ..config.loader import hardware_from_dict
from ..energy.pricing import price
from ..engine.simulator import SimResult, Simulator
from ..io.results import counts as run_counts
from ..io.yamlfile import load_yaml
from .area import area_report
from .config import CrossbarConfig, crossbar_from_dict
from .error_profile import error_profile_section
from .unit import CrossbarMachine


def load_machine(path: str | Path) -> tuple[HardwareConfig, CrossbarConfig | None]:
    """A hardware YAML with an optional ``crossbar:`` section."""
    data = load_yaml(path)
    section = data.pop("crossbar", None)
    hw = hardware_from_dict(data, source=str(path))
    return hw, None if section is None else crossbar_from_dict(section, source=str(path))


class CrossbarSimulator(Simulator):
    """The engine's simulator with one crossbar unit per mapped layer."""

    def __init__(self, hw: HardwareConfig, graph: nx.DiGraph, xbar: CrossbarMachine,
                 observers=()):
        self.xbar = xbar
        super().__init__(hw, xbar.graph, observers)
        self.units += list(xbar.units.values())

    def _assign_units(self) -> dict[str, object]:
        out = super()._assign_units()
        for op in self.ops:
            unit = self.xbar.unit_for(self.g.nodes[op])
            if unit is not None:
                out[op] = unit
        return out

    def run(self) -> SimResult:
        result = super().run()
        for row in result.rows:
            if row.unit.startswith("xbar:"):   # analog MACs, priced as crossbar actions
                row.macs, row.vector_ops = row.vector_ops, 0
        return result


def simulate_machine(hw: HardwareConfig, xcfg: CrossbarConfig | None, graph: nx.DiGraph,
                     source: str | None = None) -> tuple[Run, CrossbarMachine | None]:
    if xcfg is None:
        return Run(hw, graph, Simulator(hw, graph).run(), 0), None
    machine = CrossbarMachine(xcfg, graph, hw.clock_ghz, source)
    result = CrossbarSimulator(hw, graph, machine).run()
    return Run(hw, machine.graph, result, 0), machine


def resolved_config(hw: HardwareConfig, xcfg: CrossbarConfig | None) -> dict:
    data = hw.resolved_dict()
    if xcfg is not None:
        data["crossbar"] = xcfg.model_dump(mode="json")
    return data


def priced(run: Run, xcfg: CrossbarConfig | None) -> dict:
    """Energy of the run; crossbar rows carry no digital MAC actions."""
    doc = run_counts(run)
    for row, r in zip(doc["rows"], run.result.rows):
        if r.unit.startswith("xbar:"):
            row["actions"].pop("mac", None)
    return price(doc, resolved_config(run.hw, xcfg))


def crossbar_summary(machine: CrossbarMachine, hw: HardwareConfig) -> dict:
    """The run summary's ``crossbar`` section: placement, one-time programming, area, and the
    error-profile section (``error_profile.crossbar``)."""
    prog = machine.programming
    return {
        "layers": {name: {"tiles": m.tiles, "row_blocks": m.row_blocks,
                          "col_blocks": m.col_blocks, "packed": m.packed}
                   for name, m in machine.plan.mappings.items()},
        "tiles_used": machine.plan.tiles_used,
        "overflowed_to_digital": list(machine.plan.overflowed),
        "notes": list(machine.plan.notes),
        "programming": {"latency_ns": max((c.latency_ns for c in prog), default=0.0),
                        "write_pulses": sum(c.write_pulses for c in prog)},
        "area": area_report(machine.cfg, hw.node_nm, machine.plan.tiles_used),
        "error_profile": error_profile_section(machine.cfg, prog + machine.log),
    }
