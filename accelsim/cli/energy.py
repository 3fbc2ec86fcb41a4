"""``accelsim energy RUN_DIR`` re-prices a saved run under another energy table."""
from __future__ import annotations

import argparse
from pathlib import Path


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


def run_energy(args: argparse.Namespace) -> int:
    from accelsim.energy.pricing import price
    from accelsim.energy.table import EnergyTable
    from accelsim.results.rundir import COUNTS, LAYERS, SUMMARY, read_run_dir
    from accelsim.results.runfiles import merge_layer_rows, write_repriced
    run_dir: Path = args.run_dir
    table = EnergyTable.load(args.table)
    run = read_run_dir(run_dir)
    counts = run.counts()
    result = price(counts, run.config(), table, counts_source=str(run_dir / COUNTS),
                   config_source=str(run_dir / SUMMARY))
    merged, new_header = merge_layer_rows(run.rows, run.header, result["rows"],
                                          source=str(run_dir / LAYERS))
    out_dir = args.output or run_dir
    write_repriced(out_dir, run.summary, merged, new_header, result,
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
