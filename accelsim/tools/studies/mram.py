"""The SRAM vs STT-MRAM training-scratchpad study (issue 3; docs/design.md §2, §5, §7).

Design points are derived from one SRAM hardware config (default ``hw_configs/train128_sram.yaml``)
with :func:`accelsim.tools.derive.derive_mram`, never written by hand:

- ``sram``: the baseline;
- ``stt-cap<s>``: every SRAM buffer moved to STT-MRAM at the same capacity, written at setting
  ``<s>``; ``stt-area<s>``: the same at the same scratchpad area (larger capacity, area model);
- ``hetero-cap``: weights, weight gradients and optimizer state stay in SRAM; activations go to
  STT-MRAM at −20 % write voltage and backpropagated errors to STT-MRAM at half pulse (the
  mixed configuration of ``hw_configs/train128_hetero.yaml``), iso-capacity.

Write settings ``<s>`` are docs/design.md §5's ladder: nominal (no suffix), ``-v0.8`` (−20 % voltage),
``-t5`` (5 ns, half pulse) and ``-v0.8-t5`` (both).

Every network trains one step on every point (:func:`accelsim.api.simulate`); each run is written
and priced by :func:`accelsim.results.writer.write_run` (its result directory can be re-priced with
``accelsim energy``). The table's ratios compare each run with the SRAM run of the same network,
from the same runs. The leakage-sensitivity column re-prices every run's counts with the SRAM
buffers' leakage replaced by CACTI's figure (an energy-table override, no re-simulation), since
SRAM leakage differs up to 7× between tools (docs/design.md §5). Columns: docs/study_mram.md.
"""
from __future__ import annotations

import json
import math
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from accelsim.api import load_graph, load_hardware, simulate
from accelsim.core import shipped
from accelsim.core.errors import AccelsimError, ConfigError
from accelsim.core.progress import progress
from accelsim.core.shipped import shipped_file
from accelsim.energy.components import component_of
from accelsim.energy.pricing import price
from accelsim.energy.table import EnergyTable
from accelsim.hardware.config import HardwareConfig
from accelsim.hardware.memory.mram_write import MramWritePoint
from accelsim.results.rundir import csv_text
from accelsim.results.writer import counts, write_run
from accelsim.tools.derive import derive_mram, to_yaml

SCHEMA = "accelsim.study_mram/1"
DEFAULT_BASE = shipped_file("hw", "train128_sram.yaml")
DEFAULT_NETWORKS = ("resnet18", "resnet50", "mobilenetv2", "bert_base_encoder")
BASELINE = "sram"

#: energy groups of the breakdown, in plot order (bottom to top)
GROUPS = ("compute", "scratchpad_read", "scratchpad_write", "scratchpad_leakage", "dram_access",
          "dram_io", "dram_background", "crossbar", "other")


@dataclass(frozen=True)
class WriteSetting:
    """One STT-MRAM write operating point of docs/design.md §5's ladder ([P-But], [T-ARM])."""
    suffix: str
    voltage_scale: float
    pulse_ns: float

    def point(self) -> MramWritePoint | None:
        """None at the nominal point: the preset as characterised (NVSim sample cell)."""
        nominal = MramWritePoint()
        if (self.voltage_scale, self.pulse_ns) == (nominal.voltage_scale, nominal.nominal_pulse_ns):
            return None
        return MramWritePoint(voltage_scale=self.voltage_scale, pulse_ns=self.pulse_ns)


WRITE_SETTINGS = (WriteSetting("", 1.0, 10.0), WriteSetting("-v0.8", 0.8, 10.0),
                  WriteSetting("-t5", 1.0, 5.0), WriteSetting("-v0.8-t5", 0.8, 5.0))
HETERO_ACTIVATION, HETERO_ERROR = WRITE_SETTINGS[1], WRITE_SETTINGS[2]  # −20 % V; half pulse


@dataclass(frozen=True)
class SramLeakageAlternative:
    """CACTI 7 leakage of an SRAM preset's reference macro: the high-leakage alternative, from
    the project's CACTI 7 runs ([T-CACTI], docs/design.md §13; itrs-hp, 64-bit word,
    1 RW port, 350 K). NVSim-LOP, the presets' source, gives 26.6 mW (22 nm, 1 MB) and 24.6 mW
    (32 nm, 256 KB); CACTI itrs-lop at 22 nm gives even more (194.7 mW)."""
    technology: str
    leakage_mw: float
    source: str


