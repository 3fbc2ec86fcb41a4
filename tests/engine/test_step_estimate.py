"""The step estimate made before simulating is a lower bound of the steps the engine plays, on
every shipped machine, and a tight one on a plain streaming run."""
from pathlib import Path

import pytest

from accelsim.api import load_graph, load_hardware, simulate
from accelsim.core.errors import ConfigError
from accelsim.engine.estimate import estimate_steps

ROOT = Path(__file__).resolve().parents[2]
MACHINES = sorted(p.name for p in (ROOT / "hw_configs").glob("*.yaml"))


@pytest.mark.parametrize("hw_name", MACHINES)
@pytest.mark.parametrize("workload", ["digits_mlp", "digits_cnn"])
def test_bound_never_exceeds_the_steps_played(hw_name, workload):
    hw = load_hardware(ROOT / "hw_configs" / hw_name)
    graph = load_graph(ROOT / "workloads" / f"{workload}.yaml")
    bound, top, top_steps = estimate_steps(hw, graph)
    try:
        run = simulate(hw, graph, max_steps=None)
    except ConfigError as exc:  # e.g. a crossbar machine made for ResNet's layer names
        pytest.skip(f"not a workload for this machine: {exc}")
    played = sum(r.steps for r in run.result.rows)
    assert 0 < bound <= played and top_steps <= bound
    if hw_name == "tiny8_ws.yaml" and workload == "digits_mlp":
        assert bound == played  # every operand streams: the bound is exact


@pytest.mark.parametrize("dataflow", ["os", "ws", "is"])
@pytest.mark.parametrize("depthwise", ["per_channel", "packed"])
def test_bound_follows_the_depthwise_mapping(dataflow, depthwise):
    """A depthwise layer on a streaming machine: the bound counts the folds of the mapping the
    array uses (one channel per fold would exceed the steps a packed array plays)."""
    from testkit import machine

    from accelsim.hardware.config import HardwareConfig
    from accelsim.workload.graph import build_graph
    from accelsim.workload.layers import Workload
    base = machine(32, 8, dataflow, capacity=4096).model_dump()
    base["arrays"][0]["depthwise"] = depthwise
    hw = HardwareConfig.model_validate(base)
    wl = Workload.model_validate({"name": "dw", "batch": 2, "layers": [
        {"kind": "conv2d", "name": "c0", "in_h": 8, "in_w": 8, "in_channels": 1,
         "out_channels": 12, "kernel": 1},
        {"kind": "depthwise_conv2d", "name": "dw", "in_h": 8, "in_w": 8, "channels": 12,
         "kernel": 3, "padding": 1}]})
    graph = build_graph(wl, "training")
    bound = estimate_steps(hw, graph)[0]
    played = sum(r.steps for r in simulate(hw, graph, max_steps=None).result.rows)
    assert 0 < bound <= played
