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
    ({"kind": "depthwise_conv2d", "name": "dw", "channels": 1, "in_h": 8, "in_w": 8, "kernel": 3},
     "depthwise_conv2d"),
    ({"kind": "gemm", "name": "g", "m": 1, "k": 64, "n": 64}, "gemm")])
def test_unsupported_kind_names_layer_and_supported_kinds(layer, kind):
    with pytest.raises(ConfigError, match=rf"layers\[0\]\({layer['name']}\): layer kind '{kind}' is "
                                          r"not supported.*conv2d, linear, pool"):
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
