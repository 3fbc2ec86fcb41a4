"""accelsim and SCALE-Sim 3.0.0 side by side, in one run, on the same SCALE-Sim configs and
topologies (tests/data/scalesim): CPU seconds, peak memory, speed ratio, per-layer cycle agreement.

Both simulators run in child processes of their own, measured the same way: CPU seconds are the
child's user+sys time from the kernel's resource usage (interpreter start and imports included),
peak RSS is the child's ``ru_maxrss``; "sim" columns are the CPU seconds of the simulate-and-write
call alone, timed inside the child after the imports. accelsim runs ``accelsim run CFG TOPO --phases
forward -o DIR`` (the ``run`` sub-command's own parser and function, called in the child, so
that no other sub-command is imported); SCALE-Sim runs through its Python API
(``scalesim.scale_sim.scalesim(save_disk_space=True)``, so no per-cycle traces are written, as in
the recorded reference runs) from a driver written to a temporary directory at run time.

SCALE-Sim is not an accelsim dependency and is never installed into accelsim's environment (it needs
numpy < 2.4, see docs/scalesim.md): the first run creates a separate virtual
environment (default ``${XDG_CACHE_HOME:-~/.cache}/accelsim/scalesim-3.0.0-venv``) with
``pip install scalesim==3.0.0 numpy==2.3.5`` and later runs reuse it. ``--no-install`` never
creates or installs anything: it uses that environment if it is already there, else it measures
accelsim alone and says so.

Columns: ``events`` is accelsim's SimPy event count (a few hundred means the closed-form path of an
ideal CALC-mode machine, thousands means DRAM steps were played); ``speed-up`` is SCALE-Sim CPU-s /
accelsim CPU-s, whole child then ``sim`` alone; ``cycles equal`` counts layers whose accelsim
``compute_cycles`` (DIR/layers.csv) equal SCALE-Sim's ``Total Cycles`` − ``Stall Cycles`` + 1 from
its COMPUTE_REPORT.csv (SCALE-Sim prints a 0-based cycle index; CALC mode has no stalls), layer by
layer in order; ``sum ratio`` is Σ accelsim ``total_cycles`` / Σ SCALE-Sim (``Total Cycles`` + 1),
stalls included, which differs from 1 in USER mode because the stall models differ
(docs/scalesim.md).
A last line runs accelsim on ResNet-50 forward (mlperf_Resnet50 on sa128_os_calc)
and compares it with SCALE-Sim's recorded run of the same pair (runs.csv, 322.57 CPU-s), which is
too slow to repeat here by default (pass ``--cases mlperf_Resnet50:sa128_os_calc`` to do it anyway).

    python benchmarks/bench_vs_scalesim.py [--cases TOPO:CFG ...] [--no-install] [--venv DIR]
                                           [--no-resnet50]
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "scalesim"
#: CPU time and peak memory of the recorded SCALE-Sim 3.0.0 runs (copied with the run data)
RUN_COSTS = Path(__file__).resolve().parent / "data" / "scalesim_run_costs.csv"
SCALESIM_PINS = ("scalesim==3.0.0", "numpy==2.3.5")
DEFAULT_CASES = ("synthetic_gemm:sa32_ws_calc", "synthetic_gemm:sa128_os_calc",
                 "synthetic_conv:sa32_ws_calc", "synthetic_conv:sa128_os_calc",
                 "conv_nets_alexnet:sa128_os_calc",
                 "synthetic_gemm:sa32_ws_user_bw10", "synthetic_conv:sa32_ws_user_bw10")
RESNET50 = ("mlperf_Resnet50", "sa128_os_calc")

SCALESIM_DRIVER = """\
import json, sys, time
from scalesim.scale_sim import scalesim
cfg, topo, layout, out, fmt = sys.argv[1:6]
cpu, wall = time.process_time(), time.perf_counter()
sim = scalesim(save_disk_space=True, verbose=False, config=cfg, topology=topo, layout=layout,
               input_type_gemm=(fmt == "gemm"))
