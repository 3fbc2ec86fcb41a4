"""``accelsim crossbar-compare``: the Marinella-style comparison of one training workload on an
analog ReRAM crossbar block, the same block with digital ReRAM weights, and an SRAM design.

Every parameter comes from the three shipped hardware files (cited there and in
docs/crossbar.md); nothing is fitted to the seed's figures, which are printed beside ours.
"""
from __future__ import annotations

import json
import math

#: Marinella et al., IEEE JETCAS 8(1) 2018 (arXiv 1707.09952 v2 abstract): analog vs. others
SEED = {"energy_per_mac_fj": 11.0,
        "digital_reram": {"energy_ratio": 270.0, "latency_ratio": 540.0},
        "sram_digital": {"energy_ratio": 430.0, "latency_ratio": 34.0}}
MACHINES = (("analog", "crossbar_analog"), ("digital_reram", "crossbar_digital_reram"),
            ("sram_digital", "crossbar_sram_digital"))  # shipped config names
#: MNIST 784-300-10 MLP, one of CrossSim v2's training benchmarks (docs/crossbar.md); int8 data
#: to match the crossbar's 8-bit converters; plain SGD (analog training updates in place).
DEFAULT_WORKLOAD = {
    "name": "mnist_mlp_784_300_10", "batch": 1, "optimizer": "sgd",
    "formats": {"activation": "int8", "weight": "int8", "error": "int8", "mac": "int8"},
    "layers": [{"kind": "linear", "name": "fc1", "in_features": 784, "out_features": 300},
               {"kind": "linear", "name": "fc2", "in_features": 300, "out_features": 10}]}


def register(sub) -> None:
    p = sub.add_parser("crossbar-compare", help="analog crossbar vs digital ReRAM vs SRAM",
                       description="Run one training step of a workload on the analog crossbar "
                       "block and its two digital twins; print energy per MAC and the energy and "
                       "latency ratios next to Marinella et al.'s figures.")
    p.add_argument("--workload", default=None,
                   help="workload YAML or shipped name (default: MNIST 784-300-10 MLP, int8, "
                        "batch 1)")
    p.add_argument("--batch", type=int, default=None, help="override the batch size")
    for name, path in MACHINES:
        p.add_argument(f"--{name.replace('_', '-')}", default=path, metavar="YAML",
                       help=f"hardware file of the {name} machine (default: {path})")
    p.add_argument("--json", default=None, metavar="FILE", help="also write the results as JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    from accelsim.core.errors import ConfigError
    from accelsim.core.shipped import resolve
    from accelsim.workload.graph import build_graph
    from accelsim.workload.layers import Workload
    from accelsim.workload.loader import load_workload
    workload = (load_workload(resolve(args.workload, "workload")) if args.workload
                else Workload.model_validate(DEFAULT_WORKLOAD))
    if args.batch is not None:
        if args.batch < 1:
            raise ConfigError(f"batch must be positive (got {args.batch})", field="--batch")
        workload = workload.with_batch(args.batch, field="--batch")
    graph = build_graph(workload)
    results = {name: measure(getattr(args, name), graph) for name, _ in MACHINES}
    if results["analog"]["crossbar"] is None:
        raise ConfigError("the analog machine has no crossbar section", source=args.analog,
                          fix="add a 'crossbar:' section (see hw_configs/crossbar_analog.yaml)")
    print_table(workload, results)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"workload": workload.name, "batch": workload.batch, "seed": SEED,
                       "machines": results}, f, indent=1, sort_keys=True)
    return 0


