"""``accelsim run HW WORKLOAD``: simulate one training step and write a result directory."""
from __future__ import annotations

import argparse

from accelsim.cli.options import add_max_steps, check_seed
from accelsim.core.phases import PHASE_SETS


def register(sub) -> None:
    p = sub.add_parser("run", help="simulate one training step",
                       description="Simulate one training step of WORKLOAD on HW and write "
                                   "summary.json, layers.csv and counts.json to OUT.")
    p.add_argument("hw", help="hardware config: accelsim .yaml or SCALE-Sim .cfg")
    p.add_argument("workload", help="workload: .yaml layer list, SCALE-Sim topology .csv, "
                                    "or a graph .json written by 'accelsim graph'")
    p.add_argument("-o", "--out", default="out", help="result directory (default: out)")
    p.add_argument("--phases", choices=tuple(PHASE_SETS), default="training",
                   help="simulate the whole training step (default) or only the forward pass")
    p.add_argument("--batch", type=_positive, default=None, help="override the batch size")
    p.add_argument("--seed", type=int, default=0, help="seed recorded with the results")
    add_max_steps(p)
    p.add_argument("--trace", action="store_true",
                   help="also write trace.csv (one row per step) and the trace_*.csv files of "
                        "DRAM transfers, dependency waits and buffer occupancy")
    p.add_argument("--timeline", metavar="FILE.json", default=None,
                   help="also write a Perfetto / chrome://tracing timeline of the step")
    p.add_argument("--accuracy", nargs="?", const="auto", default=None, metavar="NETWORK",
                   help="train a network on the 8×8 digits with this run's error profile "
                        "injected and add the result to summary.json; NETWORK is mlp, cnn or a "
                        "workload YAML (default: the run's workload if the functional model "
                        "supports its layers, otherwise mlp)")
    p.add_argument("--epochs", type=_positive, default=10,
                   help="training epochs of --accuracy (default 10)")
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
    from accelsim.api import run_files
    from accelsim.engine.observers import StepTrace
    from accelsim.results.report import print_summary
    from accelsim.results.writer import write_run

    check_seed(args.seed)
    observers = [StepTrace()] if args.trace or args.timeline else []
    result = run_files(args.hw, args.workload, args.phases, args.batch, args.seed, observers,
                       max_steps=args.max_steps or None)
    if args.accuracy:
        result.extra["accuracy"] = _accuracy(args, result)
    summ = write_run(result, args.out)
    if observers:
        from pathlib import Path

        from accelsim.results.rundir import output_errors
        if args.trace:
            with output_errors(Path(args.out)):
                observers[0].write(args.out)
        if args.timeline:
            from accelsim.results.perfetto import write_timeline
            with output_errors(Path(args.timeline)):
                write_timeline(args.out, args.timeline, observers[0].records)
    print_summary(summ, args.out)
    if args.timeline:
        print(f"timeline: {args.timeline} (open it in ui.perfetto.dev or chrome://tracing)")
    return 0


def _accuracy(args, run) -> dict:
    """The functional accuracy model on this run's own error profile."""
    from accelsim.accuracy.api import Experiment, evaluate_error_profile
    from accelsim.core.errors import ConfigError
    from accelsim.results.writer import layer_rows, summary

    profile = summary(run, layer_rows(run))["error_profile"]
    network, note = args.accuracy, None
    if network == "auto":
        network = args.workload
        try:
            Experiment(network, epochs=1)  # can the functional model train this workload?
        except ConfigError as exc:
            network, note = "mlp", f"the workload is not trainable by the functional model: {exc}"
            if profile.get("crossbar"):  # the MLP's layers are not the workload's: map them all
                profile = {**profile, "crossbar": {**profile["crossbar"], "layers": None}}
            print(f"accuracy model: {note}; training the digits MLP with this run's bit error "
                  "rates instead")
    result = evaluate_error_profile(profile, network=network, epochs=args.epochs, seed=args.seed)
    scaling = result["network"]["scaling"]
    if scaling["channel_divisor"] > 1 or scaling["workload_batch"] != scaling["trained_batch"]:
        print(f"accuracy model: {result['network']['name']} scaled to the data set: channels / "
              f"{scaling['channel_divisor']}, input {_shape(scaling['workload_input'])} -> "
              f"{_shape(scaling['trained_input'])}, batch {scaling['workload_batch']} -> "
              f"{scaling['trained_batch']}")
    acc, ideal = result["test_accuracy"][-1], result["ideal_test_accuracy"][-1]
    print(f"accuracy model ({network}, {args.epochs} epochs, seed {args.seed}): "
          f"{100 * acc:.1f}% with this run's errors vs {100 * ideal:.1f}% ideal")
    if note:
        result["note"] = note
    return result


def _shape(dims) -> str:
    return "x".join(map(str, dims))
