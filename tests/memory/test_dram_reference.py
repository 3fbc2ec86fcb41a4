"""accelsim's DRAM model against DRAMSim3 (tests/data/dram/dramsim3.csv, DRAMSim3 commit 29817593).

Every case of the file is replayed with :func:`accelsim.memory.dram.replay`; the test prints the
accelsim/DRAMSim3 ratios of completion time and of energy without I/O (DRAMSim3 has no I/O
energy) and checks them. Nothing in the model is fitted to these numbers: they are for checking.

    python -m pytest -s tests/memory/test_dram_reference.py     # prints the ratio table
"""
import csv
from pathlib import Path

import pytest

from accelsim.memory.dram import replay

DATA = Path(__file__).resolve().parents[1] / "data" / "dram" / "dramsim3.csv"
TARGET = 0.10
#: DDR4 with DRAMSim3's shipped mapping (column bits lowest), where a stream stays 128 bursts in
#: one bank group: the model, with the .ini's 16-entry transaction queue, overlaps fewer bursts
#: of the next bank group than DRAMSim3 does (docs/dram.md, "Known deviation"). Checked looser.
KNOWN = {("ddr4_3200", p): 0.25 for p in (
    "seq_rd_1M", "seq_rd_16M", "seq_wr_1M", "seq_wr_16M", "rw_1M", "rw_16M", "tile_rd_1M_s512")}

#: the DRAMSim3 variants as preset dicts (README of the reference data)
VARIANTS = {
    "ddr4_3200": {"preset": "ddr4_3200", "rw_queue": "split"},
    "ddr4_3200_bgint": {"preset": "ddr4_3200", "mapping": "rochrabacobg", "rw_queue": "split"},
    "ddr4_3200_bgint_uq": {"preset": "ddr4_3200", "mapping": "rochrabacobg",
                           "rw_queue": "unified"},
    "hbm2": {"preset": "hbm2", "rw_queue": "split"},
    "hbm2_uq": {"preset": "hbm2", "rw_queue": "unified"},
}
SIZES = {"64K": 1 << 16, "1M": 1 << 20, "16M": 1 << 24}


def transfers(pattern: str) -> list[dict]:
    def one(op, n, stream=0, **kw):
        return {"op": op, "bytes": n, "stream": stream, "chained": False, **kw}
    if pattern == "lat_rd_1req":
        return [one("read", 64)]
    kind, size = pattern.rsplit("_", 1)
    if kind == "seq_rd":
        return [one("read", SIZES[size])]
    if kind == "seq_wr":
        return [one("write", SIZES[size])]
    if kind == "rw":
        return [one("read", SIZES[size]), one("write", SIZES[size], stream=1)]
    assert pattern == "tile_rd_1M_s512", pattern
    return [one("read", 1 << 20, chunk_bytes=256, stride_bytes=512)]


def _cases():
    with open(DATA, newline="") as f:
        return list(csv.DictReader(f))


def ratios(row: dict) -> tuple[float, float]:
    out = replay(VARIANTS[row["variant"]], transfers(row["pattern"]))
    assert out.bytes_read == int(row["bytes_read"])
    assert out.bytes_written == int(row["bytes_written"])
    core = out.energy_pj_total - out.energy_pj["dram_io"]
    return out.time_ns / float(row["time_ns"]), core / float(row["energy_total_pj"])


def test_every_reference_case_is_within_target(capsys):
    lines, bad = [], []
    for row in _cases():
        t, e = ratios(row)
        key = (row["variant"], row["pattern"])
        limit = KNOWN.get(key, TARGET)
        mark = "" if key not in KNOWN else "  (known deviation)"
        lines.append(f"{key[0]:20s} {key[1]:16s} time {t:6.3f}  energy {e:6.3f}{mark}")
        if abs(t - 1) > limit or abs(e - 1) > limit:
            bad.append(lines[-1])
    with capsys.disabled():
        print("\naccelsim / DRAMSim3 (time, energy without I/O)\n" + "\n".join(lines))
    assert not bad, "outside the target:\n" + "\n".join(bad)
    assert len(lines) == 50


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_reference_file_covers_every_variant(variant):
    assert any(r["variant"] == variant for r in _cases())