def measure(path: str, graph) -> dict:
    """Latency, energy and MACs of one training step on the machine in ``path``."""
    from accelsim.api import load_hardware, simulate
    from accelsim.energy.components import off_chip
    from accelsim.energy.pricing import price
    from accelsim.results.crossbar_summary import crossbar_summary
    from accelsim.results.writer import counts

    hw = load_hardware(path)
    run = simulate(hw, graph, hw_source=path)
    energy = price(counts(run), hw.resolved_dict())
    comp = energy["energy_pj"]["by_component"]
    macs = sum(r.macs for r in run.result.rows)
    on_chip = math.fsum(v for k, v in comp.items() if not off_chip(k))
    out = {"source": path, "latency_ns": run.result.total_cycles / hw.clock_ghz,
           "energy_pj": energy["energy_pj"]["total"], "on_chip_energy_pj": on_chip,
           "macs": macs, "energy_by_component_pj": comp, "crossbar": None}
    if run.result.crossbar is not None:
        out["crossbar"] = crossbar_summary(run.result.crossbar, hw)
        out["crossbar"]["kernels"] = kernel_breakdown(energy["rows"], run)
    return out


def kernel_breakdown(priced_rows: list[dict], run) -> dict:
    """Crossbar-only energy per MAC of each kernel (from the rows' own priced columns)."""
    out: dict[str, dict] = {}
    for row, r in zip(priced_rows, run.result.rows):
        if not r.unit.startswith("xbar:"):
            continue
        e = math.fsum(v for k, v in row.items() if k.startswith("crossbar_"))
        k = out.setdefault(r.phase, {"macs": 0, "crossbar_energy_pj": 0.0})
        k["macs"] += r.macs
        k["crossbar_energy_pj"] += e
    for k in out.values():
        k["crossbar_fj_per_mac"] = 1e3 * k["crossbar_energy_pj"] / k["macs"] if k["macs"] else 0.0
    return out


def print_table(workload, res: dict) -> None:
    a = res["analog"]
    print(f"workload {workload.name}, batch {workload.batch}: {a['macs']:,} MACs per training step")
    print(f"{'machine':<15}{'latency_ns':>13}{'energy_pj':>15}{'fJ/MAC':>11}{'on-chip fJ/MAC':>16}"
          f"{'E ratio':>9}{'(seed)':>8}{'T ratio':>9}{'(seed)':>8}")
    for name, r in res.items():
        seed = SEED.get(name, {})
        e_ratio, t_ratio = r["energy_pj"] / a["energy_pj"], r["latency_ns"] / a["latency_ns"]
        print(f"{name:<15}{r['latency_ns']:>13,.0f}{r['energy_pj']:>15,.0f}"
              f"{1e3 * r['energy_pj'] / r['macs']:>11,.1f}"
              f"{1e3 * r['on_chip_energy_pj'] / r['macs']:>16,.1f}"
              f"{e_ratio:>9.1f}{_seed(seed.get('energy_ratio')):>8}"
              f"{t_ratio:>9.1f}{_seed(seed.get('latency_ratio')):>8}")
    xb = a["crossbar"]
    print(f"analog crossbar block (ADC, DAC, cells, write pulses, shift-add, digital adds) per "
          f"kernel [seed: {SEED['energy_per_mac_fj']:g} fJ/MAC]:")
    for phase, k in xb["kernels"].items():
        print(f"  {phase:<16}{k['crossbar_fj_per_mac']:>9.2f} fJ/MAC  ({k['macs']:,} MACs)")
    total_e = math.fsum(k["crossbar_energy_pj"] for k in xb["kernels"].values())
    total_m = sum(k["macs"] for k in xb["kernels"].values())
    print(f"  {'all kernels':<16}{1e3 * total_e / total_m:>9.2f} fJ/MAC")
    comp = {k: v for k, v in a["energy_by_component_pj"].items() if v}
    top = sorted(comp.items(), key=lambda kv: -kv[1])[:6]
    print("analog energy by component (pJ): " + ", ".join(f"{k} {v:,.0f}" for k, v in top))
    prog = xb["programming"]
    print(f"one-time weight programming: {prog['latency_ns']:,.0f} ns, "
          f"{prog['write_pulses']:,.0f} write pulses; tiles used {xb['tiles_used']}, area "
          f"{xb['area']['used_mm2']:.3f} mm² of {xb['area']['total_mm2']:.3f} mm² configured")


def _seed(value) -> str:
    return f"{value:g}" if value is not None else "-"
