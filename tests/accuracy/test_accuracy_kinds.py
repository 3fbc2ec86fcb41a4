"""The trainable-kind registry: each trainable layer kind is one translator registered under its
workload kind; the network builder only walks the workload and asks the translators."""
import numpy as np
import pytest

from accelsim.accuracy.kinds.base import TRAINABLE_KINDS, LayerPlan, LayerTranslator
from accelsim.accuracy.network_graph import Network
from accelsim.accuracy.workload_network import (
    build_network,
    crossbar_layers,
    load_network_workload,
    normalised,
    plan_network,
)
from accelsim.core.errors import ConfigError
from accelsim.workload.kinds.base import LAYER_KINDS
from accelsim.workload.layers import Workload

FC = {"kind": "linear", "name": "fc", "in_features": 16, "out_features": 10}


def _workload(layers):
    return Workload.model_validate({"name": "w", "layers": layers})


def test_every_trainable_kind_is_a_workload_kind():
    assert set(TRAINABLE_KINDS.names()) <= set(LAYER_KINDS.names())
    assert TRAINABLE_KINDS.names() == ["add", "conv2d", "depthwise_conv2d", "linear", "pool"]


def test_translator_flags_give_crossbar_layers_and_normalisation():
    workload, source = load_network_workload("workloads/mobilenetv2.yaml")
    plans, _ = plan_network(workload, source)
    mapped = crossbar_layers(plans)
    kinds = {p.name: p.kind for p in plans}
    assert mapped and {kinds[n] for n in mapped} == {"conv2d", "linear"}
    assert normalised(plans) and any(p.kind == "batch_norm" for p in plans)
    cnn, cnn_source = load_network_workload("cnn")
    assert not normalised(plan_network(cnn, cnn_source)[0])


class _Identity:
    """A test trainable layer: y = x, its error passes through."""
    crossbar = None

    def __init__(self, name):
        self.name = name

    def forward(self, x):
        return x

    def backward(self, dy, y_stored, need_dx):
        return (dy if need_dx else None), None


class _DropoutAsIdentity(LayerTranslator):
    """Dropout evaluated as the identity: the one registration a new trainable kind needs."""
    kind = "dropout"

    def plan(self, ctx):
        features = int(np.prod(ctx.shape))
        return [LayerPlan(self.kind, ctx.layer.name, ctx.shape, (features,), builder=self)]

    def build(self, plan, rng):
        return _Identity(plan.name)


def test_a_new_kind_trains_after_one_registration(monkeypatch):
    layers = [{"kind": "linear", "name": "hidden", "in_features": 64, "out_features": 16},
              {"kind": "dropout", "name": "drop", "features": 16},
              {"kind": "linear", "name": "fc", "in_features": 16, "out_features": 10}]
    with pytest.raises(ConfigError, match=r"layers\[1\]\(drop\): layer kind 'dropout' is not "
                                          r"supported.*use layers of kinds: add, conv2d"):
        plan_network(_workload(layers), "w.yaml")
    monkeypatch.setitem(TRAINABLE_KINDS._items, "dropout", _DropoutAsIdentity())
    plans, _ = plan_network(_workload(layers), "w.yaml")
    assert [p.kind for p in plans] == ["linear", "dropout", "linear"]
    assert plans[1].inputs == ("hidden",) and plans[2].in_shape == (16,)
    assert plans[0].relu and not plans[2].relu  # the last weighted layer is linear
    network = build_network(plans, np.random.default_rng(0))
    assert isinstance(network, Network) and isinstance(network.layers[1], _Identity)
    logits = network.forward(np.ones((2, 64), np.float32), lambda kind, x: x)
    assert logits.shape == (2, 10)


def test_a_kind_that_cannot_give_scores_may_not_end_the_network(monkeypatch):
    monkeypatch.setitem(TRAINABLE_KINDS._items, "dropout", _DropoutAsIdentity())
    with pytest.raises(ConfigError, match=r"layers\[1\]\(drop\).*last layer is 'dropout'; "
                                          r"it must be linear to give the 10 class scores"):
        plan_network(_workload([{**FC, "in_features": 64, "out_features": 16},
                                {"kind": "dropout", "name": "drop", "features": 16}]), "w.yaml")
