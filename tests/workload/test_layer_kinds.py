"""Each layer kind is one registered class carrying its lowering, its tensor edges and its
validation; the workload's layer union is built from the registry."""
import pkgutil
import typing

import pytest

from accelsim.workload import kinds
from accelsim.workload.kinds.base import LAYER_KINDS
from accelsim.workload.layers import Layer
from accelsim.workload.lowering import GemmShape, VectorWork

EXAMPLES = {
    "conv2d": dict(in_h=8, in_w=8, kernel=3, in_channels=4, out_channels=6, padding=1),
    "depthwise_conv2d": dict(in_h=8, in_w=8, kernel=3, channels=4, stride=2, padding=1),
    "pool": dict(in_h=8, in_w=8, kernel=2, stride=2, channels=4),
    "linear": dict(in_features=10, out_features=3, tokens=2),
    "gemm": dict(m=4, k=5, n=6, count=2),
    "add": dict(channels=4, in_h=2, in_w=2, input_b="x"),
}
NAMES = {"in", "in_b", "out", "err", "err_in", "err_in_b", "weight", "wgrad"}


def test_every_kind_module_registers_and_joins_the_union():
    modules = {m.name for m in pkgutil.iter_modules(kinds.__path__)} - {"base"}
    registered = {LAYER_KINDS.get(k).__module__.rsplit(".", 1)[1] for k in LAYER_KINDS.names()}
    assert modules == registered
    union = typing.get_args(typing.get_args(Layer)[0])
    assert {cls.model_fields["kind"].default for cls in union} == set(LAYER_KINDS.names())


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_kind_contract(kind):
    layer = LAYER_KINDS.get(kind)(name="x1", **EXAMPLES[kind])
    assert set(LAYER_KINDS.names()) >= set(EXAMPLES)
    for first in (True, False):
        phases = layer.phases(first)
        assert phases[0] == "forward" and ("backward_data" in phases) == (not first)
        assert ("update" in phases) == layer.has_weights
        for phase in phases:
            if phase == "update":
                continue
            work = layer.lower(phase, batch=3)
            assert isinstance(work, (GemmShape, VectorWork))
            io = layer.io(phase)
            for ref, role in io.reads + io.writes:
                assert ref in NAMES or ref.removeprefix("saved:") in layer.saved()
                assert role in ("ifmap", "filter", "ofmap")
    assert (layer.weight_matrix() is not None) == (layer.has_weights and kind != "pool")


def test_conv_lowering_by_hand():
    conv = LAYER_KINDS.get("conv2d")(name="c", **EXAMPLES["conv2d"])
    assert conv.lower("forward", 2) == GemmShape(2 * 64, 4 * 9, 6)
    assert conv.lower("backward_data", 2) == GemmShape(2 * 64, 6 * 9, 4)
    assert conv.lower("backward_weight", 2) == GemmShape(4 * 9, 2 * 64, 6)


def test_weight_free_gemm_writes_both_operand_errors():
    g = LAYER_KINDS.get("gemm")(name="s", m=4, k=5, n=6, has_weights=False)
    assert g.phases(False) == ("forward", "backward_data", "backward_weight")
    assert g.io("backward_weight").writes == (("err_in_b", "ofmap"),)
    assert g.weight_matrix() is None
