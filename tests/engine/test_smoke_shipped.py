"""Smoke tier: every shipped workload trains on a shipped machine, and every shipped machine
runs a workload, with the stall accounting intact."""
from pathlib import Path

import pytest

from accelsim.api import run_files

pytestmark = pytest.mark.smoke

ROOT = Path(__file__).resolve().parents[2]
#: workloads whose full training step takes minutes here (Llama-2-7B at seq 2048: its speed is
#: measured by benchmarks/, not by this tier)
SLOW_WORKLOADS = {"llama2_7b.yaml"}
WORKLOADS = [pytest.param(name, marks=pytest.mark.slow) if name in SLOW_WORKLOADS else name
             for name in sorted(p.name for p in (ROOT / "workloads").glob("*.yaml"))]
MACHINES = sorted(p.name for p in (ROOT / "hw_configs").glob("*.yaml"))


def _check(run):
    assert run.result.total_cycles > 0
    for r in run.result.rows:
        assert r.total_cycles == r.compute_cycles + r.stall_cycles
    return run


@pytest.mark.parametrize("workload", WORKLOADS)
def test_every_workload_trains(workload):
    _check(run_files(ROOT / "hw_configs/train128_stt_mram.yaml", ROOT / "workloads" / workload))


#: machines whose config names layers of a particular network
WORKLOAD_OF = {"train128_mixed.yaml": "resnet18.yaml"}


@pytest.mark.parametrize("hw", MACHINES)
def test_every_machine_runs(hw):
    workload = WORKLOAD_OF.get(hw, "digits_cnn.yaml")
    _check(run_files(ROOT / "hw_configs" / hw, ROOT / "workloads" / workload))
