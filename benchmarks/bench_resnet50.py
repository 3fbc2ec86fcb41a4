"""Speed of one full ResNet-50 training step (forward, backward_data, backward_weight, update) on a
128×128 weight-stationary array with a banked STT-MRAM scratchpad and HBM2, at batch 1 and 32.

Each run happens in a fresh child process so that its peak memory is its own. Printed side by side:
wall seconds, peak RSS, simulated cycles, SimPy events, the sum of the closed-form compute cycles of
every operation (the stall-free bound) and the ratio to SCALE-Sim 3.0.0's measured time for only the *forward*
pass of ResNet-50 at batch 1 (128×128 os, benchmarks/data/scalesim_run_costs.csv: 322.57 CPU-seconds,
6,594 MB on this machine type).

    python benchmarks/bench_resnet50.py [--batches 1 32]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCALESIM_FWD_CPU_S = 322.57   # mlperf_Resnet50__sa128_os_calc, cpu_user_sys_s
SCALESIM_FWD_RSS_MB = 6594.0


def child(hw: str, batch: int, out: Path) -> dict:
    code = (
        "import json,sys,time,resource\n"
        "from accelsim.api import run_files\n"
        "from accelsim.results.writer import write_run\n"
        f"t=time.perf_counter(); c=time.process_time()\n"
        f"r=run_files({hw!r}, {str(ROOT / 'workloads/resnet50.yaml')!r}, batch={batch})\n"
        f"s=write_run(r, {str(out)!r})\n"
        "print(json.dumps({'wall_s': time.perf_counter()-t, 'cpu_s': time.process_time()-c,"
        "'rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024,"
        "'cycles': s['total_cycles'], 'events': s['simpy_events'],"
        "'compute': sum(s['compute_cycles_by_phase'].values())}))\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batches", type=int, nargs="+", default=[1, 32])
    args = ap.parse_args()
    hw = str(ROOT / "hw_configs/train128_stt_mram.yaml")
    print(f"{'batch':>5} {'wall s':>8} {'cpu s':>8} {'peak MB':>8} {'cycles':>14} "
          f"{'compute sum':>14} {'real/compute':>12} {'events':>10} {'vs SCALE-Sim fwd':>17}")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for b in args.batches:
            r = child(hw, b, Path(tmp) / f"b{b}")
            results[b] = r
            print(f"{b:>5} {r['wall_s']:>8.2f} {r['cpu_s']:>8.2f} {r['rss_mb']:>8.0f} "
                  f"{r['cycles']:>14,} {r['compute']:>14,} {r['cycles'] / r['compute']:>12.2f} "
                  f"{r['events']:>10,} {100 * r['cpu_s'] / SCALESIM_FWD_CPU_S:>16.2f}%")
    if len(results) > 1:
        lo, hi = min(results), max(results)
        print(f"batch ×{hi // lo}: wall time ×{results[hi]['wall_s'] / results[lo]['wall_s']:.2f}, "
              f"simulated cycles ×{results[hi]['cycles'] / results[lo]['cycles']:.2f}")
    print(f"SCALE-Sim 3.0.0, forward only, batch 1: {SCALESIM_FWD_CPU_S} CPU-s, "
          f"{SCALESIM_FWD_RSS_MB:.0f} MB peak (measured, benchmarks/data/scalesim_run_costs.csv)")


if __name__ == "__main__":
    main()