CACTI_SRAM_LEAKAGE = {a.technology: a for a in (
    SramLeakageAlternative("sram_22nm", 140.2, "CACTI 7 itrs-hp, 1 MB, 64-bit word, 22 nm, 350 K "
                                               "(memory_energy.md §3.4 [run])"),
    SramLeakageAlternative("sram_32nm", 72.7, "CACTI 7 itrs-hp, 256 KB, 64-bit word, 32 nm, "
                                              "350 K (memory_energy.md §3.4 [run], §3.6)"),
)}


@dataclass(frozen=True)
class DesignPoint:
    name: str
    description: str
    iso: str                  # baseline | capacity | area
    nominal_reference: str    # the STT point at the same iso and nominal write setting
    hw: HardwareConfig
    changes: tuple = ()       # derive_mram's BufferChange list


def design_points(base: HardwareConfig, source: str | None = None) -> list[DesignPoint]:
    """The study's points, derived from the SRAM config ``base``."""
    points = [DesignPoint(BASELINE, "SRAM baseline", "baseline", BASELINE, base)]
    for iso in ("capacity", "area"):
        tag = "cap" if iso == "capacity" else "area"
        for s in WRITE_SETTINGS:
            name = f"stt-{tag}{s.suffix}"
            hw, changes = derive_mram(base, iso, write_point=s.point(), source=source,
                                      name=f"{base.name}-{name}")
            points.append(DesignPoint(
                name, f"STT-MRAM iso-{iso}, write {s.voltage_scale:g}×V, {s.pulse_ns:g} ns", iso,
                f"stt-{tag}", hw, tuple(changes)))
    act = [b.name for b in base.scratchpad if "activation" in b.holds and "weight" not in b.holds]
    err = [b.name for b in base.scratchpad if "error" in b.holds and "weight" not in b.holds]
    if act and err:
        hw, c1 = derive_mram(base, "capacity", write_point=HETERO_ACTIVATION.point(),
                             buffers=act, source=source)
        hw, c2 = derive_mram(hw, "capacity", write_point=HETERO_ERROR.point(), buffers=err,
                             source=source, name=f"{base.name}-hetero-cap")
        points.append(DesignPoint(
            "hetero-cap", "weights SRAM; activations STT 0.8×V; errors STT 5 ns", "capacity",
            "stt-cap", hw, tuple(c1) + tuple(c2)))
    return points


def cacti_leakage_table(hw: HardwareConfig, source: str | None = None) -> EnergyTable:
    """The default table with every SRAM buffer's leakage set to CACTI's figure."""
    entries = {}
    for b in hw.scratchpad:
        if b.resolved_technology().kind != "sram":
            continue
        alt = CACTI_SRAM_LEAKAGE.get(b.technology)
        if alt is None:
            raise ConfigError(f"no CACTI leakage figure for SRAM technology {b.technology!r}",
                              source=source, field=f"scratchpad.{b.name}.technology",
                              fix="use one of: " + ", ".join(CACTI_SRAM_LEAKAGE))
        entries[f"scratchpad.{b.name}.leakage_mw"] = {"value": alt.leakage_mw,
                                                      "source": alt.source}
    if not entries:
        return EnergyTable.default()
    return EnergyTable.default().with_overrides(
        {"name": "cacti_sram_leakage", "entries": entries}, source="study cacti_sram_leakage")


def component_group(component: str) -> str:
    """The breakdown group of an energy component (declared in accelsim.energy.components)."""
    declared = component_of(component)
    return declared.group if declared is not None and declared.group in GROUPS else "other"


# -- running ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Task:
    point: str
    hw_data: dict
    hw_source: str
    network: str
    workload: str
    graph: nx.DiGraph
    run_dir: str


def _run_task(task: _Task) -> dict:
    """Simulate, write and price one (point, network); return its record (or its error)."""
    try:
        hw = HardwareConfig.model_validate(task.hw_data)
        t0 = time.perf_counter()
        run = simulate(hw, task.graph, hw_source=task.hw_source, workload_source=task.workload)
        summ = write_run(run, task.run_dir)
        alt = price(counts(run), summ["hardware"]["config"], cacti_leakage_table(hw))
        return _record(task, hw, summ, alt["energy_pj"]["total"], time.perf_counter() - t0)
    except AccelsimError as exc:
        return {"point": task.point, "network": task.network, "error": str(exc)}


