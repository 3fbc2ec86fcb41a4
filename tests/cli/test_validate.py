"""``accelsim validate``: valid files print one ``ok:`` line each with a summary."""
from __future__ import annotations

from pathlib import Path

import pytest

from accelsim.cli import main

pytestmark = pytest.mark.smoke

ROOT = Path(__file__).resolve().parents[2]
SCALESIM = ROOT / "tests" / "data" / "scalesim"


def test_scalesim_cfg_and_topology(capsys):
    cfg = SCALESIM / "configs" / "sa128_is_calc.cfg"
    topo = SCALESIM / "topologies" / "GEMM_mnk_vit_s.csv"
    assert main(["validate", str(cfg), str(topo)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2
    assert out[0].startswith(f"ok: {cfg}: hardware 'sa128_is_calc'") and "128x128 is" in out[0]
    assert "DRAM ideal" in out[0] and "ifmap 512 KiB" in out[0]
    assert out[1] == f"ok: {topo}: workload 'GEMM_mnk_vit_s': 5 layers (5 gemm), batch 1"


@pytest.mark.parametrize("path", sorted((ROOT / "workloads").glob("*.yaml"))
                         + sorted((ROOT / "hw_configs").glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_file_validates(capsys, path):
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"ok: {path}: ") and out.count("\n") == 1


def test_stops_at_the_first_bad_file(capsys, tmp_path):
    good = SCALESIM / "configs" / "sa32_os_calc.cfg"
    assert main(["validate", str(good), str(tmp_path / "missing.csv")]) == 2
    captured = capsys.readouterr()
    assert captured.out.startswith("ok: ") and "missing.csv: file not found" in captured.err
