"""Assemble a run's ``summary.json``, ``layers.csv`` and ``counts.json`` from a simulated step.

Every column and key is documented in ``docs/outputs.md`` (a test checks both ways). The files
are written by :mod:`accelsim.results.rundir` (atomically, one format), deterministically:
the same inputs and seed give byte-identical ``layers.csv`` and ``counts.json``; ``summary.json``
differs only in ``run_info`` (wall time).
"""
from __future__ import annotations

from pathlib import Path

from accelsim import __version__
from accelsim.core.formats import TENSOR_KINDS
from accelsim.core.phases import PHASES
from accelsim.energy.pricing import price, summary_section
from accelsim.engine.run import Run
from accelsim.hardware.error_profile import build_error_profile
from accelsim.results.crossbar_summary import crossbar_summary
from accelsim.results.rundir import (
    COUNTS,
    LAYERS,
    SUMMARY,
    csv_text,
    json_text,
    write_run_files,
)

SUMMARY_SCHEMA = "accelsim.summary/1"
COUNTS_SCHEMA = "accelsim.counts/1"


def layer_rows(run: Run) -> list[dict]:
    names = run.result.buffer_names
    out = []
    for r in run.result.rows:
        d = {"layer": r.layer, "phase": r.phase, "unit": r.unit, "macs": r.macs,
             "mac_slots": r.mac_slots,
             "vector_ops": r.vector_ops, "compute_cycles": r.compute_cycles,
             "stall_cycles": r.stall_cycles, "total_cycles": r.total_cycles,
             "bank_conflict_stall_cycles": r.bank_conflict_stall_cycles,
             "dram_stall_cycles": r.dram_stall_cycles,
             "dependency_stall_cycles": r.dependency_stall_cycles,
             "utilization": r.utilization, "start_cycle": r.start_cycle,
             "end_cycle": r.end_cycle, "steps": r.steps,
             "a_read_elements": r.array_elements.get("a_read", 0),
             "b_read_elements": r.array_elements.get("b_read", 0),
             "c_write_elements": r.array_elements.get("c_write", 0),
             "dram_read_bytes": r.dram_read_bytes, "dram_write_bytes": r.dram_write_bytes,
             "dram_activations": r.dram_activations, "dram_refreshes": r.dram_refreshes,
             "dram_active_rank_ns": round(r.dram_active_rank_ns, 3), "spill_bytes": r.spill_bytes,
             "psum_read_bytes": r.psum_read_bytes, "psum_write_bytes": r.psum_write_bytes}
        for n in names:
            d[f"buffer_{n}_read_words"] = r.buffer_reads.get(n, 0)
            d[f"buffer_{n}_write_words"] = r.buffer_writes.get(n, 0)
        out.append(d)
    return out


def counts(run: Run) -> dict:
    """Action counts per row: the input of the energy pass (``accelsim energy``)."""
    rows = []
    formats = run.graph.graph.get("formats", {})
    for r in run.result.rows:
        actions: dict = {}
        if r.macs and "crossbar" not in r.extra_actions:  # analog MACs are crossbar actions
            actions["mac"] = {r.mac_format: r.macs}
        if r.vector_ops:
            actions["vector"] = {"fp32_ops": r.vector_ops}
        for n in run.result.buffer_names:
            rd, wr = r.buffer_reads.get(n, 0), r.buffer_writes.get(n, 0)
            if rd or wr:
                actions[f"buffer.{n}"] = {"read_words": rd, "write_words": wr}
        _add_check_bits(actions, r, run.hw.protection, formats)
        if r.dram_read_bytes or r.dram_write_bytes:
            actions["dram"] = {"read_bytes": r.dram_read_bytes, "write_bytes": r.dram_write_bytes,
                               "activations": r.dram_activations,
                               "refreshes": r.dram_refreshes,
                               "active_rank_ns": r.dram_active_rank_ns}
        actions.update(r.extra_actions)
        rows.append({"layer": r.layer, "phase": r.phase, "total_cycles": r.total_cycles,
                     "actions": actions})
    doc = {"schema": COUNTS_SCHEMA, "clock_ghz": run.hw.clock_ghz, "node_nm": run.hw.node_nm,
           "total_cycles": run.result.total_cycles, "rows": rows}
    if any(p.protect != "none" for p in run.hw.protection.values()):
        doc["formats"] = {k: formats[k] for k in TENSOR_KINDS if k in formats}  # ECC area
    return doc


