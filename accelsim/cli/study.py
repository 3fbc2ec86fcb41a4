"""``accelsim study mram``: the SRAM vs STT-MRAM training-scratchpad study (docs/study_mram.md)."""
from __future__ import annotations

import argparse
from pathlib import Path

from accelsim.cli.run import _positive


def register(sub) -> None:
    p = sub.add_parser("study", help="run a reproducible multi-run study",
                       description="Run a study and write its table, plot and every run.")
    studies = p.add_subparsers(dest="study", metavar="STUDY", required=True)
    m = studies.add_parser(
        "mram", help="SRAM vs STT-MRAM scratchpad: iso-capacity, iso-area, write settings",
        description="Train one step of each network on the SRAM baseline and on the STT-MRAM "
                    "design points derived from it (iso-capacity and iso-area, nominal and "
                    "reduced write settings, a heterogeneous point), price every run, and write "
                    "study.csv, study.json, study.txt, energy_breakdown.png, configs/ and runs/ "
                    "to OUT.")
    m.add_argument("-o", "--out", default="out/study_mram",
                   help="output directory (default: out/study_mram)")
    m.add_argument("-j", "--jobs", type=_positive, default=1,
                   help="worker processes (default 1)")
    m.add_argument("--batch", type=_positive, default=None,
                   help="batch size of every network (default: each workload file's)")
    m.add_argument("--hw", default=None,
                   help="the SRAM base config (default: hw_configs/train128_sram.yaml)")
    m.add_argument("--networks", default=None,
                   help="comma-separated workload names or .yaml paths (default: resnet18, "
                        "resnet50, mobilenetv2, bert_base_encoder)")
    m.add_argument("--points", default=None,
                   help="comma-separated design points (default: all; sram is always run)")
    m.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from accelsim.core.errors import AccelsimError
    from accelsim.tools.studies import mram

    kwargs = {}
    if args.hw:
        kwargs["base_config"] = args.hw
    if args.networks:
        kwargs["networks"] = _names(args.networks)
    if args.points:
        kwargs["points"] = _names(args.points)
    doc = mram.run_study(args.out, batch=args.batch, jobs=args.jobs, **kwargs)
    text = format_report(doc)
    (Path(args.out) / "study.txt").write_text(text + "\n", encoding="utf-8")
    print(text)
    print(f"wrote {args.out}/study.csv, study.json, study.txt, energy_breakdown.png; "
          f"runs in {args.out}/runs/  ({doc['wall_seconds']:.0f} s)")
    if doc["failed"]:
        first = doc["failed"][0]
        raise AccelsimError(f"the study is incomplete ({len(doc['failed'])} failure(s)); first: "
                            f"{first['point']} × {first['network']}: {first['error']}")
    return 0


def _names(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


def format_report(doc: dict) -> str:
    """The printed tables: ratios, drivers, suite summary, failures."""
    from accelsim.tools.studies import mram

    lines = ["gain = SRAM / point (system energy); sp_gain = the same for the scratchpad alone; "
             "*_cacti: SRAM leakage from CACTI;",
             "cycles_x, write_x = point / SRAM; wr_gain_nom = STT nominal write energy / point's",
             f"{'network':<18} {'point':<16} {'MiB':>5} {'cycles_x':>8} {'energy_uJ':>11} "
             f"{'gain':>5} {'gain_cacti':>10} {'sp_gain':>7} {'sp_gain_cacti':>13} {'write_x':>7} "
             f"{'wr_gain_nom':>11} {'max_WER':>7}"]
    for r in doc["table"]:
        wg = r["write_energy_gain_vs_nominal"]
        lines.append(
            f"{r['network']:<18} {r['point']:<16} {r['scratchpad_bytes'] / 2**20:>5.1f}"
            f" {r['cycles_ratio']:>8.2f} {r['energy_pj'] / 1e6:>11,.1f}"
            f" {r['energy_gain']:>5.2f} {r['energy_gain_cacti_sram_leakage']:>10.2f}"
            f" {r['scratchpad_energy_gain']:>7.2f}"
            f" {r['scratchpad_energy_gain_cacti_sram_leakage']:>13.2f}"
            f" {r['write_energy_ratio']:>7.2f} {'-' if wg is None else f'{wg:.2f}':>11}"
            f" {r['max_write_error_rate']:>7.1e}")
    shown = [g for g in mram.GROUPS if any(abs(d[g]) > 5e-4 for d in mram.drivers(doc["table"]))]
    lines += ["", "energy change vs SRAM by group, % of the SRAM total (sums to energy_ratio − 1):",
              f"{'network':<18} {'point':<16}" + "".join(f"{g:>19}" for g in shown)]
    for d in mram.drivers(doc["table"]):
        if d["point"] != mram.BASELINE:
            lines.append(f"{d['network']:<18} {d['point']:<16}"
                         + "".join(f"{100 * d[g]:>+19.1f}" for g in shown))
    lines += ["", "suite, over networks: min/geomean/max",
              f"  {'point':<16}" + "".join(f"{h:>18}" for h in (
                  "gain", "gain_cacti", "sp_gain", "sp_gain_cacti", "cycles_x"))]
    keys = ("energy_gain", "energy_gain_cacti_sram_leakage", "scratchpad_energy_gain",
            "scratchpad_energy_gain_cacti_sram_leakage", "cycles_ratio")
    for s in doc["suite"]:
        lines.append(f"  {s['point']:<16}" + "".join(
            f"{s[k]['min']:>7.2f}/{s[k]['geomean']:.2f}/{s[k]['max']:<5.2f}" for k in keys).rstrip())
    lines += [f"FAILED {f['point']} × {f['network']}: {f['error']}" for f in doc["failed"]]
    return "\n".join(lines)
