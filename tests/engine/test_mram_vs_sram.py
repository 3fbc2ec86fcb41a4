"""The shipped SRAM / STT-MRAM pair: same compute, more bank-conflict stalls where writes are
heavy (the slow STT-MRAM writes block later reads of the same bank)."""
import csv

import pytest

from accelsim.cli import main


@pytest.fixture(scope="module")
def pair(tmp_path_factory, ):
    from testkit import ROOT
    out = {}
    for tech in ("sram", "stt_mram"):
        d = tmp_path_factory.mktemp(tech)
        assert main(["run", str(ROOT / f"hw_configs/train128_{tech}.yaml"),
                     str(ROOT / "workloads/resnet18.yaml"), "-o", str(d)]) == 0
        out[tech] = list(csv.DictReader(open(d / "layers.csv")))
    return out


def test_compute_cycles_identical(pair):
    assert [r["compute_cycles"] for r in pair["sram"]] == \
        [r["compute_cycles"] for r in pair["stt_mram"]]


def test_stt_mram_has_more_bank_conflicts_in_write_heavy_phases(pair):
    def by_phase(rows, phase):
        return sum(int(r["bank_conflict_stall_cycles"]) for r in rows if r["phase"] == phase)
    for phase in ("forward", "backward_data", "update"):
        assert by_phase(pair["stt_mram"], phase) > by_phase(pair["sram"], phase), phase