sim.run_scale(top_path=out)
print(json.dumps({"sim_cpu_s": time.process_time() - cpu,
                  "sim_wall_s": time.perf_counter() - wall}))
"""

ACCELSIM_DRIVER = """\
import argparse, json, sys, time
import accelsim.api, accelsim.results.writer, accelsim.results.report, accelsim.engine.observers
from accelsim.cli import run
cfg, topo, out = sys.argv[1:4]
parser = argparse.ArgumentParser(prog="accelsim")
run.register(parser.add_subparsers())
args = parser.parse_args(["run", cfg, topo, "--phases", "forward", "-o", out])
cpu, wall = time.process_time(), time.perf_counter()
code = args.func(args)
print(json.dumps({"code": code, "sim_cpu_s": time.process_time() - cpu,
                  "sim_wall_s": time.perf_counter() - wall}))
"""


def default_venv() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "accelsim" / "scalesim-3.0.0-venv"


def scalesim_python(venv: Path, install: bool) -> Path | None:
    """The venv's python with SCALE-Sim importable (created first if ``install``), else None."""
    python, ready = venv / "bin" / "python", venv / ".accelsim-ready"
    if ready.exists() and python.exists():
        return python
    if not install:
        return None
    print(f"creating {venv} with pip install {' '.join(SCALESIM_PINS)} (once) ...", flush=True)
    steps = [[sys.executable, "-m", "venv", str(venv)],
             [str(python), "-m", "pip", "install", "--quiet", *SCALESIM_PINS],
             [str(python), "-c", "import scalesim.scale_sim, numpy; print(numpy.__version__)"]]
    for cmd in steps:
        res = subprocess.run(cmd, capture_output=True, text=True)
        if res.returncode != 0:
            tail = (res.stderr or res.stdout).strip().splitlines()[-3:]
            sys.exit(f"error: could not install SCALE-Sim into {venv}: `{' '.join(cmd)}` "
                     "failed:\n  " + "\n  ".join(tail) + "\nfix: check network access to PyPI, "
                     "or rerun with --no-install to measure accelsim alone")
    ready.write_text(" ".join(SCALESIM_PINS) + "\n")
    return python


def run_child(cmd: list[str], log: Path) -> dict:
    """Run ``cmd`` and return its last stdout line as JSON plus the child's own resource usage."""
    with open(log.with_suffix(".out"), "w") as out, open(log.with_suffix(".err"), "w") as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = log.with_suffix(".err").read_text().strip().splitlines()[-5:]
        sys.exit(f"error: `{' '.join(cmd)}` exited {proc.returncode}:\n  " + "\n  ".join(tail))
    lines = log.with_suffix(".out").read_text().strip().splitlines()
    result = json.loads(lines[-1])
    result["cpu_s"] = usage.ru_utime + usage.ru_stime
    result["rss_mb"] = usage.ru_maxrss / 1024
    return result


def topology_format(topo: Path) -> str:
    """``gemm`` when the header names M, N, K in columns 2-4 (SCALE-Sim needs ``-i gemm`` then)."""
    with open(topo, encoding="utf-8-sig") as f:
        header = next(line for line in f if line.strip())
    fields = [x.strip().upper() for x in header.split(",")]
    return "gemm" if fields[1:4] == ["M", "N", "K"] else "conv"


def accelsim_side(cfg: Path, topo: Path, work: Path) -> dict:
    (work / "accelsim_driver.py").write_text(ACCELSIM_DRIVER)
    out = work / "accelsim_out"
    r = run_child([sys.executable, str(work / "accelsim_driver.py"), str(cfg), str(topo), str(out)],
                  work / "accelsim")
    with open(out / "layers.csv", newline="") as f:
        rows = [row for row in csv.DictReader(f) if row["phase"] == "forward"]
    r["cycles"] = [int(row["compute_cycles"]) for row in rows]
    r["total_cycles"] = sum(int(row["total_cycles"]) for row in rows)
    r["events"] = json.loads((out / "summary.json").read_text())["simpy_events"]
    return r


