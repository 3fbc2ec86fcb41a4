"""The run summary's ``crossbar`` section."""
from __future__ import annotations

from accelsim.hardware.config import HardwareConfig
from accelsim.hardware.crossbar.area import area_report
from accelsim.hardware.crossbar.error_profile import error_profile_section
from accelsim.hardware.crossbar.unit import CrossbarMachine


def crossbar_summary(machine: CrossbarMachine, hw: "HardwareConfig") -> dict:
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
