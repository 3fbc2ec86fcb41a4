"""Export a sweep store as flat tables: CSV always, Parquet when pyarrow is installed.

``points`` has one row per point: its axis values (one column per axis), key, status, error,
summary metrics and, when the run was priced, one ``<component>_energy_pj`` column per energy
component. ``layers`` has one row per (point, layer, phase): the point's id, axes, workload and
batch, then the columns of that point's ``layers.csv``. Columns are documented in docs/sweeps.md.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

from accelsim.core.errors import ConfigError
from accelsim.tools.sweep.store import KEY_COLUMNS, METRICS, SweepStore

FORMATS = (".csv", ".parquet")


def axis_columns(store: SweepStore) -> list[str]:
    text = store.meta("axes")
    return json.loads(text) if text else []


def _cell(value):
    """Axis values may be lists or mappings (a whole ``dram`` block): keep them as JSON text."""
    return json.dumps(value, sort_keys=True) if isinstance(value, (dict, list)) else value


def point_table(store: SweepStore) -> list[dict]:
    axes = axis_columns(store)
    rows = []
    for p in store.points():
        row = {"point_id": p["id"]}
        row.update({a: _cell(p["axes"].get(a)) for a in axes})
        row.update({a: _cell(v) for a, v in p["axes"].items() if a not in axes})
        row.update(workload_name=p["workload_name"], hardware_name=p["hardware_name"],
                   status=p["status"], error=p["error"])
        row.update({c: p[c] for c in KEY_COLUMNS})
        row.update({c: p[c] for c in METRICS})
        by_component = ((p["summary"] or {}).get("energy_pj") or {}).get("by_component") or {}
        row.update({f"{c}_energy_pj": v for c, v in sorted(by_component.items())})
        row["wall_seconds"] = p["wall_seconds"]
        rows.append(row)
    return rows


def layer_table(store: SweepStore) -> list[dict]:
    axes = axis_columns(store)
    points = {p["id"]: p for p in store.points(status="ok")}
    rows = []
    for pid, layer in store.layer_rows(points):
        p = points[pid]
        row = {"point_id": pid, **{a: _cell(p["axes"].get(a)) for a in axes},
               "workload_name": p["workload_name"], "batch": p["batch"]}
        row.update(layer)
        rows.append(row)
    return rows


def _kind(value) -> str | None:
    """Parquet columns have one type: values of different kinds in a column become text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "bool"
    return "number" if isinstance(value, (int, float)) else "text"


def _columns(rows: list[dict]) -> list[str]:
    seen: dict[str, None] = {}
    for r in rows:
        seen.update(dict.fromkeys(r))
    return list(seen)


def write_table(rows: list[dict], path: str | Path) -> Path:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ConfigError(f"unknown export format {suffix or '(none)'!r}", source=str(path),
                          fix="name the file .csv or .parquet")
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = _columns(rows)
    if suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
        return path
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ConfigError("Parquet export needs pyarrow", source=str(path),
                          fix="pip install 'accelsim[parquet]', or export .csv") from None
    mixed = {c for c in columns if len({_kind(r.get(c)) for r in rows} - {None}) > 1}
    table = pa.Table.from_pylist([{c: (str(r.get(c)) if c in mixed and r.get(c) is not None
                                       else r.get(c)) for c in columns} for r in rows])
    pq.write_table(table, path)
    return path


def export(store_path: str | Path, points_path: str | Path | None = None,
           layers_path: str | Path | None = None) -> list[Path]:
    written = []
    with SweepStore(store_path, create=False) as store:
        if points_path:
            written.append(write_table(point_table(store), points_path))
        if layers_path:
            written.append(write_table(layer_table(store), layers_path))
    return written
