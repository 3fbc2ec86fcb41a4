"""--torch: a PyTorch module built on the meta device, exported to ONNX and read by the ONNX
importer. Needs the optional [torch] extra (torch, onnxscript); skipped without it."""
from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("onnxscript")

from accelsim.cli import main
from accelsim.core.errors import ConfigError
from accelsim.workload.importers.torch_module import import_workload
from accelsim.workload.loader import load_workload

HERE = Path(__file__).parent


@pytest.fixture(autouse=True)
def _models_on_path(monkeypatch):
    monkeypatch.syspath_prepend(str(HERE))


def test_small_resnet_through_the_cli(tmp_path, capsys):
    out = tmp_path / "small.yaml"
    assert main(["import", "--torch", "torch_models:small_resnet", "--input-shape", "2,3,32,32",
                 "-o", str(out)]) == 0
    assert "405,664 forward MACs per sample, batch 2" in capsys.readouterr().out
    wl = load_workload(out)
    got = [(layer.kind, layer.name) for layer in wl.layers]
    assert got == [("conv2d", "0"), ("pool", "3"), ("conv2d", "4.conv1"), ("conv2d", "4.conv2"),
                   ("add", "4.add"), ("pool", "5"), ("linear", "7")]
    add = wl.layers[4]
    assert (add.input, add.input_b) == (None, "3")  # conv2 (the previous layer) + the block input
    assert wl.layers[5].kernel_h == 8 and wl.layers[5].mode == "avg"  # AdaptiveAvgPool2d(1)


def test_transformer_block_becomes_attention_and_swiglu():
    """A fused-QKV attention written out (split, Q·Kᵀ, softmax, ·V) is one attention layer;
    down(silu(gate) · up) is a swiglu; linear biases are fused."""
    result = import_workload("torch_models:transformer_block", input_shape="1,16,32")
    got = [(layer["kind"], layer["name"]) for layer in result.workload["layers"]]
    assert got == [("layernorm", "ln_1"), ("linear", "attn.qkv"), ("attention", "attn.matmul_1"),
                   ("linear", "attn.proj"), ("add", "add"), ("layernorm", "ln_2"),
                   ("linear", "mlp.gate"), ("linear", "mlp.up"), ("swiglu", "mlp.mul"),
                   ("linear", "mlp.down"), ("add", "add_1")]
    attn = result.workload["layers"][2]
    assert (attn["tokens"], attn["heads"], attn["head_dim"], attn["causal"]) == (16, 4, 8, False)
    swiglu = result.workload["layers"][8]
    assert (swiglu["input"], swiglu["input_b"]) == ("mlp.gate", "mlp.up")


def test_meta_device_materialises_no_weights():
    """2 × 2.5 G parameters import without allocating them."""
    result = import_workload("torch_models:huge_mlp", input_shape="1,50000")
    kinds = [(layer["kind"], layer.get("in_features")) for layer in result.workload["layers"]]
    assert kinds == [("linear", 50_000), ("gelu", None), ("linear", 50_000)]


@pytest.mark.parametrize("spec, shape, expected", [
    ("torch_models", "1,3", "is not module:callable"),
    ("no_such_module_xyz:f", "1,3", "cannot import 'no_such_module_xyz'"),
    ("torch_models:missing", "1,3", "has no attribute 'missing'"),
    ("torch_models:not_a_module", "1,3", "returned a int, not a torch.nn.Module"),
    ("torch_models:small_resnet", "1,x", "not a shape"),
    ("torch_models:small_resnet", None, "needs --input-shape"),
])
def test_bad_torch_source(spec, shape, expected):
    with pytest.raises(ConfigError, match=expected):
        import_workload(spec, input_shape=shape)
