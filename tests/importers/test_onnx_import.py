"""ONNX import: ResNet-18, ResNet-50 and MobileNetV2 built node by node (tests/importers/onnxkit.py)
import to exactly the shipped YAML workloads, layer by layer, with their published forward MACs;
the operator table's variants; bad input gets one line, exit 2, and nothing written."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper

sys.path.insert(0, str(Path(__file__).parent))
import onnxkit
from testkit import cli_fails

from accelsim.cli import main
from accelsim.core.errors import ConfigError
from accelsim.core.yamlfile import validate
from accelsim.workload.importers.emit import write_workload
from accelsim.workload.importers.onnx_graph import import_model
from accelsim.workload.layers import Workload
from accelsim.workload.loader import load_workload

ROOT = Path(__file__).resolve().parents[2]
PUBLISHED = {"resnet18": 1_814_073_344, "resnet50": 4_089_184_256, "mobilenetv2": 300_774_272}
BUILDERS = {"resnet18": lambda: onnxkit.resnet(18), "resnet50": lambda: onnxkit.resnet(50),
            "mobilenetv2": onnxkit.mobilenet_v2}


def imported(model, batch=None) -> dict:
    return import_model(model, "test.onnx", "0" * 64, batch).workload


def raw_forward_macs(layer: dict) -> int:
    """Forward MACs of one layer mapping at batch 1, from its fields alone."""
    def out(size):
        return (size + 2 * layer.get("padding", 0) - layer["kernel"]) // layer.get("stride", 1) + 1
    kind = layer["kind"]
    if kind == "conv2d":
        return out(layer["in_h"]) * out(layer["in_w"]) * layer["in_channels"] \
            * layer["out_channels"] * layer["kernel"] ** 2
    if kind == "depthwise_conv2d":
        return out(layer["in_h"]) * out(layer["in_w"]) * layer["channels"] * layer["kernel"] ** 2
    if kind == "linear":
        return layer.get("tokens", 1) * layer["in_features"] * layer["out_features"]
    if kind == "gemm":
        return layer.get("count", 1) * layer["m"] * layer["k"] * layer["n"]
    return 0


def wired(workload: Workload) -> list[dict]:
    """Every layer's fields with its default input made explicit (the previous layer)."""
    out, previous = [], "input"
    for layer in workload.layers:
        d = layer.model_dump()
        d["input"] = d["input"] or previous
        out.append(d)
        previous = layer.name
    return out


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_cnn_imports_to_the_shipped_workload_exactly(name):
    data = imported(BUILDERS[name]())
    assert sum(raw_forward_macs(layer) for layer in data["layers"]) == PUBLISHED[name]
    got = validate(Workload, {"name": name, **data}, "test.onnx")
    shipped = load_workload(ROOT / "workloads" / f"{name}.yaml")
    assert wired(got) == wired(shipped)


def test_cli_writes_a_loadable_workload_with_provenance(tmp_path, capsys):
    model = onnxkit.with_weight_data(onnxkit.resnet(18))
    path = tmp_path / "resnet18.onnx"
    onnx.save(model, path)
    out = tmp_path / "r18.yaml"
    assert main(["import", str(path), "-o", str(out), "--batch", "4"]) == 0
    printed = capsys.readouterr().out
    assert "31 layers" in printed and "1,814,073,344 forward MACs" in printed
    assert "BatchNormalization ×20, Relu ×17" in printed
    text = out.read_text()
    assert text.startswith("# Imported by accelsim ") and "sha256" in text
    assert "BatchNormalization ×20" in text and "Flatten ×1" in text
    wl = load_workload(out)
    assert wl.name == "r18" and wl.batch == 4 and len(wl.layers) == 31
    out.write_text("stale")
    assert main(["import", str(path), "-o", str(out), "--batch", "4"]) == 0
    assert out.read_text() == text  # deterministic, and an existing file is replaced


