"""Cost of the Perfetto timeline: the ResNet-50 training step at batch 32 on train128_stt_mram,
run plainly and with ``--timeline``, side by side in one invocation.

Each run is the ``accelsim run`` sub-command in a fresh child process, measured by the child's
CPU seconds (user + sys, ``os.wait4``), interleaved over ``--repeats`` rounds; the table prints
the medians, the timeline's extra time in % and its size (targets: at most +50 %, under 20 MB).

    python benchmarks/bench_timeline.py [--batch 32] [--repeats 3]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path


def cpu_seconds(argv: list[str]) -> float:
    proc = subprocess.Popen([sys.executable, "-c", "from accelsim.cli import main; "
                             "raise SystemExit(main())", *argv],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    if status:
        raise SystemExit(f"accelsim {' '.join(argv)} failed: {proc.stderr.read().decode()}")
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    base = ["run", "train128_stt_mram", "resnet50", "--batch", str(args.batch)]
    plain, timed = [], []
    with tempfile.TemporaryDirectory() as tmp:
        json_path = Path(tmp) / "timeline.json"
        for _ in range(args.repeats):
            plain.append(cpu_seconds([*base, "-o", f"{tmp}/plain"]))
            timed.append(cpu_seconds([*base, "-o", f"{tmp}/timed", "--timeline", str(json_path)]))
        size_mb = json_path.stat().st_size / 2**20
    p, t = statistics.median(plain), statistics.median(timed)
    print(f"ResNet-50 batch {args.batch}, train128_stt_mram, median of {args.repeats} (CPU-s)")
    print(f"{'plain run':>14} {'with timeline':>14} {'extra':>8} {'timeline MB':>12}")
    print(f"{p:>14.2f} {t:>14.2f} {100 * (t - p) / p:>7.0f}% {size_mb:>12.1f}")


if __name__ == "__main__":
    main()