def _record(task: _Task, hw: HardwareConfig, s: dict, cacti_total_pj: float,
            wall_s: float) -> dict:
    e = s["energy_pj"]
    groups = {g: [] for g in GROUPS}
    for c, pj in e["by_component"].items():
        groups[component_group(c)].append(pj)
    techs = [b.resolved_technology() for b in hw.scratchpad]
    by_kind = s["error_profile"]["by_kind"]
    record = {
        "network": task.network, "point": task.point, "batch": s["workload"]["batch"],
        "scratchpad_bytes": sum(b.capacity_bytes for b in hw.scratchpad),
        "scratchpad_area_mm2": s["area_mm2"]["total"],
        "max_write_error_rate": max(t.write_error_rate for t in techs),
        "bit_error_rate_activation": by_kind["activation"]["bit_error_rate"],
        "bit_error_rate_error": by_kind["error"]["bit_error_rate"],
        "bit_error_rate_weight": by_kind["weight"]["bit_error_rate"],
        "total_cycles": s["total_cycles"],
        "bank_conflict_stall_cycles": s["stall_cycles_by_cause"]["bank_conflict"],
        "dram_stall_cycles": s["stall_cycles_by_cause"]["dram"],
        "dram_read_bytes": s["dram_bytes"]["read"], "dram_write_bytes": s["dram_bytes"]["write"],
        "energy_pj": e["total"], "dynamic_energy_pj": e["dynamic"],
        "leakage_energy_pj": e["leakage"], "dram_background_energy_pj": e["dram_background"],
        **{f"{g}_energy_pj": math.fsum(v) for g, v in groups.items()},
        "energy_pj_cacti_sram_leakage": cacti_total_pj,
        "scratchpad_energy_pj": math.fsum(math.fsum(groups[f"scratchpad_{k}"])
                                          for k in ("read", "write", "leakage")),
        "by_component_pj": e["by_component"], "run_dir": task.run_dir, "wall_seconds": wall_s,
    }
    # the CACTI table changes SRAM leakage only, so the scratchpad takes the whole difference
    record["scratchpad_energy_pj_cacti_sram_leakage"] = (record["scratchpad_energy_pj"]
                                                         + cacti_total_pj - e["total"])
    return record


def resolve_networks(names: list[str] | tuple[str, ...]) -> dict[str, Path]:
    """Network names (``workloads/<name>.yaml``) or workload paths → {name: path}."""
    out = {}
    for n in names:
        p = shipped.resolve(n, "workload")
        if not p.is_file():
            valid = shipped.names("workload")
            raise ConfigError(f"no workload {n!r} ({p} does not exist)", field="--networks",
                              fix="name a workload file or one of: " + ", ".join(valid))
        out[p.stem] = p
    return out


def run_study(out_dir: str | Path, *, base_config: str | Path = DEFAULT_BASE,
              networks=DEFAULT_NETWORKS, points: list[str] | None = None,
              batch: int | None = None, jobs: int = 1, log=print) -> dict:
    """Run the study and write ``OUT/{study.csv,study.json,energy_breakdown.png}``,
    ``OUT/configs/<point>.yaml`` and ``OUT/runs/<point>/<network>/``; return the study document."""
    t0 = time.perf_counter()
    out = Path(out_dir)
    base_hw = load_hardware(base_config)
    all_points = design_points(base_hw, str(base_config))
    chosen = _choose(all_points, points)
    nets = resolve_networks(list(networks))
    (out / "configs").mkdir(parents=True, exist_ok=True)
    for p in chosen:
        (out / "configs" / f"{p.name}.yaml").write_text(to_yaml(p.hw), encoding="utf-8")
    graphs, failed = {}, []
    for n, path in nets.items():  # a workload that cannot be built fails once, not per point
        try:
            graphs[n] = load_graph(path, batch=batch)
        except AccelsimError as exc:
            failed.append({"point": "all", "network": n, "error": str(exc)})
    tasks = [_Task(p.name, p.hw.model_dump(mode="python"), f"{base_config} → {p.name}", n,
                   str(nets[n]), g, str(out / "runs" / p.name / n))
             for n, g in graphs.items() for p in chosen]
    log(f"study mram: {len(chosen)} design points × {len(graphs)} networks = {len(tasks)} runs, "
        f"{jobs} process(es)")
    with progress(len(tasks), "runs") as bar:
        if jobs > 1:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                results = [_tick(bar, r) for r in pool.map(_run_task, tasks)]
        else:
            results = [_tick(bar, _run_task(t)) for t in tasks]
    failed += [r for r in results if "error" in r]
    records = [r for r in results if "error" not in r]
    doc = {"schema": SCHEMA, "base_config": str(base_config), "batch": batch,
           "networks": {n: str(p) for n, p in nets.items()},
           "points": [_point_doc(p) for p in chosen],
           "cacti_sram_leakage": {k: vars(v) for k, v in CACTI_SRAM_LEAKAGE.items()},
           "table": study_table(records, chosen), "runs": records, "failed": failed}
    doc["suite"] = suite_summary(doc["table"], [p.name for p in chosen])
    doc["wall_seconds"] = time.perf_counter() - t0
    (out / "study.json").write_text(json.dumps(doc, indent=1, sort_keys=True), encoding="utf-8")
    (out / "study.csv").write_text(csv_text(doc["table"]), encoding="utf-8")
    if doc["table"]:
        plot_breakdown(doc["table"], [p.name for p in chosen], out / "energy_breakdown.png")
    return doc


