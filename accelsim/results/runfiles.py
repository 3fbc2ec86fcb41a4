"""Re-priced energy written back into a run directory's outputs.

A run directory holds ``counts.json`` (the action counts), ``summary.json`` (whose
``hardware.config`` is the resolved hardware config) and ``layers.csv`` (one row per counts row,
same order, with ``layer`` and ``phase`` columns). Re-pricing replaces every ``*_energy_pj``
column of layers.csv and the :data:`~accelsim.energy.pricing.SUMMARY_KEYS` of summary.json; all
other columns and keys are kept as they are.
"""
from __future__ import annotations

from pathlib import Path

from accelsim.core.errors import ConfigError
from accelsim.energy.pricing import summary_section
from accelsim.results import rundir

ENERGY_SUFFIX = "_energy_pj"


def merge_layer_rows(rows: list[dict], header: list[str], priced: list[dict],
                     source: str = rundir.LAYERS) -> tuple[list[dict], list[str]]:
    """layers.csv rows with their energy columns replaced by the priced rows' columns."""
    if len(rows) != len(priced):
        raise ConfigError(f"has {len(rows)} rows but counts.json has {len(priced)}",
                          source=source, fix="layers.csv and counts.json must come from one run")
    for i, (row, p) in enumerate(zip(rows, priced)):
        if (row.get("layer"), row.get("phase")) != (p["layer"], p["phase"]):
            raise ConfigError(f"row {i} is ({row.get('layer')}, {row.get('phase')}) but counts "
                              f"row {i} is ({p['layer']}, {p['phase']})", source=source,
                              fix="layers.csv and counts.json must come from one run")
    kept = [h for h in header if not h.endswith(ENERGY_SUFFIX)]
    energy = [k for k in priced[0] if k.endswith(ENERGY_SUFFIX)] if priced else []
    merged = [{**{h: row[h] for h in kept}, **{k: p[k] for k in energy}}
              for row, p in zip(rows, priced)]
    return merged, kept + energy


def write_repriced(out_dir: Path, summary: dict, rows: list[dict], header: list[str],
                   result: dict, counts: dict | None = None) -> None:
    """Write summary.json and layers.csv with the re-priced energy (and counts.json when given,
    so that a new output directory can itself be re-priced)."""
    files = {rundir.LAYERS: rundir.csv_text(rows, header),
             rundir.SUMMARY: rundir.json_text({**summary, **summary_section(result)})}
    if counts is not None:
        files[rundir.COUNTS] = rundir.json_text(counts)
    rundir.write_run_files(out_dir, files)
