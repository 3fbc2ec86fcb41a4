"""Speed of full transformer training steps (forward, backward_data, backward_weight, update) on
``train128_sram``: GPT-2 124M at 1024 tokens and Llama-2-7B at 2048 tokens, batch 1 (issue 12.4
targets: at most 5 and 20 CPU-seconds on the project's 2-core machine), and how the cost of
Llama grows with the number of identical blocks (1, 8, 32: the shipped file cut after N blocks).

Each run happens in a fresh child process; printed: CPU seconds (graph build + simulation),
wall seconds, peak RSS, simulated cycles, SimPy events and operations.

    python benchmarks/bench_transformers.py [--blocks 1 8 32]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
HW = str(ROOT / "hw_configs/train128_sram.yaml")
TARGET_CPU_S = {"gpt2": 5.0, "llama2_7b": 20.0}


def cut_llama(blocks: int, out: Path) -> Path:
    """The shipped Llama-2-7B with only its first ``blocks`` decoder blocks."""
    data = yaml.safe_load((ROOT / "workloads/llama2_7b.yaml").read_text())
    keep = []
    for layer in data["layers"]:
        name = layer["name"]
        if name.startswith("layers.") and int(name.split(".")[1]) >= blocks:
            continue
        if name == "norm":
            layer = {**layer, "input": f"layers.{blocks - 1}.mlp_add"}
        keep.append(layer)
    data["layers"], data["name"] = keep, f"llama2_7b_{blocks}blocks"
    out.write_text(yaml.safe_dump(data, sort_keys=False))
    return out


def child(workload: str) -> dict:
    code = (
        "import json,time,resource\n"
        "from accelsim.api import run_files\n"
        "t=time.perf_counter(); c=time.process_time()\n"
        f"r=run_files({HW!r}, {workload!r})\n"
        "print(json.dumps({'wall_s': time.perf_counter()-t, 'cpu_s': time.process_time()-c,"
        "'rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024,"
        "'cycles': r.result.total_cycles, 'events': r.result.events,"
        "'ops': len(r.result.rows)}))\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def row(label: str, r: dict, target: float | None = None) -> None:
    verdict = "" if target is None else \
        f"  target <= {target:.0f} CPU-s: {'met' if r['cpu_s'] <= target else 'MISSED'}"
    print(f"{label:<22} {r['cpu_s']:>7.2f} {r['wall_s']:>7.2f} {r['rss_mb']:>8.0f} "
          f"{r['cycles']:>16,} {r['events']:>10,} {r['ops']:>6}{verdict}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--blocks", type=int, nargs="+", default=[1, 8, 32])
    args = ap.parse_args()
    print(f"{'workload':<22} {'cpu s':>7} {'wall s':>7} {'peak MB':>8} {'cycles':>16} "
          f"{'events':>10} {'ops':>6}")
    row("gpt2", child(str(ROOT / "workloads/gpt2.yaml")), TARGET_CPU_S["gpt2"])
    by_blocks = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.blocks:
            path = ROOT / "workloads/llama2_7b.yaml" if n == 32 else \
                cut_llama(n, Path(tmp) / f"llama_{n}.yaml")
            by_blocks[n] = r = child(str(path))
            row(f"llama2_7b ({n} blocks)", r, TARGET_CPU_S["llama2_7b"] if n == 32 else None)
    if len(by_blocks) > 1:
        lo = min(by_blocks)
        print("cost vs blocks (relative to %d): " % lo + ", ".join(
            f"{n} blocks ×{by_blocks[n]['cpu_s'] / by_blocks[lo]['cpu_s']:.2f} CPU-s, "
            f"×{by_blocks[n]['cycles'] / by_blocks[lo]['cycles']:.2f} cycles"
            for n in sorted(by_blocks) if n != lo))


if __name__ == "__main__":
    main()