def _tick(bar, result):
    bar.update(1)
    return result


def _choose(all_points: list[DesignPoint], names: list[str] | None) -> list[DesignPoint]:
    if names is None:
        return all_points
    valid = [p.name for p in all_points]
    for n in names:
        if n not in valid:
            raise ConfigError(f"unknown design point {n!r}", field="--points",
                              fix="valid points: " + ", ".join(valid))
    wanted = {BASELINE, *names}  # the baseline is always run: every ratio needs it
    return [p for p in all_points if p.name in wanted]


def _point_doc(p: DesignPoint) -> dict:
    return {"name": p.name, "description": p.description, "iso": p.iso,
            "hardware_name": p.hw.name, "config_hash": p.hw.config_hash,
            "changes": [vars(c) for c in p.changes]}


# -- the table -------------------------------------------------------------------------------
TABLE_KEYS = ("network", "point", "batch", "scratchpad_bytes", "scratchpad_area_mm2",
              "max_write_error_rate", "bit_error_rate_activation", "bit_error_rate_error",
              "bit_error_rate_weight", "total_cycles", "bank_conflict_stall_cycles",
              "dram_stall_cycles", "dram_read_bytes", "dram_write_bytes", "energy_pj",
              "dynamic_energy_pj", "leakage_energy_pj", "dram_background_energy_pj",
              *(f"{g}_energy_pj" for g in GROUPS), "scratchpad_energy_pj",
              "energy_pj_cacti_sram_leakage", "scratchpad_energy_pj_cacti_sram_leakage")


def study_table(records: list[dict], points: list[DesignPoint]) -> list[dict]:
    """One row per (network, point) with ratios against the same network's SRAM run:
    ``cycles_ratio`` and ``energy_ratio`` = point / SRAM; ``energy_gain`` = SRAM / point (the
    seed's "×" improvement); ``write_energy_ratio`` = scratchpad write energy point / SRAM;
    ``write_energy_gain_vs_nominal`` = the nominal STT point's write energy (same iso) / this
    point's; ``energy_gain_cacti_sram_leakage`` = energy_gain with SRAM leakage from CACTI."""
    by_key = {(r["network"], r["point"]): r for r in records}
    rows = []
    for net in dict.fromkeys(r["network"] for r in records):
        base = by_key.get((net, BASELINE))
        if base is None:
            continue  # the baseline run failed: no ratios for this network
        for p in points:
            r = by_key.get((net, p.name))
            if r is None:
                continue
            nominal = by_key.get((net, p.nominal_reference))
            row = {k: r[k] for k in TABLE_KEYS}
            row.update(
                cycles_ratio=r["total_cycles"] / base["total_cycles"],
                energy_ratio=r["energy_pj"] / base["energy_pj"],
                energy_gain=base["energy_pj"] / r["energy_pj"],
                write_energy_ratio=(r["scratchpad_write_energy_pj"]
                                    / base["scratchpad_write_energy_pj"]),
                write_energy_gain_vs_nominal=(nominal["scratchpad_write_energy_pj"]
                                              / r["scratchpad_write_energy_pj"]
                                              if nominal and p.iso != "baseline" else None),
                energy_gain_cacti_sram_leakage=(base["energy_pj_cacti_sram_leakage"]
                                                / r["energy_pj_cacti_sram_leakage"]),
                scratchpad_energy_gain=base["scratchpad_energy_pj"] / r["scratchpad_energy_pj"],
                scratchpad_energy_gain_cacti_sram_leakage=(
                    base["scratchpad_energy_pj_cacti_sram_leakage"]
                    / r["scratchpad_energy_pj_cacti_sram_leakage"]))
            rows.append(row)
    return rows


