"""Wall time of functional training: ideal vs all memory-error kinds on vs a full crossbar preset.

Runs the trainings side by side (interleaved, best of ``--repeats``) on the same network, seed
and epochs, and prints their wall times and CPU times and ratios to the ideal run (CPU time is
less disturbed by other processes on a shared machine). Targets (issues 5, 10, 16): memory errors
≤ 1.5× ideal at every BER, full crossbar with per-sample updates ≤ 3× ideal, on the MLP and on
the scaled ResNet-18.

    python benchmarks/bench_accuracy.py [--network mlp|cnn|workloads/resnet18.yaml] [--epochs 10] [--repeats 5]
                                        [--ber 1e-7] [--crossbar ag-a-si]
                                        [--update per_sample --update batch_summed ...]
"""
from __future__ import annotations

import argparse
import time

from accelsim.core.formats import TENSOR_KINDS
from accelsim.accuracy.api import Experiment
from accelsim.hardware.crossbar.devices import resolve_device
from accelsim.accuracy.trainer import train


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--network", default="mlp")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--ber", type=float, action="append",
                        help="BER of every tensor kind (repeatable; default 1e-7, 1e-6, 1e-5, 1e-4)")
    parser.add_argument("--crossbar", default="ag-a-si")
    parser.add_argument("--update", action="append",
                        help="crossbar update scheme (repeatable; default per_sample)")
    args = parser.parse_args()
    rates = args.ber or [1e-7, 1e-6, 1e-5, 1e-4]

    exp = Experiment(args.network, epochs=args.epochs)
    devices = [resolve_device(args.crossbar, {"update_scheme": u})
               for u in args.update or ["per_sample"]]
    cases = {"ideal": {}}
    for ber in rates:
        cases[f"memory errors, all kinds at BER {ber:g}"] = {
            "bit_error_rate": dict.fromkeys(TENSOR_KINDS, ber)}
    for device in devices:
        cases[f"crossbar {device.name}, {device.update_scheme}"] = {
            "device": device, "crossbar_layers": exp.weight_layers}

    best = dict.fromkeys(cases, float("inf"))
    best_cpu = dict.fromkeys(cases, float("inf"))
    flips = {}
    for _ in range(args.repeats):
        for name, kwargs in cases.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            history = train(exp.plans, exp.data, exp.config, formats=exp.formats, **kwargs)
            best[name] = min(best[name], time.perf_counter() - start)
            best_cpu[name] = min(best_cpu[name], time.process_time() - start_cpu)
            flips[name] = sum(history.bit_flips.values())

    steps = args.epochs * exp.config.steps_per_epoch(len(exp.data.train_y))
    print(f"network {exp.workload.name}, {args.epochs} epochs ({steps} steps), batch "
          f"{exp.config.batch}, best of {args.repeats}")
    print(f"{'case':<44} {'wall_time_s':>11} {'ratio_to_ideal':>14} {'cpu_time_s':>10} "
          f"{'cpu_ratio':>9} {'bit_flips':>10}")
    for name, seconds in best.items():
        print(f"{name:<44} {seconds:11.3f} {seconds / best['ideal']:14.2f} "
              f"{best_cpu[name]:10.3f} {best_cpu[name] / best_cpu['ideal']:9.2f} "
              f"{flips[name]:10d}")


if __name__ == "__main__":
    main()
