"""MACs of every layer and phase of the ResNet-50 training graph equal docs/design.md §3's closed
forms, computed here independently from the layer shapes."""
import pytest

from accelsim.api import load_graph
from accelsim.workload.graph import op_nodes
from accelsim.workload.loader import load_workload
from accelsim.workload.lowering import work_from_dict

pytestmark = pytest.mark.closed_form


def _closed_form(layer, phase, n):
    if layer.kind == "conv2d":
        C, K, R, S = layer.in_channels, layer.out_channels, layer.kernel_h, layer.kernel_w
        P, Q, H, W = layer.out_h, layer.out_w, layer.in_h, layer.in_w
        return {"forward": n * P * Q * C * R * S * K,
                "backward_data": n * H * W * K * R * S * C,
                "backward_weight": C * R * S * n * P * Q * K, "update": 0}[phase]
    if layer.kind == "linear":
        return 0 if phase == "update" else n * layer.tokens * layer.in_features * \
            layer.out_features
    return 0  # pooling runs on the vector unit


def test_resnet50_training_macs(root):
    wl = load_workload(root / "workloads/resnet50.yaml")
    g = load_graph(root / "workloads/resnet50.yaml", "training", batch=4)
    layers = {layer.name: layer for layer in wl.layers}
    seen = 0
    for op in op_nodes(g):
        node = g.nodes[op]
        macs = work_from_dict(node["work"]).macs
        assert macs == _closed_form(layers[node["layer"]], node["phase"], 4), op
        seen += 1
    convs = sum(1 for layer in wl.layers if layer.kind == "conv2d")
    assert convs == 53
    first = wl.layers[0].name
    assert f"{first}/backward_data" not in g  # the first layer needs no input gradient
    # stride-1 'same' convolutions: backward_data does exactly the forward MACs
    for layer in wl.layers:
        if layer.kind == "conv2d" and layer.stride == 1 and layer.out_h == layer.in_h \
                and layer.name != first:
            assert _closed_form(layer, "backward_data", 1) == _closed_form(layer, "forward", 1)
    assert seen > 150