def _add_check_bits(actions: dict, row, protection: dict, formats: dict) -> None:
    """The ECC check bits moved with each protected kind's buffer traffic (``ecc_read_bits``,
    ``ecc_write_bits``; see :mod:`accelsim.hardware.memory.protection`)."""
    for action, traffic in (("ecc_read_bits", row.reads_by_kind),
                            ("ecc_write_bits", row.writes_by_kind)):
        for (kind, buf), nbytes in sorted(traffic.items()):
            guard = protection.get(kind)
            bits = guard.check_bits(formats.get(kind, "bf16"), nbytes) if guard else 0
            if bits:
                group = actions.setdefault(f"buffer.{buf}", {"read_words": 0, "write_words": 0})
                group[action] = group.get(action, 0) + bits


def summary(run: Run, rows: list[dict]) -> dict:
    res = run.result
    by_phase = {p: sum(r["total_cycles"] - r["dependency_stall_cycles"] for r in rows
                       if r["phase"] == p) for p in PHASES}
    compute_by_phase = {p: sum(r["compute_cycles"] for r in rows if r["phase"] == p)
                        for p in PHASES}
    macs = sum(r["macs"] for r in rows)
    arrays = {a.name for a in run.hw.arrays}
    array_macs = sum(r["macs"] for r in rows if r["unit"] in arrays)
    pes = sum(a.rows * a.cols for a in run.hw.arrays)
    formats = run.graph.graph.get("formats", {})
    out = {
        "schema": SUMMARY_SCHEMA,
        "tool": {"name": "accelsim", "version": __version__},
        "seed": run.seed,
        "hardware": {"source": run.hw_source, "name": run.hw.name,
                     "config_hash": run.hw.config_hash, "config": run.hw.resolved_dict()},
        "workload": {"source": run.workload_source, "name": run.graph.graph.get("workload"),
                     "batch": run.graph.graph.get("batch"), "phases": run.graph.graph.get("phases"),
                     "formats": formats, "graph_hash": run.graph_hash},
        "total_cycles": res.total_cycles,
        "total_time_ns": res.total_cycles / run.hw.clock_ghz,
        "cycles_by_phase": by_phase,
        "compute_cycles_by_phase": compute_by_phase,
        "stall_cycles_by_cause": {
            "bank_conflict": sum(r["bank_conflict_stall_cycles"] for r in rows),
            "dram": sum(r["dram_stall_cycles"] for r in rows),
            "dependency": sum(r["dependency_stall_cycles"] for r in rows)},
        "macs": macs,
        "array_utilization": array_macs / (res.total_cycles * pes) if res.total_cycles else 0.0,
        "dram_bytes": {"read": sum(r["dram_read_bytes"] for r in rows),
                       "write": sum(r["dram_write_bytes"] for r in rows)},
        "simpy_events": res.events,
        "error_profile": build_error_profile(run.hw, res.rows, formats),
    }
    if res.crossbar is not None:  # placement, programming cost, area, device for the accuracy model
        out["crossbar"] = crossbar_summary(res.crossbar, run.hw)
        out["error_profile"]["crossbar"] = out["crossbar"]["error_profile"]
    return out


def write_run(run: Run, out_dir: str | Path, wall_time: bool = True) -> dict:
    """Write the result directory; return the summary dict. Everything is computed (and priced)
    before anything is written, and the files are renamed into place together, so a failure or a
    kill leaves no half-written directory. ``wall_time=False`` leaves out ``run_info`` (the one
    non-deterministic key), as regression baselines do."""
    rows = layer_rows(run)
    summ = summary(run, rows)
    action_counts = counts(run)
    priced = price(action_counts, summ["hardware"]["config"])  # count first, price second
    for row, energy in zip(rows, priced["rows"]):
        row.update({k: v for k, v in energy.items() if k.endswith("_energy_pj")})
    summ.update(summary_section(priced))
    if wall_time:
        summ["run_info"] = {"wall_seconds": run.wall_seconds}
    summ.update(run.extra)
    write_run_files(out_dir, {LAYERS: csv_text(rows), COUNTS: json_text(action_counts),
                              SUMMARY: json_text(summ)})
    return summ
