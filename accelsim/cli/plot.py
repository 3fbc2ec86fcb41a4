"""``accelsim plot RUN_DIR|SWEEP_DB [-o DIR]``: write PNG plots."""
from __future__ import annotations

import argparse


def register(sub) -> None:
    p = sub.add_parser(
        "plot", help="PNG plots of a run directory or a sweep store",
        description="For a run directory: cycles per layer stacked by cause (one panel per "
                    "phase) and, when priced, energy by component. For a sweep store: the "
                    "energy-vs-cycles Pareto front per workload, points labelled by their "
                    "axis values.")
    p.add_argument("path", metavar="RUN_DIR|SWEEP_DB")
    p.add_argument("-o", "--out", metavar="DIR",
                   help="output directory (default: RUN_DIR/plots or <store stem>_plots)")
    p.add_argument("--timeline", action="store_true",
                   help="draw the step's timeline (a run directory written with --trace): one "
                        "row per unit, busy and stall spans by cause, phase starts marked")
    p.add_argument("--window", metavar="START:END", default=None,
                   help="with --timeline: only these cycles (either side may be empty)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from accelsim.tools.plot import plot_path

    if args.window and not args.timeline:
        from accelsim.core.errors import ConfigError
        raise ConfigError("--window goes with --timeline", field="--window",
                          fix="add --timeline, or drop --window")
    files, notes = plot_path(args.path, args.out, args.timeline, args.window)
    for note in notes:
        print(f"note: {note}")
    for f in files:
        print(f"wrote {f}")
    return 0
