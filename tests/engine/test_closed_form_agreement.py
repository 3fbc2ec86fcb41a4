"""An operation that runs alone is played in closed form (one event); every other one through
the SimPy pipeline. Both modes must give bit-identical rows — every cycle, stall and count — on
the regression suite (default tier) and on every shipped config × workload at batch 1, and
some at batch 4 (slow tier)."""
from dataclasses import asdict
from pathlib import Path

import pytest
import yaml

from accelsim.api import load_graph, load_hardware
from accelsim.core.errors import ConfigError
from accelsim.engine.simulator import Simulator

pytestmark = pytest.mark.gate

ROOT = Path(__file__).resolve().parents[2]
SUITE = yaml.safe_load((ROOT / "regress/suite.yaml").read_text())
EXCLUDED = {(e["config"], e["workload"]) for e in SUITE.get("exclude", [])}
SUITE_CASES = [(Path(c).stem, Path(w).stem) for c in SUITE["configs"] for w in SUITE["workloads"]
               if (Path(c).stem, Path(w).stem) not in EXCLUDED]
SHIPPED = [(c.stem, w.stem) for c in sorted((ROOT / "hw_configs").glob("*.yaml"))
           for w in sorted((ROOT / "workloads").glob("*.yaml"))]
#: shipped pairs that take over 5 CPU-s per mode on a 2-core machine
TOO_SLOW = {("tiny8_ws", w) for w in ("bert_base", "bert_base_encoder", "gpt2", "mobilenetv2",
                                      "resnet18", "resnet50")} | \
    {(c, "llama2_7b") for c, _ in SHIPPED}


def both_modes(config: str, workload: str, batch: int):
    hw = load_hardware(ROOT / "hw_configs" / f"{config}.yaml")
    try:
        g = load_graph(ROOT / "workloads" / f"{workload}.yaml", batch=batch)
        results = [Simulator(hw, g, closed_form=cf).run() for cf in (True, False)]
    except ConfigError:
        pytest.skip("this machine does not run this workload (e.g. crossbar tiles too few)")
    fast, stepped = results
    assert fast.total_cycles == stepped.total_cycles
    assert [asdict(r) for r in fast.rows] == [asdict(r) for r in stepped.rows]
    return fast, stepped


@pytest.mark.parametrize("config,workload", SUITE_CASES)
def test_regression_suite_agrees_in_both_modes(config, workload):
    both_modes(config, workload, SUITE.get("batch", 1))


def test_closed_form_is_used_and_saves_events():
    fast, stepped = both_modes("train128_stt_mram", "resnet18", 2)
    assert fast.events < stepped.events


@pytest.mark.slow
@pytest.mark.parametrize("config,workload", [c for c in SHIPPED if c not in TOO_SLOW])
def test_shipped_pairs_agree_in_both_modes(config, workload):
    both_modes(config, workload, 1)


@pytest.mark.slow
@pytest.mark.parametrize("config", ["train128_stt_mram", "train128_hetero", "sa32_os",
                                    "crossbar_digital_reram"])
@pytest.mark.parametrize("workload", ["digits_cnn", "resnet18"])
def test_larger_batches_agree_in_both_modes(config, workload):
    both_modes(config, workload, 4)
