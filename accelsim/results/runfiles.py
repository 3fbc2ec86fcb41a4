"""Read a run directory's counts and config, and write re-priced energy into its outputs.

A run directory holds ``counts.json`` (the action counts), ``summary.json`` (whose
``hardware.config`` is the resolved hardware config) and ``layers.csv`` (one row per counts row,
same order, with ``layer`` and ``phase`` columns). Re-pricing replaces every ``*_energy_pj``
column of layers.csv and the :data:`~accelsim.energy.pricing.SUMMARY_KEYS` of summary.json; all
other columns and keys are kept as they are.
"""
from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

from accelsim.core.errors import ConfigError
from accelsim.energy.pricing import summary_section

ENERGY_SUFFIX = "_energy_pj"


def read_json(path: Path) -> dict:
    if not path.is_file():
        raise ConfigError("file not found", source=str(path),
                          fix="pass the directory of a finished 'accelsim run'")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ConfigError(f"malformed JSON: {exc.msg}", source=str(path),
                          field=f"line {exc.lineno}, column {exc.colno}") from None


def read_run(run_dir: Path) -> tuple[dict, dict, dict, list[dict[str, str]], list[str]]:
    """(counts, summary, resolved config, layers.csv rows, layers.csv header)."""
    counts = read_json(run_dir / "counts.json")
    summary = read_json(run_dir / "summary.json")
    config = summary.get("hardware", {}).get("config") if isinstance(summary, dict) else None
    if not isinstance(config, dict):
        raise ConfigError("no resolved hardware config", source=str(run_dir / "summary.json"),
                          field="hardware.config", fix="re-run 'accelsim run' to rewrite it")
    path = run_dir / "layers.csv"
    if not path.is_file():
        raise ConfigError("file not found", source=str(path))
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
        header = list(reader.fieldnames or [])
    return counts, summary, config, rows, header


def merge_layer_rows(rows: list[dict[str, str]], header: list[str], priced: list[dict],
                     source: str = "layers.csv") -> tuple[list[dict], list[str]]:
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
    merged = [{**{h: row[h] for h in kept}, **{k: repr(p[k]) for k in energy}}
              for row, p in zip(rows, priced)]
    return merged, kept + energy


def write_repriced(out_dir: Path, summary: dict, rows: list[dict], header: list[str],
                   result: dict, counts: dict | None = None) -> None:
    """Write summary.json and layers.csv with the re-priced energy (and counts.json when given,
    so that a new output directory can itself be re-priced)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = {**summary, **summary_section(result)}
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    _atomic_write(out_dir / "layers.csv", buf.getvalue())
    _atomic_write(out_dir / "summary.json", json.dumps(summary, indent=2) + "\n")
    if counts is not None:
        _atomic_write(out_dir / "counts.json", json.dumps(counts, indent=2) + "\n")


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
