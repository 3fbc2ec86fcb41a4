"""Cost against batch: CPU seconds and SimPy events of one training step of ResNet-50 on
train128_stt_mram at batch 1, 32, 256 and 1024, and of MobileNetV2 at batch 32; the ratio of
batch 1024 to batch 1; and the CPU seconds of ``accelsim --help`` (start-up).

Each measurement runs in a fresh child process; the simulation alone is timed (loading the
config and building the graph are printed apart). The design rule is that cost grows with the
number of distinct fold and tile shapes, not with simulated cycles: the ratio shows how far the
engine is from it.

    python benchmarks/bench_scaling.py [--batches 1 32 256 1024] [--no-mobilenet]
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HW = ROOT / "hw_configs/train128_stt_mram.yaml"


def child(workload: str, batch: int) -> dict:
    code = (
        "import json,time\n"
        "from accelsim.api import load_graph, load_hardware\n"
        "from accelsim.engine.simulator import Simulator\n"
        "c=time.process_time()\n"
        f"hw=load_hardware({str(HW)!r}); g=load_graph({workload!r}, batch={batch})\n"
        "s=time.process_time(); r=Simulator(hw, g).run(); e=time.process_time()\n"
        "print(json.dumps({'setup_s': s-c, 'cpu_s': e-s, 'events': r.events,"
        "'cycles': r.total_cycles}))\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def help_cpu_s() -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    code = "import sys; from accelsim.cli import main; sys.argv = ['accelsim', '--help']; main()"
    subprocess.run([sys.executable, "-c", code], capture_output=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batches", type=int, nargs="+", default=[1, 32, 256, 1024])
    ap.add_argument("--no-mobilenet", action="store_true")
    args = ap.parse_args()
    cases = [(str(ROOT / "workloads/resnet50.yaml"), "resnet50", b) for b in args.batches]
    if not args.no_mobilenet:
        cases.append((str(ROOT / "workloads/mobilenetv2.yaml"), "mobilenetv2", 32))
    print(f"{'workload':>12} {'batch':>6} {'setup s':>8} {'cpu s':>8} {'events':>11} "
          f"{'cycles':>15}")
    got = {}
    for path, name, batch in cases:
        r = child(path, batch)
        got[(name, batch)] = r
        print(f"{name:>12} {batch:>6} {r['setup_s']:>8.2f} {r['cpu_s']:>8.2f} "
              f"{r['events']:>11,} {r['cycles']:>15,}")
    lo, hi = min(args.batches), max(args.batches)
    if lo != hi:
        a, b = got[("resnet50", lo)], got[("resnet50", hi)]
        print(f"resnet50 batch {hi} / batch {lo}: cpu ×{b['cpu_s'] / a['cpu_s']:.2f}, "
              f"events ×{b['events'] / a['events']:.2f}, cycles ×{b['cycles'] / a['cycles']:.2f}")
    print(f"accelsim --help: {help_cpu_s():.2f} CPU-s")


if __name__ == "__main__":
    main()
