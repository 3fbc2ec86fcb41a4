"""Sweep throughput: a 100-point sweep of small points (a tiny 10×10 grid of array shapes on the
digits MLP, batch 1) run into a fresh store with -j 1 (in this process) and -j 2 (a process pool),
and optionally on a 2-worker local Dask cluster. Printed side by side: wall seconds, points per
second, the speed-up over -j 1 and the CPU seconds used (this process and its pool workers; Dask
workers are not counted). Store writes, config validation and hashing are included: this is what
a user waits for. The machine's load average is printed too: on a shared machine -j 2 can only
be as fast as the cores other jobs leave free.

    python benchmarks/bench_sweep.py [--points 100] [--dask]
"""
from __future__ import annotations

import argparse
import math
import os
import tempfile
import time
from pathlib import Path

import yaml

from accelsim.tools.sweep import run_sweep

ROOT = Path(__file__).resolve().parents[1]
TINY_HW = yaml.safe_load((ROOT / "hw_configs/tiny8_ws.yaml").read_text())


def write_sweep(tmp: Path, points: int) -> Path:
    side = math.isqrt(points)
    assert side * side == points, "--points must be a square (rows × cols grid)"
    (tmp / "tiny.yaml").write_text(yaml.safe_dump(TINY_HW))
    spec = {"name": "bench", "base": "tiny.yaml",
            "workloads": [str(ROOT / "workloads" / "digits_mlp.yaml")], "batch": 1,
            "axes": [{"path": "arrays.0.rows", "values": list(range(4, 4 + side))},
                     {"path": "arrays.0.cols", "values": list(range(4, 4 + side))}]}
    path = tmp / "bench.yaml"
    path.write_text(yaml.safe_dump(spec))
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=100)
    ap.add_argument("--dask", action="store_true", help="also run on a 2-worker local Dask "
                                                        "cluster (cluster start-up included)")
    args = ap.parse_args()
    runs = [("-j 1", {"jobs": 1}), ("-j 2", {"jobs": 2})]
    if args.dask:
        runs.append(("--dask-local 2", {"dask_local": 2}))
    print(f"{args.points}-point sweep of small points (digits_mlp, batch 1, tiny arrays)")
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"{'executor':<15} {'wall s':>8} {'points/s':>10} {'vs -j 1':>8} {'cpu s':>7} "
          f"{'ok':>5}")
    with tempfile.TemporaryDirectory() as tmp:
        sweep = write_sweep(Path(tmp), args.points)
        base = None
        for name, kw in runs:
            c0, t0 = os.times(), time.perf_counter()
            report = run_sweep(sweep, Path(tmp) / f"{name.strip('-').replace(' ', '')}.db",
                               progress=False, **kw)
            wall, c1 = time.perf_counter() - t0, os.times()
            cpu = sum(c1[:4]) - sum(c0[:4])
            rate = report.ran / wall
            base = base or rate
            print(f"{name:<15} {wall:>8.2f} {rate:>10.1f} {rate / base:>7.2f}x {cpu:>7.2f} "
                  f"{report.ok:>5}")


if __name__ == "__main__":
    main()
