"""The short, readable summary printed after a run."""
from __future__ import annotations


def _fmt(n: float) -> str:
    return f"{n:,.0f}"


def print_summary(s: dict, out_dir: str) -> None:
    total = s["total_cycles"]
    print(f"accelsim {s['tool']['version']}  {s['hardware']['name']}  ×  "
          f"{s['workload']['name']} (batch {s['workload']['batch']})")
    print(f"total: {_fmt(total)} cycles ({s['total_time_ns'] / 1e6:,.3f} ms)   "
          f"MACs: {_fmt(s['macs'])}   array utilisation: {100 * s['array_utilization']:.1f}%")
    print("busy cycles by phase (compute + bank + DRAM stalls; the vector unit overlaps the arrays):")
    for phase, cyc in s["cycles_by_phase"].items():
        if cyc or s["compute_cycles_by_phase"][phase]:
            print(f"  {phase:<16} {_fmt(cyc):>16}   compute {_fmt(s['compute_cycles_by_phase'][phase]):>16}")
    st = s["stall_cycles_by_cause"]
    print(f"stalls: bank conflict {_fmt(st['bank_conflict'])}   DRAM {_fmt(st['dram'])}   "
          f"dependency {_fmt(st['dependency'])}")
    if "energy_pj" in s:
        e = s["energy_pj"]
        print(f"energy: {e['total'] / 1e6:,.3f} µJ = dynamic {e['dynamic'] / 1e6:,.3f} + "
              f"scratchpad leakage {e['leakage'] / 1e6:,.3f} + DRAM background "
              f"{e['dram_background'] / 1e6:,.3f} µJ")
        top = sorted(e["by_component"].items(), key=lambda kv: -kv[1])[:4]
        print("  largest: " + ", ".join(f"{k} {100 * v / e['total']:.0f}%" for k, v in top))
    print(f"results: {out_dir}/summary.json, {out_dir}/layers.csv")