def scalesim_side(python: Path, cfg: Path, topo: Path, work: Path) -> dict:
    (work / "scalesim_driver.py").write_text(SCALESIM_DRIVER)
    (work / "layout.csv").write_text("layer (no custom layout),\n")   # header only: layouts off
    out = work / "scalesim_out"
    r = run_child([str(python), str(work / "scalesim_driver.py"), str(cfg), str(topo),
                   str(work / "layout.csv"), str(out), topology_format(topo)], work / "scalesim")
    (report,) = out.glob("*/COMPUTE_REPORT.csv")
    with open(report) as f:
        rows = [[x.strip() for x in line.split(",")] for line in f if line.strip()]
    total, stall = rows[0].index("Total Cycles"), rows[0].index("Stall Cycles")
    r["cycles"] = [int(float(row[total])) - int(float(row[stall])) + 1 for row in rows[1:]]
    r["total_cycles"] = sum(int(float(row[total])) + 1 for row in rows[1:])
    return r


def agreement(ours: list[int], theirs: list[int]) -> str:
    equal = sum(a == b for a, b in zip(ours, theirs))
    note = "" if len(ours) == len(theirs) else f" (layer counts {len(ours)} vs {len(theirs)})"
    return f"{equal}/{max(len(ours), len(theirs))}{note}"


def reference_run(run_id: str) -> dict | None:
    """The recorded SCALE-Sim run with CPU seconds (benchmarks/data/scalesim_run_costs.csv)."""
    for path in (RUN_COSTS,):
        if path.exists():
            with open(path, newline="") as f:
                for row in csv.DictReader(f):
                    if row["run_id"] == run_id and row.get("cpu_user_sys_s"):
                        return {"path": path, **row}
    return None


def parse_case(text: str) -> tuple[str, Path, Path]:
    topo_name, _, cfg_name = text.partition(":")
    cfg, topo = DATA / "configs" / f"{cfg_name}.cfg", DATA / "topologies" / f"{topo_name}.csv"
    for path, kind in ((topo, "topologies"), (cfg, "configs")):
        if not path.exists():
            valid = sorted(p.stem for p in (DATA / kind).iterdir())
            raise argparse.ArgumentTypeError(
                f"{text!r}: no {path.relative_to(ROOT)}; write TOPO:CFG, valid {kind}: "
                f"{', '.join(valid)}")
    return text, cfg, topo


def resnet50_line(work: Path) -> None:
    topo_name, cfg_name = RESNET50
    cfg, topo = DATA / "configs" / f"{cfg_name}.cfg", DATA / "topologies" / f"{topo_name}.csv"
    if not topo.exists():
        print(f"ResNet-50: {topo.relative_to(ROOT)} not shipped, line skipped")
        return
    work.mkdir()
    ours = accelsim_side(cfg, topo, work)
    ref = reference_run(f"{topo_name}__{cfg_name}")
    per_layer = DATA / "per_layer" / f"{topo_name}__{cfg_name}.csv"
    line = (f"ResNet-50 forward ({topo_name} on {cfg_name}): accelsim {ours['cpu_s']:.2f} CPU-s "
            f"(sim {ours['sim_cpu_s']:.2f}), {ours['rss_mb']:.0f} MB peak")
    if ref is None:
        print(line + "; no recorded SCALE-Sim CPU time found (runs.csv), no ratio")
        return
    cpu, rss = float(ref["cpu_user_sys_s"]), float(ref["peak_rss_mb"])
    line += (f"; SCALE-Sim recorded {cpu:.2f} CPU-s, {rss:.0f} MB ({ref['path']}) -> "
             f"{cpu / ours['cpu_s']:.0f}x faster, {rss / ours['rss_mb']:.0f}x less memory")
    if per_layer.exists():
        with open(per_layer, newline="") as f:
            theirs = [int(row["total_cycles"]) + 1 for row in csv.DictReader(f)]
        line += f"; cycles equal {agreement(ours['cycles'], theirs)} layers (recorded)"
    print(line)


