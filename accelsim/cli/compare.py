"""``accelsim compare BASE NEW``: per-layer, per-phase diff; exit 1 on a regression."""
from __future__ import annotations

import argparse


def register(sub) -> None:
    p = sub.add_parser(
        "compare", help="diff two runs or two sweep stores; exit 1 on a regression",
        description="Compare cycles, stalls and energy per layer and phase (and the step "
                    "totals) of two run directories or two sweep stores. Exit status: 0 nothing "
                    "moved beyond its tolerance, 1 a regression (a value beyond tolerance, or a "
                    "layer, phase, point or metric missing on one side), 2 unusable input. "
                    "Integers (cycles) must match exactly unless given a tolerance; real values "
                    "(energy) may move by --rel-tol.")
    p.add_argument("base", metavar="BASE", help="run directory or sweep store (.db): the baseline")
    p.add_argument("new", metavar="NEW", help="run directory or sweep store (.db) to check")
    p.add_argument("--tol", action="append", metavar="METRIC=REL",
                   help="relative tolerance of METRIC (a column name or glob; 0.01 or 1%%); "
                        "repeatable, the last match wins")
    p.add_argument("--abs-tol", action="append", metavar="METRIC=ABS",
                   help="absolute tolerance of METRIC, in its unit; repeatable")
    p.add_argument("--rel-tol", type=float, metavar="REL",
                   help="relative tolerance of real-valued metrics without a --tol "
                        "(default 1e-9)")
    p.add_argument("--metric", action="append", metavar="GLOB",
                   help="compare the numeric columns matching GLOB instead of the default "
                        "'*_cycles' and '*_energy_pj'; repeatable")
    p.add_argument("--max-changes", type=int, default=200, metavar="N",
                   help="print at most N moved values, failures first (default 200)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from accelsim.tools.compare import (
        DEFAULT_METRICS,
        Tolerances,
        compare_paths,
        format_report,
    )

    tol = Tolerances.from_args(args.tol, args.abs_tol, args.rel_tol)
    result = compare_paths(args.base, args.new, tol, tuple(args.metric or DEFAULT_METRICS))
    print(format_report(result, args.max_changes))
    return 1 if result.regressed else 0
