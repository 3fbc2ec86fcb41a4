"""Scheduler scaling: a chain of N small linear layers (a training step: forward, backward_data,
backward_weight and update per layer, so 4·N operations) on the tiny 8×8 machine, for N = 1,000,
4,000 and 16,000. Printed: CPU seconds of the simulation alone (the graph is built first, not
timed), microseconds per operation, and the ratio of each size's time to the smallest's against
the ratio of their sizes — linear scaling prints equal ratios.

    python benchmarks/bench_scheduler.py [--layers 1000 4000 16000]
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from accelsim.api import load_hardware
from accelsim.engine.simulator import Simulator
from accelsim.workload.graph import build_graph
from accelsim.workload.layers import Workload

ROOT = Path(__file__).resolve().parents[1]


def chain(n: int) -> Workload:
    return Workload.model_validate({"name": f"chain{n}", "batch": 1, "layers": [
        {"kind": "linear", "name": f"fc{i}", "in_features": 16, "out_features": 16}
        for i in range(n)]})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--layers", type=int, nargs="+", default=[1000, 4000, 16000])
    args = ap.parse_args()
    hw = load_hardware(ROOT / "hw_configs/tiny8_ws.yaml")
    print(f"{'layers':>7} {'ops':>7} {'cpu s':>8} {'us/op':>8} {'time ×':>8} {'size ×':>8}")
    first = None
    for n in args.layers:
        g = build_graph(chain(n), "training")
        ops = sum(1 for _, d in g.nodes(data=True) if d.get("kind") == "op")
        c = time.process_time()
        Simulator(hw, g).run()
        cpu = time.process_time() - c
        first = first or (n, cpu)
        print(f"{n:>7} {ops:>7} {cpu:>8.2f} {1e6 * cpu / ops:>8.1f} {cpu / first[1]:>8.2f} "
              f"{n / first[0]:>8.2f}")


if __name__ == "__main__":
    main()
