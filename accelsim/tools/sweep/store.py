"""The sweep store: one SQLite file per sweep, one row per point (schema in docs/sweeps.md).

A point is keyed by (config_hash, workload_sha256, phases, batch, seed). Only the parent process
writes, and each finished point — its row in ``points`` and its per-layer rows in ``layers`` —
is one transaction in WAL mode. A sweep killed at any instant (SIGKILL included) therefore
leaves every finished point complete and nothing of the points in flight; the UNIQUE key makes
a duplicate impossible. Points that ended in an error are retried by the next run.
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any, Iterable

from accelsim.core.errors import ConfigError

SCHEMA = "accelsim.sweep_store/1"
KEY_COLUMNS = ("config_hash", "workload_sha256", "phases", "batch", "seed")

#: summary metrics kept as columns: column -> path in summary.json
METRICS = {
    "total_cycles": ("total_cycles",),
    "total_time_ns": ("total_time_ns",),
    "macs": ("macs",),
    "array_utilization": ("array_utilization",),
    "bank_conflict_stall_cycles": ("stall_cycles_by_cause", "bank_conflict"),
    "dram_stall_cycles": ("stall_cycles_by_cause", "dram"),
    "dependency_stall_cycles": ("stall_cycles_by_cause", "dependency"),
    "dram_read_bytes": ("dram_bytes", "read"),
    "dram_write_bytes": ("dram_bytes", "write"),
    "total_energy_pj": ("energy_pj", "total"),
    "dynamic_energy_pj": ("energy_pj", "dynamic"),
    "leakage_energy_pj": ("energy_pj", "leakage"),
}

_DDL = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS points (
    id INTEGER PRIMARY KEY,
    config_hash TEXT NOT NULL, workload_sha256 TEXT NOT NULL, phases TEXT NOT NULL,
    batch INTEGER NOT NULL, seed INTEGER NOT NULL,
    ordinal INTEGER NOT NULL, axes_json TEXT NOT NULL,
    workload TEXT NOT NULL, workload_name TEXT NOT NULL, hardware_name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('ok', 'error')), error TEXT,
    {", ".join(f"{c} {'REAL' if c.endswith(('_ns', '_pj', 'utilization')) else 'INTEGER'}"
               for c in METRICS)},
    summary_json TEXT, wall_seconds REAL NOT NULL,
    UNIQUE ({", ".join(KEY_COLUMNS)})
);
CREATE TABLE IF NOT EXISTS layers (
    point_id INTEGER NOT NULL REFERENCES points(id) ON DELETE CASCADE,
    row_index INTEGER NOT NULL, layer TEXT NOT NULL, phase TEXT NOT NULL,
    data_json TEXT NOT NULL,
    PRIMARY KEY (point_id, row_index)
);
"""


def _dig(summary: dict, path: tuple[str, ...]) -> Any:
    node: Any = summary
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def is_store(path: str | Path) -> bool:
    p = Path(path)
    if not p.is_file():
        return False
    with p.open("rb") as f:
        return f.read(16) == b"SQLite format 3\x00"


class SweepStore:
    """Open (or create) a sweep store. Use as a context manager or call :meth:`close`."""

    def __init__(self, path: str | Path, create: bool = True):
        self.path = Path(path)
        if not create and not is_store(self.path):
            raise ConfigError("not a sweep store (SQLite file)", source=str(path),
                              fix="pass the .db file written by 'accelsim sweep'")
        if create:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            if create:
                self.db.executescript(_DDL)
                self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA,))
            schema = self.meta("schema")
        except sqlite3.DatabaseError as exc:
            raise ConfigError(f"unreadable sweep store ({exc})", source=str(path)) from None
        if schema != SCHEMA:
            raise ConfigError(f"sweep store schema {schema!r}, expected {SCHEMA!r}",
                              source=str(path), fix="write a new store with 'accelsim sweep'")

    def __enter__(self) -> "SweepStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def finished_keys(self) -> set[tuple]:
        cols = ", ".join(KEY_COLUMNS)
        return {tuple(r) for r in self.db.execute(
            f"SELECT {cols} FROM points WHERE status = 'ok'")}

    def write_point(self, task, result: dict) -> bool:
        """Store one finished point atomically; False if an ok row with its key already exists."""
        summary = result.get("summary")
        metrics = {c: _dig(summary, p) if summary else None for c, p in METRICS.items()}
        record = dict(zip(KEY_COLUMNS, task.key))
        record.update(ordinal=task.ordinal, axes_json=json.dumps(task.axes, sort_keys=False),
                      workload=task.workload_path, workload_name=task.workload_name,
                      hardware_name=task.hw.name, status=result["status"],
                      error=result.get("error"), **metrics,
                      summary_json=json.dumps(summary, sort_keys=True) if summary else None,
                      wall_seconds=result["wall_seconds"])
        where = " AND ".join(f"{c} = ?" for c in KEY_COLUMNS)
        cur = self.db.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            existing = cur.execute(f"SELECT id, status FROM points WHERE {where}",
                                   task.key).fetchone()
            if existing and existing[1] == "ok":
                cur.execute("ROLLBACK")
                return False
            if existing:  # a previous error of this point: the new attempt replaces it
                cur.execute("DELETE FROM points WHERE id = ?", (existing[0],))
            cols = ", ".join(record)
            cur.execute(f"INSERT INTO points ({cols}) VALUES ({', '.join('?' * len(record))})",
                        tuple(record.values()))
            pid = cur.lastrowid
            cur.executemany(
                "INSERT INTO layers VALUES (?, ?, ?, ?, ?)",
                [(pid, i, str(r.get("layer")), str(r.get("phase")), json.dumps(r))
                 for i, r in enumerate(result.get("rows") or [])])
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        return True

    def points(self, status: str | None = None) -> list[dict]:
        """Every stored point as a dict (``axes`` and ``summary`` decoded), in sweep order."""
        sql = "SELECT * FROM points" + (" WHERE status = ?" if status else "")
        cur = self.db.execute(sql + " ORDER BY ordinal, id", (status,) if status else ())
        names = [d[0] for d in cur.description]
        out = []
        for row in cur:
            p = dict(zip(names, row))
            p["axes"] = json.loads(p.pop("axes_json"))
            text = p.pop("summary_json")
            p["summary"] = json.loads(text) if text else None
            out.append(p)
        return out

    def layers(self, point_id: int) -> list[dict]:
        return [json.loads(t) for (t,) in self.db.execute(
            "SELECT data_json FROM layers WHERE point_id = ? ORDER BY row_index", (point_id,))]

    def layer_rows(self, ids: Iterable[int] | None = None) -> Iterable[tuple[int, dict]]:
        """(point_id, layer row) for all points (or the given ones), in store order."""
        sql = "SELECT point_id, data_json FROM layers ORDER BY point_id, row_index"
        wanted = set(ids) if ids is not None else None
        for pid, text in self.db.execute(sql):
            if wanted is None or pid in wanted:
                yield pid, json.loads(text)
