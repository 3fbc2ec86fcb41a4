"""Run directories to compare: one real tiny run, then hand-edited copies (import as comparekit)."""
from __future__ import annotations

import csv
import shutil
from pathlib import Path

import yaml

from accelsim.api import hardware_from_dict, load_graph, simulate
from accelsim.results.writer import write_run

ROOT = Path(__file__).resolve().parents[2]
TINY_HW = yaml.safe_load((ROOT / "hw_configs/tiny8_ws.yaml").read_text())


def make_run(out: Path, workload: str = "digits_cnn", **hw_changes) -> Path:
    hw = hardware_from_dict({**TINY_HW, **hw_changes})
    write_run(simulate(hw, load_graph(ROOT / "workloads" / f"{workload}.yaml", batch=1)), out)
    return out


def copy_run(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def read(run: Path) -> tuple[list[dict], list[str]]:
    with (run / "layers.csv").open(newline="") as f:
        r = csv.DictReader(f)
        return list(r), list(r.fieldnames)


def write(run: Path, rows: list[dict], header: list[str]) -> None:
    with (run / "layers.csv").open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def edit(run: Path, layer: str, phase: str, **values) -> None:
    """Set columns of one (layer, phase) row of layers.csv."""
    rows, header = read(run)
    hits = [r for r in rows if (r["layer"], r["phase"]) == (layer, phase)]
    assert len(hits) == 1
    hits[0].update({k: str(v) if not isinstance(v, float) else repr(v) for k, v in values.items()})
    write(run, rows, header)
