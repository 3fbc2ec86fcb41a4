"""Small sweep inputs written to a temporary directory (import as sweepkit)."""
from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
MLP = ROOT / "workloads" / "digits_mlp.yaml"
CNN = ROOT / "workloads" / "digits_cnn.yaml"

TINY_HW = {
    "name": "tiny",
    "arrays": [{"name": "array0", "rows": 8, "cols": 8, "dataflow": "ws"}],
    "vector_unit": {"lanes": 8},
    "scratchpad": [
        {"name": "act", "capacity_bytes": 65536, "banks": 4, "word_bytes": 8,
         "holds": ["activation"]},
        {"name": "err", "capacity_bytes": 32768, "banks": 4, "word_bytes": 8,
         "holds": ["error"]},
        {"name": "wgt", "capacity_bytes": 32768, "banks": 4, "word_bytes": 8,
         "holds": ["weight", "weight_gradient", "optimizer_state"]},
    ],
    "dram": {"preset": "ddr4_3200"},
}


def write_hw(tmp: Path, name: str = "tiny.yaml", **changes) -> Path:
    path = tmp / name
    path.write_text(yaml.safe_dump({**TINY_HW, **changes}, sort_keys=False))
    return path


def write_sweep(tmp: Path, axes: list, workloads=(MLP,), name: str = "sweep.yaml",
                **extra) -> Path:
    """A sweep file over the tiny machine; ``axes`` as in the sweep file."""
    hw = write_hw(tmp)
    spec = {"name": Path(name).stem, "base": hw.name,
            "workloads": [str(w) for w in workloads], "batch": 1, "axes": axes, **extra}
    path = tmp / name
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


#: 2 array sizes × 2 technologies × 2 workloads = 8 points, each a fraction of a second
GRID_AXES = [
    {"path": "arrays.0.rows", "values": [4, 8], "label": "rows"},
    {"path": "scratchpad.*.technology", "values": ["sram_22nm", "stt_mram_22nm"],
     "label": "memory"},
]