def suite_summary(table: list[dict], point_names: list[str]) -> list[dict]:
    """Per point, the energy gain over the networks: minimum, geometric mean, maximum."""
    out = []
    for name in point_names:
        rows = [r for r in table if r["point"] == name]
        if not rows:
            continue
        entry = {"point": name}
        for key in ("energy_gain", "energy_gain_cacti_sram_leakage", "scratchpad_energy_gain",
                    "scratchpad_energy_gain_cacti_sram_leakage", "cycles_ratio"):
            v = [r[key] for r in rows]
            entry[key] = {"min": min(v), "geomean": math.exp(math.fsum(map(math.log, v)) / len(v)),
                          "max": max(v)}
        out.append(entry)
    return out


def drivers(table: list[dict]) -> list[dict]:
    """Per row, each group's energy change against the SRAM run, as a share of the SRAM total
    (they add up to ``energy_ratio − 1``): what drives the ratio."""
    base = {r["network"]: r for r in table if r["point"] == BASELINE}
    out = []
    for r in table:
        b = base[r["network"]]
        out.append({"network": r["network"], "point": r["point"],
                    **{g: (r[f"{g}_energy_pj"] - b[f"{g}_energy_pj"]) / b["energy_pj"]
                       for g in GROUPS}})
    return out


# -- the plot --------------------------------------------------------------------------------
GROUP_COLORS = {"compute": "#4c72b0", "scratchpad_read": "#8fbce6", "scratchpad_write": "#dd8452",
                "scratchpad_leakage": "#c44e52", "dram_access": "#55a868", "dram_io": "#8cc084",
                "dram_background": "#937860", "crossbar": "#8172b3", "other": "#999999"}


def plot_breakdown(table: list[dict], point_names: list[str], path: str | Path) -> None:
    """Stacked bars of the energy breakdown per design point, one panel per network, each
    normalised to that network's SRAM total (bar height = energy_ratio); writes a PNG."""
    from matplotlib.figure import (
        Figure,  # Agg canvas, no display or global backend needed
    )

    nets = list(dict.fromkeys(r["network"] for r in table))
    shown = [g for g in GROUPS if any(r[f"{g}_energy_pj"] for r in table)]
    cols = min(2, len(nets))
    rows_n = -(-len(nets) // cols)
    fig = Figure(figsize=(6.5 * cols, 4.2 * rows_n), layout="constrained")
    axes = fig.subplots(rows_n, cols, squeeze=False).ravel()
    for ax, net in zip(axes, nets):
        rows = {r["point"]: r for r in table if r["network"] == net}
        names = [n for n in point_names if n in rows]
        base = rows[BASELINE]["energy_pj"]
        bottom = [0.0] * len(names)
        for g in shown:
            h = [rows[n][f"{g}_energy_pj"] / base for n in names]
            ax.bar(names, h, bottom=bottom, color=GROUP_COLORS[g], label=g.replace("_", " "))
            bottom = [b + x for b, x in zip(bottom, h)]
        for i, n in enumerate(names):
            ax.text(i, bottom[i], f"{rows[n]['cycles_ratio']:.2f}×t", ha="center",
                    va="bottom", fontsize=7)
        ax.set_title(f"{net} (batch {rows[BASELINE]['batch']}): SRAM = {base / 1e6:,.0f} µJ",
                     fontsize=10)
        ax.set_ylabel("energy / SRAM energy")
        ax.set_ylim(0, max(bottom) * 1.12)
        ax.tick_params(axis="x", labelrotation=45, labelsize=8)
        ax.axhline(1.0, color="black", linewidth=0.6, linestyle=":")
    for ax in axes[len(nets):]:
        ax.set_visible(False)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles[::-1], labels[::-1], loc="outside right center", fontsize=8)
    fig.suptitle("One training step: energy by component (label: cycles vs SRAM)", fontsize=11)
    fig.savefig(path, dpi=110)