def test_fixed_batch_is_the_default_and_shapes_are_per_sample():
    net = onnxkit.Net("b", [3, 8, 8], batch=6)
    x = net.conv_bn("input", "c", 3, 4, 3, pad=1)
    net.classifier(x, "fc", 4, 2)
    data = imported(net.model())
    assert data["batch"] == 6
    assert data["layers"][0]["in_h"] == 8 and data["layers"][-1]["in_features"] == 4
    assert imported(net.model(), batch=2)["batch"] == 2


def _transformer_block(t=16, d=32, heads=4):
    """One attention + MLP block as exported from PyTorch: MatMuls against weights, a split
    into heads by Reshape/Transpose, Q·Kᵀ and A·V between activations."""
    hd = d // heads
    net = onnxkit.Net("block", [t, d])
    ln = net.node("LayerNormalization", ["input", net.weight("ln.w", [d]),
                                         net.weight("ln.b", [d])], "ln_1", axis=-1)
    qkv = {}
    for p in "qkv":
        y = net.node("MatMul", [ln, net.weight(f"{p}.w", [d, d])], f"{p}_proj")
        y = net.node("Reshape", [y, net.const(f"{p}.shape", [0, t, heads, hd], "int64")],
                     f"{p}_split")
        perm = [0, 2, 3, 1] if p == "k" else [0, 2, 1, 3]
        qkv[p] = net.node("Transpose", [y], f"{p}_heads", perm=perm)
    s = net.node("MatMul", [qkv["q"], qkv["k"]], "scores")
    a = net.node("Softmax", [s], "softmax", axis=-1)
    c = net.node("MatMul", [a, qkv["v"]], "context")
    c = net.node("Transpose", [c], "merge", perm=[0, 2, 1, 3])
    c = net.node("Reshape", [c, net.const("m.shape", [0, t, d], "int64")], "merge_heads")
    o = net.node("MatMul", [c, net.weight("o.w", [d, d])], "o_proj")
    r = net.node("Add", [o, "input"], "residual")
    h = net.node("MatMul", [r, net.weight("fc.w", [d, 4 * d])], "fc")
    h = net.node("Add", [h, net.weight("fc.b", [4 * d])], "fc_bias")
    h = net.node("Gelu", [h], "gelu")
    net.node("MatMul", [h, net.weight("proj.w", [4 * d, d])], "proj")
    return net.model(opset=20)


def test_transformer_operators_map_to_transformer_layers():
    layers = {layer["name"]: layer for layer in imported(_transformer_block())["layers"]}
    assert list(layers) == ["ln_1", "q_proj", "k_proj", "v_proj", "scores", "softmax", "context",
                            "o_proj", "residual", "fc", "gelu", "proj"]
    assert layers["ln_1"] == {"kind": "layernorm", "name": "ln_1", "features": 32, "tokens": 16}
    assert layers["k_proj"] == {"kind": "linear", "name": "k_proj", "in_features": 32,
                                "out_features": 32, "tokens": 16, "input": "ln_1"}
    assert layers["scores"] == {"kind": "gemm", "name": "scores", "has_weights": False,
                                "count": 4, "m": 16, "k": 8, "n": 16, "input": "q_proj",
                                "input_b": "k_proj"}
    assert layers["softmax"]["features"] == 16 and layers["softmax"]["tokens"] == 4 * 16
    assert "input" not in layers["context"]  # the previous layer, softmax
    assert layers["context"]["input_b"] == "v_proj"
    assert (layers["context"]["m"], layers["context"]["k"], layers["context"]["n"]) == (16, 16, 8)
    assert layers["residual"] == {"kind": "add", "name": "residual", "channels": 32, "in_h": 16,
                                  "input_b": "input"}  # o_proj + the block input
    assert layers["gelu"] == {"kind": "gelu", "name": "gelu", "features": 128, "tokens": 16}


