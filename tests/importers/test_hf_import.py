"""Hugging Face config import: the shipped GPT-2, BERT-base and Llama-2-7B configs lay out the
published models in the transformer layer kinds; a 2-layer GPT-2 imported from its config.json
equals one written by hand (identical layers.csv); bad configs get one line, exit 2, nothing
written."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from testkit import cli_fails

from accelsim.cli import main
from accelsim.core.errors import ConfigError
from accelsim.workload.importers.hf_config import import_workload

ROOT = Path(__file__).resolve().parents[2]
HF = ROOT / "workloads" / "hf"
BY_HAND = ROOT / "tests" / "data" / "importers" / "gpt2_2layer_by_hand.yaml"


def layers(config: str, **options) -> list[dict]:
    return import_workload(HF / config / "config.json", **options).workload["layers"]


def forward_macs(layer: dict) -> int:
    """Forward MACs per sample of one layer mapping, from its fields alone: a linear is
    tokens·in·out; attention is Q·Kᵀ (T·head_dim·T per head) plus A·V (T·T·head_dim per head)."""
    if layer["kind"] == "linear":
        return layer["tokens"] * layer["in_features"] * layer["out_features"]
    if layer["kind"] == "attention":
        return 2 * layer["heads"] * layer["tokens"] ** 2 * layer["head_dim"]
    return 0


def test_shipped_configs_have_the_published_dimensions():
    gpt2 = json.loads((HF / "gpt2" / "config.json").read_text())
    assert (gpt2["model_type"], gpt2["n_embd"], gpt2["n_layer"], gpt2["n_head"],
            gpt2["vocab_size"], gpt2["n_positions"]) == ("gpt2", 768, 12, 12, 50257, 1024)
    llama = json.loads((HF / "llama-2-7b" / "config.json").read_text())
    assert (llama["model_type"], llama["hidden_size"], llama["intermediate_size"],
            llama["num_hidden_layers"], llama["num_attention_heads"],
            llama["num_key_value_heads"], llama["vocab_size"],
            llama["max_position_embeddings"]) == ("llama", 4096, 11008, 32, 32, 32, 32000, 4096)
    bert = json.loads((HF / "bert-base" / "config.json").read_text())
    assert (bert["model_type"], bert["hidden_size"], bert["num_hidden_layers"],
            bert["num_attention_heads"], bert["intermediate_size"], bert["vocab_size"],
            bert["max_position_embeddings"], bert["type_vocab_size"]) == (
        "bert", 768, 12, 12, 3072, 30522, 512, 2)


def test_gpt2_124m_forward_macs_match_the_closed_form():
    """T·(12·L·d² + V·d) + 2·L·T²·d forward MACs (a training step is three times that)."""
    t, n_layer, d, v = 1024, 12, 768, 50257
    got = sum(forward_macs(layer) for layer in layers("gpt2"))
    assert got == t * (12 * n_layer * d ** 2 + v * d) + 2 * n_layer * t ** 2 * d
    assert 3 * got == 437_472_460_800


def test_gpt2_block_layout_and_weight_tying():
    got = layers("gpt2", seq=128, layers=2)
    assert [layer["kind"] for layer in got[:3]] == ["embedding", "embedding", "add"]
    block = [layer["kind"] for layer in got[3:13]]
    assert block == ["layernorm", "linear", "attention", "linear", "add", "layernorm", "linear",
                     "gelu", "linear", "add"]
    assert [layer["kind"] for layer in got[23:]] == ["layernorm", "linear", "cross_entropy"]
    by_name = {layer["name"]: layer for layer in got}
    assert by_name["h.0.attn"] == {"kind": "attention", "name": "h.0.attn", "tokens": 128,
                                   "heads": 12, "kv_heads": 12, "head_dim": 64, "causal": True,
                                   "skip_masked": False, "fused": "none"}
    assert by_name["lm_head"]["tied_to"] == "wte" and by_name["wpe"]["vocab"] == 1024
    assert by_name["h.1.attn_add"]["input_b"] == "h.0.mlp_add"  # the residual stream
    assert by_name["h.1.mlp_add"]["input_b"] == "h.1.attn_add"


def test_llama_fuses_qkv_and_gates_the_mlp():
    got = {layer["name"]: layer for layer in layers("llama-2-7b", seq=2048, layers=1)}
    assert got["layers.0.self_attn.qkv_proj"]["out_features"] == 3 * 4096
    assert got["layers.0.self_attn"]["kv_heads"] == 32 and got["layers.0.self_attn"]["causal"]
    assert got["layers.0.mlp.up_proj"]["input"] == "layers.0.post_attention_layernorm"
    swiglu = got["layers.0.mlp.swiglu"]
    assert (swiglu["input"], swiglu["input_b"], swiglu["features"]) == (
        "layers.0.mlp.gate_proj", "layers.0.mlp.up_proj", 11008)
    assert "tied_to" not in got["lm_head"] and got["lm_head"]["out_features"] == 32000
    assert got["norm"]["kind"] == "rmsnorm"


def test_llama_grouped_query_attention(tmp_path):
    config = json.loads((HF / "llama-2-7b" / "config.json").read_text())
    config.update(num_attention_heads=64, num_key_value_heads=8, hidden_size=8192)
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    got = {layer["name"]: layer for layer in import_workload(path, seq=16, layers=1)
           .workload["layers"]}
    assert got["layers.0.self_attn.qkv_proj"]["out_features"] == (64 + 2 * 8) * 128
    assert got["layers.0.self_attn"]["kv_heads"] == 8


def test_bert_is_bidirectional_with_a_tied_mlm_head():
    got = {layer["name"]: layer for layer in layers("bert-base", layers=1)}
    assert got["encoder.layer.0.attention.self"]["causal"] is False
    assert got["encoder.layer.0.attention.self"]["tokens"] == 512
    assert got["embeddings.token_type_embeddings"]["vocab"] == 2
    assert got["cls.predictions.decoder"]["tied_to"] == "embeddings.word_embeddings"
    assert got["encoder.layer.0.output.add"]["input_b"] == \
        "encoder.layer.0.attention.output.LayerNorm"


def _config(tmp_path, **changes) -> Path:
    data = json.loads((HF / "gpt2" / "config.json").read_text())
    for key, value in changes.items():
        if value is None:
            data.pop(key)
        else:
            data[key] = value
    path = tmp_path / "config.json"
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize("changes, expected", [
    ({"model_type": "t5"}, ("model_type: unknown model type 't5' (fix: accelsim imports the "
                            "model types bert, gpt2, llama)")),
    ({"model_type": None}, "model_type: missing 'model_type'"),
    ({"n_embd": None}, "n_embd: missing model dimension"),
    ({"n_head": 0}, "n_head: must be a positive whole number (got 0)"),
    ({"n_head": 7}, "n_head: the hidden size 768 is not a multiple of 7 heads"),
    ({"activation_function": "relu"}, "activation_function: activation 'relu' is not supported"),
])
def test_bad_config_is_one_line_and_writes_nothing(capsys, tmp_path, changes, expected):
    path = _config(tmp_path, **changes)
    out = tmp_path / "wl.yaml"
    err = cli_fails(capsys, "import", "--hf", path, "-o", out)
    assert f"{path}: {expected}" in err
    assert not out.exists()


def test_malformed_json_and_too_long_sequence(capsys, tmp_path):
    bad = tmp_path / "config.json"
    bad.write_text('{"model_type": "gpt2",\n "n_embd": 768,,}')
    err = cli_fails(capsys, "import", "--hf", bad, "-o", tmp_path / "wl.yaml")
    assert "malformed JSON" in err and "line 2" in err
    err = cli_fails(capsys, "import", "--hf", HF / "gpt2" / "config.json", "--seq", 2048, "-o",
                tmp_path / "wl.yaml")
    assert "--seq 2048 is longer than the model's n_positions (1024)" in err
    assert list(tmp_path.iterdir()) == [bad]


def test_hf_options_only_with_hf(capsys, tmp_path):
    err = cli_fails(capsys, "import", "--hf", HF / "gpt2" / "config.json", "--input-shape", "1,3",
                "-o", tmp_path / "wl.yaml")
    assert "--input-shape does not apply" in err
    err = cli_fails(capsys, "import", "m.onnx", "--hf", "gpt2", "-o", tmp_path / "wl.yaml")
    assert "give exactly one model source" in err
    assert list(tmp_path.iterdir()) == []


def wired(layer_list: list[dict]) -> list[dict]:
    """The layer mappings with the default input (the previous layer) written out."""
    out, previous = [], "input"
    for layer in layer_list:
        out.append({**layer, "input": layer.get("input", previous)})
        previous = layer["name"]
    return out


def test_import_equals_the_hand_written_layer_list():
    """The imported 2-layer GPT-2 is the hand-written one, layer for layer, field for field."""
    hand = yaml.safe_load(BY_HAND.read_text())
    got = import_workload(HF / "gpt2" / "config.json", seq=64, layers=2).workload
    assert wired(got["layers"]) == wired(hand["layers"])
    assert {k: v for k, v in got.items() if k != "layers"} == \
        {k: v for k, v in hand.items() if k not in ("layers", "name")}


def test_shipped_config_by_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = import_workload("bert-base", layers=1, seq=8)
    assert result.source.endswith("workloads/hf/bert-base/config.json")
    with pytest.raises(ConfigError, match="file not found"):
        import_workload("no-such-model")


def test_imported_and_hand_written_gpt2_give_identical_layers_csv(tmp_path, capsys):
    imported = tmp_path / "gpt2_2layer.yaml"
    assert main(["import", "--hf", str(HF / "gpt2" / "config.json"), "--layers", "2", "--seq",
                 "64", "-o", str(imported)]) == 0
    assert "3,388,784,640 forward MACs per sample" in capsys.readouterr().out
    for wl, out in ((imported, "imported"), (BY_HAND, "by_hand")):
        assert main(["run", "train128_sram", str(wl), "-o", str(tmp_path / out)]) == 0
    csv = (tmp_path / "imported" / "layers.csv").read_text()
    assert csv == (tmp_path / "by_hand" / "layers.csv").read_text()
    assert csv.count("\n") > 26 * 3


@pytest.mark.parametrize("name, config, options", [
    ("gpt2", "gpt2", ["--seq", "1024"]), ("bert_base", "bert-base", ["--seq", "512"]),
    ("llama2_7b", "llama-2-7b", ["--seq", "2048", "--batch", "1"])])
def test_shipped_transformer_workloads_are_the_importer_output(tmp_path, monkeypatch, name,
                                                                config, options):
    """workloads/{gpt2,bert_base,llama2_7b}.yaml are what the importer writes, byte for byte."""
    monkeypatch.chdir(ROOT)
    out = tmp_path / f"{name}.yaml"
    assert main(["import", "--hf", f"workloads/hf/{config}/config.json", *options,
                 "-o", str(out)]) == 0
    shipped = (ROOT / "workloads" / f"{name}.yaml").read_text()
    assert out.read_text() == shipped.replace(f"-o workloads/{name}.yaml", f"-o {out}")
