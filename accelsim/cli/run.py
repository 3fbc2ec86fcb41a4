"""``accelsim run HW WORKLOAD``: simulate one training step and write a result directory."""
from __future__ import annotations

import argparse


def register(sub) -> None:
    p = sub.add_parser("run", help="simulate one training step",
                       description="Simulate one training step of WORKLOAD on HW and write "
                                   "summary.json, layers.csv and counts.json to OUT.")
    p.add_argument("hw", help="hardware config: accelsim .yaml or SCALE-Sim .cfg")
    p.add_argument("workload", help="workload: .yaml layer list, SCALE-Sim topology .csv, "
                                    "or a graph .json written by 'accelsim graph'")
    p.add_argument("-o", "--out", default="out", help="result directory (default: out)")
    p.add_argument("--phases", choices=("training", "forward"), default="training",
                   help="simulate the whole training step (default) or only the forward pass")
    p.add_argument("--batch", type=_positive, default=None, help="override the batch size")
    p.add_argument("--seed", type=int, default=0, help="seed recorded with the results")
    p.add_argument("--trace", action="store_true", help="also write trace.csv (one row per step)")
    p.set_defaults(func=run)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive: {value}")
    return value


def run(args) -> int:
    from ..api import run_files
    from ..engine.observers import StepTrace
    from ..io.results import write_run
    from ..io.report import print_summary

    observers = [StepTrace()] if args.trace else []
    result = run_files(args.hw, args.workload, args.phases, args.batch, args.seed, observers)
    summ = write_run(result, args.out)
    if args.trace:
        observers[0].write(f"{args.out}/trace.csv")
    print_summary(summ, args.out)
    return 0