def test_transformer_block_is_a_runnable_workload(tmp_path):
    result = import_model(_transformer_block(), "block.onnx", "0" * 64)
    workload, macs = write_workload(result, tmp_path / "block.yaml", "accelsim import block.onnx")
    projections = 16 * 32 * 32 * 4 + 2 * 16 * 32 * 128  # q, k, v, o; fc, proj
    assert macs == projections + 2 * 4 * 16 * 16 * 8  # + Q·Kᵀ and A·V over 4 heads
    assert load_workload(tmp_path / "block.yaml") == workload


def _fused_attention(t=8, d=16, heads=2, mask=True, softmax=True):
    """GPT-2's attention as exported: one QKV projection split three ways, a scale, a causal
    mask (Where), the softmax and the context GEMM."""
    hd = d // heads
    net = onnxkit.Net("attn", [t, d])
    qkv = net.node("MatMul", ["input", net.weight("c_attn.w", [d, 3 * d])], "c_attn")
    split = net.const("split", [d, d, d], "int64")
    outs = ["q", "k", "v"]
    net.nodes.append(helper.make_node("Split", [qkv, split], outs, name="split", axis=-1))
    heads_of = {}
    for p in outs:
        y = net.node("Reshape", [p, net.const(f"{p}.s", [0, t, heads, hd], "int64")], f"{p}.r")
        heads_of[p] = net.node("Transpose", [y], f"{p}.t",
                               perm=[0, 2, 3, 1] if p == "k" else [0, 2, 1, 3])
    s = net.node("MatMul", [heads_of["q"], heads_of["k"]], "scores")
    s = net.node("Div", [s, net.const("scale", 8.0 ** 0.5)], "scale")
    if mask:
        s = net.node("Where", [net.const("causal", np.tril(np.ones((t, t))), np.bool_), s,
                               net.const("neg", -1e4)], "mask")
    if softmax:
        s = net.node("Softmax", [s], "softmax", axis=-1)
    c = net.node("MatMul", [s, heads_of["v"]], "attn")
    c = net.node("Transpose", [c], "merge", perm=[0, 2, 1, 3])
    c = net.node("Reshape", [c, net.const("m.s", [0, t, d], "int64")], "merge.r")
    net.node("MatMul", [c, net.weight("c_proj.w", [d, d])], "c_proj")
    return net.model(opset=17)


def test_fused_qkv_attention_is_one_attention_layer():
    result = import_model(_fused_attention(), "t.onnx", "0" * 64)
    layers = result.workload["layers"]
    assert [layer["kind"] for layer in layers] == ["linear", "attention", "linear"]
    assert layers[1] == {"kind": "attention", "name": "attn", "tokens": 8, "heads": 2,
                         "kv_heads": 2, "head_dim": 8, "causal": True, "skip_masked": False,
                         "fused": "none"}
    unmasked = import_model(_fused_attention(mask=False), "t.onnx", "0" * 64)
    assert unmasked.workload["layers"][1]["causal"] is False


def test_scores_without_softmax_are_reported():
    with pytest.raises(ConfigError) as info:
        import_model(_fused_attention(softmax=False), "t.onnx", "0" * 64)
    assert "context GEMM outside the attention pattern) ×1: attn" in str(info.value)
    assert "Q·Kᵀ of one projection without a softmax and context GEMM) ×1: scores" in \
        str(info.value)


def test_gather_from_a_table_is_an_embedding():
    net = onnxkit.Net("lm", [8])
    net.inputs = [helper.make_tensor_value_info("input", TensorProto.INT64, ["N", 8])]
    x = net.node("Gather", [net.weight("wte", [100, 16]), "input"], "wte")
    net.node("MatMul", [x, net.weight("w", [16, 4])], "head")
    layers = imported(net.model())["layers"]
    assert layers == [{"kind": "embedding", "name": "wte", "vocab": 100, "dim": 16, "tokens": 8},
                      {"kind": "linear", "name": "head", "in_features": 16, "out_features": 4,
                       "tokens": 8}]


