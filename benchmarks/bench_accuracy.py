"""CPU time of functional training: ideal vs all memory-error kinds on vs a full crossbar preset.

Runs the trainings side by side (interleaved, best of ``--repeats``) on the same network, seed and
epochs, and prints their CPU seconds (``time.process_time``: BLAS is single-threaded, so this is
the work done, and other load on a shared machine moves it far less than wall time) and ratios to
the ideal run. Targets (issues 5, 10, 16): memory errors ≤ 1.5× ideal at every BER, full
crossbar ≤ 3× ideal, on the MLP and on the scaled ResNet-18.

    python benchmarks/bench_accuracy.py [--network mlp|cnn|workloads/resnet18.yaml] [--epochs 10] [--repeats 5]
                                        [--ber 1e-7] [--crossbar ag-a-si]
"""
from __future__ import annotations

import argparse
import time

from accelsim.accuracy.api import Experiment
from accelsim.accuracy.trainer import train
from accelsim.core.formats import TENSOR_KINDS
from accelsim.hardware.crossbar.devices import resolve_device


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--network", default="mlp")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--ber", type=float, action="append",
                        help="BER of every tensor kind (repeatable; default 1e-7, 1e-6, 1e-5, 1e-4)")
    parser.add_argument("--crossbar", default="ag-a-si")
    args = parser.parse_args()
    rates = args.ber or [1e-7, 1e-6, 1e-5, 1e-4]

    exp = Experiment(args.network, epochs=args.epochs)
    device = resolve_device(args.crossbar)
    cases = {"ideal": {}}
    for ber in rates:
        cases[f"memory errors, all kinds at BER {ber:g}"] = {
            "bit_error_rate": dict.fromkeys(TENSOR_KINDS, ber)}
    cases[f"crossbar {device.name}, all layers"] = {"device": device,
                                                    "crossbar_layers": exp.weight_layers}

    best = dict.fromkeys(cases, float("inf"))
    flips = {}
    for _ in range(args.repeats):
        for name, kwargs in cases.items():
            start = time.process_time()
            history = train(exp.plans, exp.data, exp.config, formats=exp.formats, **kwargs)
            best[name] = min(best[name], time.process_time() - start)
            flips[name] = sum(history.bit_flips.values())

    steps = args.epochs * -(-len(exp.data.train_y) // exp.config.batch)
    print(f"network {exp.workload.name}, {args.epochs} epochs ({steps} steps), batch "
          f"{exp.config.batch}, best of {args.repeats}")
    print(f"{'case':<44} {'cpu_s':>11} {'ratio_to_ideal':>14} {'bit_flips':>10}")
    for name, seconds in best.items():
        print(f"{name:<44} {seconds:11.3f} {seconds / best['ideal']:14.2f} {flips[name]:10d}")


if __name__ == "__main__":
    main()
