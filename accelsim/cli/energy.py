"""``accelsim energy RUN_DIR`` re-prices a saved run; ``accelsim derive`` writes the STT-MRAM
counterpart of an SRAM hardware config (iso-capacity or iso-area)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..config.derive import derive_mram, to_yaml
from ..config.loader import load_hardware
from ..errors import ConfigError
from ..memory.mram_write import MramWritePoint
from ..energy.pricing import price
from ..energy.runfiles import merge_layer_rows, read_run, write_repriced
from ..energy.table import EnergyTable


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "energy", help="re-price a saved run under another energy table (no re-simulation)",
        description="Recompute the energy of RUN_DIR from its counts.json and the resolved "
                    "config in summary.json, rewrite the *_energy_pj columns of layers.csv and "
                    "the energy sections of summary.json, and print the breakdown.")
    p.add_argument("run_dir", type=Path, metavar="RUN_DIR")
    p.add_argument("--table", type=Path, metavar="FILE",
                   help="energy-table file whose entries replace the defaults (docs/energy.md)")
    p.add_argument("-o", "--output", type=Path, metavar="OUT_DIR",
                   help="write layers.csv, summary.json and counts.json here instead of "
                        "rewriting RUN_DIR")
    p.set_defaults(func=run_energy)

    d = subparsers.add_parser(
        "derive", help="derive the STT-MRAM counterpart of an SRAM config",
        description="Move every SRAM scratchpad buffer to STT-MRAM at the same node, keeping "
                    "its capacity (iso-capacity) or its area (iso-area, capacity grown with the "
                    "area model).")
    d.add_argument("config", type=Path, metavar="HW_CONFIG")
    d.add_argument("--iso", choices=("capacity", "area"), required=True)
    d.add_argument("--technology", help="target STT-MRAM preset (default: stt_mram_<node>nm)")
    d.add_argument("--voltage-scale", type=float, help="MRAM write voltage scale (default 1)")
    d.add_argument("--pulse-ns", type=float, help="MRAM write pulse in ns (default: the technology preset's own pulse)")
    d.add_argument("--buffers", help="comma-separated buffers to convert (default: all SRAM "
                                     "buffers); the others keep their technology")
    d.add_argument("--name", help="name of the derived config")
    d.add_argument("-o", "--output", type=Path, metavar="FILE",
                   help="write the YAML here (default: standard output)")
    d.set_defaults(func=run_derive)


def run_energy(args: argparse.Namespace) -> int:
    run_dir: Path = args.run_dir
    if not run_dir.is_dir():
        raise ConfigError("not a directory", source=str(run_dir),
                          fix="pass the output directory of 'accelsim run'")
    table = EnergyTable.load(args.table)
    counts, summary, config, rows, header = read_run(run_dir)
    result = price(counts, config, table, counts_source=str(run_dir / "counts.json"),
                   config_source=str(run_dir / "summary.json"))
    merged, new_header = merge_layer_rows(rows, header, result["rows"],
                                          source=str(run_dir / "layers.csv"))
    out_dir = args.output or run_dir
    write_repriced(out_dir, summary, merged, new_header, result,
                   counts=counts if args.output else None)
    print(format_breakdown(result))
    print(f"wrote {out_dir / 'layers.csv'} and {out_dir / 'summary.json'}")
    return 0


def format_breakdown(result: dict) -> str:
    """A text table of energy by component, largest first, with totals and area."""
    e = result["energy_pj"]
    total = e["total"]
    lines = [f"energy table: {result['energy_table']['name']}",
             f"{'component':<34}{'energy_pj':>16}{'share_%':>10}"]
    for name, pj in sorted(e["by_component"].items(), key=lambda kv: -kv[1]):
        share = 100.0 * pj / total if total else 0.0
        lines.append(f"{name:<34}{pj:>16.6g}{share:>10.2f}")
    lines.append(f"{'total':<34}{total:>16.6g}{100.0 if total else 0.0:>10.2f}")
    for part in ("dynamic", "leakage", "dram_background"):
        share = 100.0 * e[part] / total if total else 0.0
        lines.append(f"  {part:<32}{e[part]:>16.6g}{share:>10.2f}")
    lines.append(f"scratchpad area_mm2: {result['area_mm2']['total']:.6g}")
    lines += [f"not priced: {note}" for note in result["unpriced"]]
    return "\n".join(lines)


def run_derive(args: argparse.Namespace) -> int:
    hw = load_hardware(args.config)
    point = None
    if args.voltage_scale is not None or args.pulse_ns is not None:
        fields = {k: v for k, v in (("voltage_scale", args.voltage_scale),
                                    ("pulse_ns", args.pulse_ns)) if v is not None}
        for k, v in fields.items():
            if v <= 0:
                raise ConfigError(f"must be positive (got {v:g})", field=f"--{k.replace('_', '-')}")
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