def test_x_times_sigmoid_x_is_silu():
    net = onnxkit.Net("swish", [8, 4, 4])
    x = net.conv("input", "c", 8, 8, 1)
    s = net.node("Sigmoid", [x], "sig")
    net.node("Mul", [x, s], "swish")
    result = import_model(net.model(), "t.onnx", "0" * 64)
    assert result.workload["layers"][1] == {"kind": "silu", "name": "swish", "features": 8,
                                            "tokens": 16}
    assert not any("Sigmoid" in n for n in result.notes)


def test_every_unsupported_operator_is_listed_with_count_and_names():
    net = onnxkit.Net("odd", [4, 8, 8])
    a = net.conv("input", "grouped", 4, 4, 3, pad=1, group=2)
    b = net.node("Conv", [a, net.weight("w", [4, 4, 2, 2])], "lopsided", kernel_shape=[2, 2],
                 pads=[0, 0, 1, 1])
    c = net.node("Concat", [a, b], "cat1", axis=1)
    e = net.node("Erf", [c], "erf_a")
    net.node("Erf", [e], "erf_b")
    with pytest.raises(ConfigError) as info:
        imported(net.model())
    msg = str(info.value)
    assert "Concat ×1: cat1" in msg and "Erf ×2: erf_a, erf_b" in msg
    assert "Conv (group 2) ×1: grouped" in msg
    assert "Conv (asymmetric padding [0, 0, 1, 1]) ×1: lopsided" in msg
    assert len(msg.splitlines()) == 1


@pytest.mark.parametrize("content", [b"not an onnx model at all\n", b"\x08\x07\xff\xff\xff",
                                     b""])
def test_malformed_onnx_file(capsys, tmp_path, content):
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(content)
    out = tmp_path / "wl.yaml"
    err = cli_fails(capsys, "import", bad, "-o", out)
    assert str(bad) in err and "not a valid ONNX model" in err
    assert not out.exists()


def test_unsupported_operator_file_writes_nothing(capsys, tmp_path):
    net = onnxkit.Net("lstmish", [4, 8, 8])
    net.node("Erf", [net.conv("input", "c", 4, 4, 1)], "erf")
    path = tmp_path / "m.onnx"
    onnx.save(onnxkit.with_weight_data(net.model()), path)
    out = tmp_path / "wl.yaml"
    err = cli_fails(capsys, "import", path, "-o", out)
    assert "unsupported ONNX operators: Erf ×1: erf" in err
    assert not out.exists() and list(tmp_path.iterdir()) == [path]


@pytest.mark.parametrize("op, weight, expected", [
    ("Conv", [4, 5, 3, 3], "weight 'w' has 5×1 input channels, the input has 4"),
    ("MatMul", [5, 3], "shape inference failed")])
def test_inconsistent_graph_is_one_line(capsys, tmp_path, op, weight, expected):
    net = onnxkit.Net("bad", [4, 8, 8])
    attrs = {"kernel_shape": [3, 3]} if op == "Conv" else {}
    net.node(op, ["input", net.weight("w", weight)], "c", **attrs)
    path = tmp_path / "m.onnx"
    onnx.save(onnxkit.with_weight_data(net.model()), path)
    err = cli_fails(capsys, "import", path, "-o", tmp_path / "wl.yaml")
    assert expected in err and str(path) in err


def test_graph_without_data_input(tmp_path):
    w = helper.make_tensor("w", TensorProto.FLOAT, [2], [1.0, 2.0])
    node = helper.make_node("Relu", ["w"], ["y"], name="r")
    graph = helper.make_graph([node], "g", [], [helper.make_tensor_value_info(
        "y", TensorProto.FLOAT, [2])], [w])
    with pytest.raises(ConfigError, match="no data input"):
        imported(helper.make_model(graph))

