"""The shipped workloads load, chain shape-consistently, and have the published forward MACs.

The expected numbers are computed here from the raw YAML with an independent formula, and
compared with the published figures: ResNet-50 (torchvision v1.5) 4.09 GMACs, ResNet-18 1.81 G,
MobileNetV2 0.30 G, one BERT-base encoder layer at 128 tokens 0.93 G (12 layers ≈ 11.2 G); the
transformers, per sample: GPT-2 124M at 1024 tokens B·T·(12·L·d² + V·d) + 2·L·T²·d, BERT-base at
512 tokens (with its masked-LM head), Llama-2-7B at 2048 tokens (attention dense over the masked
half, ``skip_masked: false``).
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from accelsim.workload.layers import Add, Conv2d, DepthwiseConv2d, Gemm, Linear, Pool
from accelsim.workload.loader import load_workload

pytestmark = [pytest.mark.smoke, pytest.mark.reference]  # published MACs

WORKLOADS = Path(__file__).resolve().parents[2] / "workloads"

EXPECTED = {  # file: (layers, forward MACs at batch 1)
    "resnet18": (31, 1_814_073_344),  # 20 conv, 2 pool, 8 add, 1 linear
    "resnet50": (72, 4_089_184_256),  # 53 conv, 2 pool, 16 add, 1 linear
    "mobilenetv2": (64, 300_774_272),  # 35 conv, 17 depthwise, 10 add, 1 pool, 1 linear
    "bert_base_encoder": (10, 931_135_488),
    "gpt2": (126, 1024 * (12 * 12 * 768 ** 2 + 50257 * 768) + 2 * 12 * 1024 ** 2 * 768),
    "bert_base": (131, 512 * (12 * (4 * 768 ** 2 + 2 * 768 * 3072) + 768 ** 2 + 768 * 30522)
                  + 2 * 12 * 512 ** 2 * 768),
    "llama2_7b": (356, 2048 * (32 * (4 * 4096 ** 2 + 3 * 4096 * 11008) + 4096 * 32000)
                  + 2 * 32 * 2048 ** 2 * 4096),
}


def _out(size: int, d: dict) -> int:
    return (size + 2 * d.get("padding", 0) - d["kernel"]) // d.get("stride", 1) + 1


def raw_macs(d: dict) -> int:
    """Forward MACs of one raw YAML layer at batch 1 (independent of accelsim's lowering)."""
    kind = d["kind"]
    if kind == "conv2d":
        return _out(d["in_h"], d) * _out(d["in_w"], d) * d["in_channels"] * d["out_channels"] \
            * d["kernel"] ** 2
    if kind == "depthwise_conv2d":
        return _out(d["in_h"], d) * _out(d["in_w"], d) * d["channels"] * d["kernel"] ** 2
    if kind == "linear":
        return d.get("tokens", 1) * d["in_features"] * d["out_features"]
    if kind == "gemm":
        return d.get("count", 1) * d["m"] * d["k"] * d["n"]
    if kind == "attention":  # Q·Kᵀ and A·V per head, dense
        return 2 * d["heads"] * d["tokens"] ** 2 * d["head_dim"]
    return 0  # vector-unit layers: no MACs


def layer_macs(layer) -> int:
    """The same from accelsim's parsed layer objects."""
    if isinstance(layer, Conv2d):
        return layer.out_h * layer.out_w * layer.in_channels * layer.out_channels \
            * layer.kernel_h * layer.kernel_w
    if isinstance(layer, DepthwiseConv2d):
        return layer.out_h * layer.out_w * layer.channels * layer.kernel_h * layer.kernel_w
    if isinstance(layer, Linear):
        return layer.tokens * layer.in_features * layer.out_features
    if isinstance(layer, Gemm):
        return layer.count * layer.m * layer.k * layer.n
    if layer.kind == "attention":
        return 2 * layer.heads * layer.tokens ** 2 * layer.head_dim
    return 0  # vector-unit layers: no MACs


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_layer_count_and_forward_macs(name):
    path = WORKLOADS / f"{name}.yaml"
    raw = yaml.safe_load(path.read_text())["layers"]
    wl = load_workload(path)
    layers, macs = EXPECTED[name]
    assert len(wl.layers) == len(raw) == layers
    assert sum(raw_macs(d) for d in raw) == macs
    assert sum(layer_macs(layer) for layer in wl.layers) == macs
    assert wl.batch == 1


def _shape_out(layer) -> tuple:
    if isinstance(layer, Conv2d):
        return (layer.out_channels, layer.out_h, layer.out_w)
    if isinstance(layer, (DepthwiseConv2d, Pool)):
        return (layer.channels, layer.out_h, layer.out_w)
    if isinstance(layer, Add):
        return (layer.channels, layer.in_h, layer.in_w)
    if isinstance(layer, Linear):
        return (layer.tokens * layer.out_features,)
    return (layer.output_elements(),)


def _shape_in(layer) -> tuple:
    if isinstance(layer, Conv2d):
        return (layer.in_channels, layer.in_h, layer.in_w)
    if isinstance(layer, (DepthwiseConv2d, Pool, Add)):
        return (layer.channels, layer.in_h, layer.in_w)
    if isinstance(layer, Linear):
        return (layer.tokens * layer.in_features,)
    return (layer.input_elements(),)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_layer_reads_what_its_producer_writes(name):
    wl = load_workload(WORKLOADS / f"{name}.yaml")
    by_name = {layer.name: layer for layer in wl.layers}
    for prev, layer in zip(wl.layers, wl.layers[1:]):
        if layer.input == "input":  # reads the workload's input, like the first layer
            assert layer.input_elements() == wl.layers[0].input_elements(), layer.name
            continue
        producer = by_name[layer.input] if layer.input else prev
        got, want = _shape_out(producer), _shape_in(layer)
        if len(got) != len(want):  # spatial map into a linear layer (after global pooling)
            got, want = (producer.output_elements(),), (layer.input_elements(),)
        if isinstance(layer, Add) and layer.input_b != "input":  # summands: the sum's size
            assert by_name[layer.input_b].output_elements() == layer.input_elements(), layer.name
        if isinstance(layer, Gemm) and not layer.has_weights:
            # attention: operand A from 'input', operand B from 'input_b', per head
            b = by_name[layer.input_b]
            assert producer.output_elements() == layer.count * layer.m * layer.k, layer.name
            assert b.output_elements() == layer.count * layer.k * layer.n, layer.name
            continue
        assert got == want, f"{layer.name} reads {want} but {producer.name} writes {got}"


def test_resnet50_is_torchvision_v15():
    wl = load_workload(WORKLOADS / "resnet50.yaml")
    convs = [layer for layer in wl.layers if isinstance(layer, Conv2d)]
    assert (convs[0].kernel_h, convs[0].stride, convs[0].padding) == (7, 2, 3)
    strided = [c.name for c in convs if c.stride == 2]
    assert strided == ["conv1", "layer2.0.conv2", "layer2.0.downsample", "layer3.0.conv2",
                       "layer3.0.downsample", "layer4.0.conv2", "layer4.0.downsample"]
    downsample = [c for c in convs if c.name.endswith("downsample")]
    assert [c.input for c in downsample] == ["maxpool", "layer1.2.add", "layer2.3.add",
                                             "layer3.5.add"]
    adds = [layer for layer in wl.layers if layer.kind == "add"]
    assert len(adds) == 16  # one residual addition per bottleneck block
    assert [a.input_b for a in adds[:2]] == ["layer1.0.downsample", "layer1.0.add"]
    assert wl.layers[-1].in_features == 2048 and wl.layers[-1].out_features == 1000
    assert isinstance(wl.layers[-2], Pool) and wl.layers[-2].out_h == 1


def test_mobilenetv2_uses_depthwise_layers():
    wl = load_workload(WORKLOADS / "mobilenetv2.yaml")
    dws = [layer for layer in wl.layers if isinstance(layer, DepthwiseConv2d)]
    assert len(dws) == 17
    assert all(d.kernel_h == 3 and d.padding == 1 for d in dws)
    assert [d.stride for d in dws].count(2) == 4


def test_bert_encoder_has_the_real_operators():
    wl = load_workload(WORKLOADS / "bert_base_encoder.yaml")
    assert [layer.kind for layer in wl.layers] == [
        "linear", "attention", "linear", "add", "layernorm", "linear", "gelu", "linear", "add",
        "layernorm"]
    attn = wl.layers[1]
    assert (attn.heads, attn.kv, attn.head_dim, attn.tokens, attn.causal) == (12, 12, 64, 128,
                                                                             False)
    weights = sum(layer.weight_elements() for layer in wl.layers)
    # BERT-base encoder layer, biases excluded: 4 d² + 2 d·ffn, two layernorms of 2 d
    assert weights == 4 * 768 * 768 + 2 * 768 * 3072 + 2 * 2 * 768
