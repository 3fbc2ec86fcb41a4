"""``accelsim derive HW --iso capacity|area`` writes the STT-MRAM counterpart of an SRAM
hardware config, at the same capacity or at the same scratchpad area."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from accelsim.core.errors import ConfigError


def register(subparsers) -> None:
    d = subparsers.add_parser(
        "derive", help="derive the STT-MRAM counterpart of an SRAM config",
        description="Move every SRAM scratchpad buffer to STT-MRAM at the same node, keeping "
                    "its capacity (iso-capacity) or its area (iso-area, capacity grown with the "
                    "area model).")
    d.add_argument("config", type=Path, metavar="HW_CONFIG")
    d.add_argument("--iso", choices=("capacity", "area"), required=True)
    d.add_argument("--technology", help="target STT-MRAM preset (default: stt_mram_<node>nm)")
    d.add_argument("--voltage-scale", type=float, help="MRAM write voltage scale (default 1)")
    d.add_argument("--pulse-ns", type=float,
                   help="MRAM write pulse in ns (default: the technology preset's own pulse)")
    d.add_argument("--buffers", help="comma-separated buffers to convert (default: all SRAM "
                                     "buffers); the others keep their technology")
    d.add_argument("--name", help="name of the derived config")
    d.add_argument("-o", "--output", type=Path, metavar="FILE",
                   help="write the YAML here (default: standard output)")
    d.set_defaults(func=run_derive)


def run_derive(args: argparse.Namespace) -> int:
    from accelsim.api import load_hardware
    from accelsim.core.ranges import field_range
    from accelsim.hardware.memory.mram_write import MramWritePoint
    from accelsim.tools.derive import derive_mram, to_yaml
    hw = load_hardware(args.config)
    point = None
    if args.voltage_scale is not None or args.pulse_ns is not None:
        fields = {k: v for k, v in (("voltage_scale", args.voltage_scale),
                                    ("pulse_ns", args.pulse_ns)) if v is not None}
        for k, v in fields.items():
            plausible = field_range(MramWritePoint, k)
            if problem := plausible.problem(v):
                raise ConfigError(problem, field=f"--{k.replace('_', '-')}",
                                  fix=f"give a value in {plausible.text()}")
        point = MramWritePoint(**fields)
    buffers = [b.strip() for b in args.buffers.split(",") if b.strip()] if args.buffers else None
    derived, changes = derive_mram(hw, args.iso, technology=args.technology, write_point=point,
                                   name=args.name, buffers=buffers, source=str(args.config))
    text = to_yaml(derived)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    for c in changes:
        print(f"{c.buffer}: {c.from_technology} {c.from_capacity_bytes} B "
              f"({c.from_area_mm2:.4g} mm²) -> {c.to_technology} {c.to_capacity_bytes} B "
              f"({c.to_area_mm2:.4g} mm²)", file=sys.stderr)
    return 0
