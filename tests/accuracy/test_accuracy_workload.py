"""Workload YAMLs as functional networks: adaptation to digits and unsupported layer kinds."""
import pytest

from accelsim.accuracy.workload_network import load_network_workload, plan_network
from accelsim.core.errors import ConfigError
from accelsim.workload.layers import Workload


def _plan(layers, **extra):
    return plan_network(Workload.model_validate({"name": "w", "layers": layers, **extra}), "w.yaml")


def test_builtin_networks_are_the_shipped_workloads():
    for name, first in (("mlp", "linear"), ("cnn", "conv2d")):
        workload, source = load_network_workload(name)
        assert source.endswith(f"workloads/digits_{name}.yaml")
        plans, notes = plan_network(workload, source)
        assert plans[0].kind == first and plans[-1].out_shape == (10,) and notes == []


def test_imagenet_style_workload_is_adapted():
    plans, notes = _plan([
        {"kind": "conv2d", "name": "c1", "in_channels": 3, "out_channels": 4, "in_h": 32,
         "in_w": 32, "kernel": 3, "padding": 1},
        {"kind": "pool", "name": "p1", "channels": 4, "in_h": 32, "in_w": 32, "kernel": 2,
         "stride": 2},
        {"kind": "linear", "name": "fc", "in_features": 1024, "out_features": 100}])
    assert plans[0].in_shape == (1, 8, 8) and plans[1].out_shape == (4, 4, 4)
    assert plans[2].in_shape == (64,) and plans[2].out_shape == (10,)
    assert len(notes) == 5 and any("1024 -> 64" in n for n in notes)


@pytest.mark.parametrize("layer,kind", [
    ({"kind": "gemm", "name": "g", "m": 1, "k": 64, "n": 64}, "gemm")])
def test_unsupported_kind_names_layer_and_supported_kinds(layer, kind):
    with pytest.raises(ConfigError, match=rf"layers\[0\]\({layer['name']}\): layer kind '{kind}' is "
                                          r"not supported.*add, conv2d, depthwise_conv2d, linear, pool"):
        _plan([layer, {"kind": "linear", "name": "fc", "in_features": 64, "out_features": 10}])


def test_shapes_that_do_not_fit_digits():
    with pytest.raises(ConfigError, match="kernel 11x11.*does not fit the adapted 8x8 input"):
        _plan([{"kind": "conv2d", "name": "c", "in_channels": 1, "out_channels": 2, "in_h": 64,
                "in_w": 64, "kernel": 11, "stride": 4},
               {"kind": "linear", "name": "fc", "in_features": 10, "out_features": 10}])
    with pytest.raises(ConfigError, match="last layer is 'pool'"):
        _plan([{"kind": "pool", "name": "p", "channels": 1, "in_h": 8, "in_w": 8, "kernel": 2}])
    with pytest.raises(ConfigError, match="in_features 32 does not match.*64 outputs"):
        _plan([{"kind": "linear", "name": "a", "in_features": 64, "out_features": 64},
               {"kind": "linear", "name": "b", "in_features": 32, "out_features": 10}])


def _relu(plans):
    return {p.name for p in plans if p.relu}


def test_resnet18_keeps_its_blocks_scaled_to_digits():
    workload, source = load_network_workload("workloads/resnet18.yaml")
    plans, notes = plan_network(workload, source)
    by_name = {p.name: p for p in plans}
    assert by_name["layer2.0.add"].inputs == ("layer2.0.conv2.bn", "layer2.0.downsample.bn")
    assert by_name["layer2.0.downsample"].inputs == ("layer1.1.add",)
    assert by_name["layer1.0.add"].inputs == ("layer1.0.conv2.bn", "maxpool")
    assert by_name["conv1"].out_shape == (8, 4, 4) and by_name["layer4.1.conv2"].out_shape == (64, 1, 1)
    assert by_name["avgpool"].kernel == (1, 1) and by_name["fc"].in_shape == (64,)
    # ReLU after conv1/BN of a block and after every add, not before the residual sum
    relu = _relu(plans)
    assert {"conv1.bn", "layer1.0.conv1.bn", "layer1.0.add", "layer4.1.add"} <= relu
    assert not relu & {"layer1.0.conv2.bn", "layer2.0.downsample.bn", "conv1", "fc"}
    assert any("channels divided by 8" in n for n in notes)
    assert sum(p.kind == "batch_norm" for p in plans) == 20


def test_mobilenetv2_projections_are_linear_bottlenecks():
    workload, source = load_network_workload("workloads/mobilenetv2.yaml")
    plans, _ = plan_network(workload, source)
    relu = _relu(plans)
    assert {"features.2.expand.bn", "features.2.depthwise.bn", "features.18.bn"} <= relu
    assert not relu & {"features.2.project.bn", "features.3.project.bn", "features.3.add"}
    assert any(p.kind == "depthwise_conv2d" for p in plans)