HEADER = (f"{'case (TOPO:CFG)':<34} {'layers':>6} | "
          f"{'SCALE-Sim':>10} {'sim':>7} {'peak MB':>7} | "
          f"{'accelsim':>10} {'sim':>6} {'peak MB':>7} {'events':>7} | "
          f"{'speed-up':>8} {'sim':>6} | {'cycles equal':>12} {'sum ratio':>9}")


def table_row(name: str, theirs: dict | None, ours: dict) -> str:
    """One case: CPU seconds (whole child, then the simulate call alone), peak RSS, ratios."""
    row = f"{name:<34} {len(ours['cycles']):>6} | "
    if theirs:
        row += f"{theirs['cpu_s']:>10.2f} {theirs['sim_cpu_s']:>7.2f} {theirs['rss_mb']:>7.0f} | "
    else:
        row += f"{'-':>10} {'-':>7} {'-':>7} | "
    row += (f"{ours['cpu_s']:>10.2f} {ours['sim_cpu_s']:>6.2f} {ours['rss_mb']:>7.0f} "
            f"{ours['events']:>7,} | ")
    if not theirs:
        return row + f"{'-':>8} {'-':>6} | {'-':>12} {'-':>9}"
    return row + (f"{theirs['cpu_s'] / ours['cpu_s']:>7.1f}x "
                  f"{theirs['sim_cpu_s'] / ours['sim_cpu_s']:>5.0f}x | "
                  f"{agreement(ours['cycles'], theirs['cycles']):>12} "
                  f"{ours['total_cycles'] / theirs['total_cycles']:>9.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", nargs="+", type=parse_case, metavar="TOPO:CFG",
                    default=[parse_case(c) for c in DEFAULT_CASES],
                    help="topology and config names from tests/data/scalesim "
                         f"(default: {' '.join(DEFAULT_CASES)})")
    ap.add_argument("--no-install", action="store_true",
                    help="do not create the SCALE-Sim venv; without one, measure accelsim alone")
    ap.add_argument("--venv", type=Path, default=default_venv(),
                    help="SCALE-Sim 3.0.0 virtual environment (default: %(default)s)")
    ap.add_argument("--no-resnet50", action="store_true",
                    help="skip the ResNet-50 line (accelsim against the recorded SCALE-Sim run)")
    args = ap.parse_args()

    python = scalesim_python(args.venv, install=not args.no_install)
    if python is None:
        print(f"NOTE: SCALE-Sim not measured (--no-install and no ready venv at {args.venv}); "
              "accelsim's side only, no ratios or agreement.")
    print(HEADER)
    print("-" * len(HEADER))
    totals = {"theirs": 0.0, "ours": 0.0}
    with tempfile.TemporaryDirectory(prefix="bench_vs_scalesim_") as tmp:
        for i, (name, cfg, topo) in enumerate(args.cases):
            work = Path(tmp) / f"case{i}"
            work.mkdir()
            theirs = scalesim_side(python, cfg, topo, work) if python else None
            ours = accelsim_side(cfg, topo, work)
            print(table_row(name, theirs, ours), flush=True)
            if theirs:
                totals["theirs"] += theirs["cpu_s"]
                totals["ours"] += ours["cpu_s"]
        if python and len(args.cases) > 1:
            print(f"{'all cases':<34} {'':>6} | {totals['theirs']:>10.2f} {'':>7} {'':>7} | "
                  f"{totals['ours']:>10.2f} {'':>6} {'':>7} {'':>7} | "
                  f"{totals['theirs'] / totals['ours']:>7.1f}x")
        if not args.no_resnet50:
            resnet50_line(Path(tmp) / "resnet50")


if __name__ == "__main__":
    main()
