"""Bad input: every case exits 2 with one stderr line naming the file, the line or field, and
what would be valid; never a traceback."""
from __future__ import annotations

from pathlib import Path

import pytest

from accelsim.cli import main

SCALESIM = Path(__file__).resolve().parents[1] / "data" / "scalesim"
SPARSITY_CFG = SCALESIM / "configs" / "sparsity.cfg"
CALC_CFG = SCALESIM / "configs" / "sa32_ws_calc.cfg"
TOPOLOGY = SCALESIM / "topologies" / "synthetic_gemm.csv"

CONV = "{kind: conv2d, name: c1, in_h: 8, in_w: 8, in_channels: 3, out_channels: 4, kernel: 3"
HW = """name: h
arrays: [{rows: 4, cols: 4, dataflow: ws}]
scratchpad: [{name: b, capacity_bytes: 1024, holds: [ifmap, filter, ofmap]}]
"""
CSV_HEADER = ("Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, "
              "Num Filter, Strides,\n")


def workload(tmp_path: Path, layer: str, extra: str = "", name: str = "wl.yaml") -> Path:
    p = tmp_path / name
    p.write_text(f"name: t\n{extra}layers:\n  - {layer}\n")
    return p


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def fails(capsys, *argv) -> str:
    """Run the CLI; it must exit 2 with exactly one stderr line and no traceback."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    assert "Traceback" not in out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("accelsim: error: ")
    return lines[0]


# --- missing file ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["missing.yaml", "missing.cfg", "missing.csv"])
def test_missing_file(capsys, tmp_path, name):
    msg = fails(capsys, "validate", tmp_path / name)
    assert str(tmp_path / name) in msg and "file not found" in msg and "fix:" in msg


def test_run_missing_file(capsys, tmp_path):
    msg = fails(capsys, "run", tmp_path / "nope.yaml", TOPOLOGY, "-o", tmp_path / "out")
    assert "nope.yaml" in msg and "file not found" in msg


def test_unknown_file_type(capsys, tmp_path):
    msg = fails(capsys, "validate", write(tmp_path, "hw.txt", "x"))
    assert "hw.txt" in msg and "fix:" in msg


# --- malformed YAML ----------------------------------------------------------------------------

def test_malformed_yaml_names_line_and_column(capsys, tmp_path):
    p = write(tmp_path, "bad.yaml", "name: t\nlayers:\n  - kind: conv2d\n   name: c1\n")
    msg = fails(capsys, "validate", p)
    assert "bad.yaml" in msg and "malformed YAML" in msg and "line 4" in msg and "fix:" in msg


def test_yaml_that_is_neither(capsys, tmp_path):
    msg = fails(capsys, "validate", write(tmp_path, "x.yaml", "name: t\n"))
    assert "'arrays'" in msg and "'layers'" in msg


# --- unknown key: the message lists the valid ones ---------------------------------------------

def test_unknown_top_level_key(capsys, tmp_path):
    p = workload(tmp_path, CONV + "}", extra="batchsize: 4\n")
    msg = fails(capsys, "validate", p)
    assert "unknown key 'batchsize'" in msg and "valid keys here: batch, batch_norm, formats," in msg
    assert "layers" in msg


def test_unknown_layer_key(capsys, tmp_path):
    msg = fails(capsys, "validate", workload(tmp_path, CONV + ", dilation: 2}"))
    assert "layers[0](c1)" in msg and "'dilation'" in msg
    assert "in_channels" in msg and "stride" in msg


def test_unknown_key_of_a_linear_layer_lists_linear_keys(capsys, tmp_path):
    layer = "{kind: linear, name: fc, in_features: 8, out_feature: 4}"
    msg = fails(capsys, "validate", workload(tmp_path, layer))
    assert "'out_feature'" in msg and "out_features" in msg and "in_channels" not in msg


def test_unknown_hardware_key(capsys, tmp_path):
    p = write(tmp_path, "hw.yaml", HW.replace("holds:", "bankz: 2, holds:"))
    msg = fails(capsys, "validate", p)
    assert "scratchpad[0](b).bankz" in msg and "banks" in msg and "ports_per_bank" in msg


def test_unknown_cfg_key(capsys, tmp_path):
    p = write(tmp_path, "a.cfg", CALC_CFG.read_text().replace("ArrayWidth", "ArrayWidht"))
    msg = fails(capsys, "validate", p)
    assert "[architecture_presets] arraywidht" in msg and "ArrayWidth" in msg


@pytest.mark.parametrize("dram,where,what", [
    ("{preset: hbm2, mapping: rorabgbach}", "dram", "ch ra bg ba ro co"),
    ("{preset: hbm2, rw_queue: both}", "dram.rw_queue", "'unified' or 'split'"),
    ("{preset: hbm2, tccd_l_ck: -1}", "dram.tccd_l_ck", "outside the plausible range [0, "),
])
def test_bad_dram_field_names_it(capsys, tmp_path, dram, where, what):
    msg = fails(capsys, "validate", write(tmp_path, "hw.yaml", HW + f"dram: {dram}\n"))
    assert f"hw.yaml: {where}" in msg and what in msg


# --- zero or negative dimension ----------------------------------------------------------------

def test_zero_channels(capsys, tmp_path):
    msg = fails(capsys, "validate", workload(tmp_path, CONV.replace("in_channels: 3",
                                                                    "in_channels: 0") + "}"))
    assert "layers[0](c1).in_channels" in msg and "outside the plausible range [1, " in msg


def test_negative_array_rows(capsys, tmp_path):
    msg = fails(capsys, "validate", write(tmp_path, "hw.yaml", HW.replace("rows: 4", "rows: -2")))
    assert "arrays[0].rows" in msg and "outside the plausible range [1, 4096]" in msg


def test_zero_dimension_in_topology(capsys, tmp_path):
    msg = fails(capsys, "validate", write(tmp_path, "t.csv", CSV_HEADER + "a,8,8,3,3,0,4,1,\n"))
    assert "line 2" in msg and "'Channels'" in msg and "positive whole number" in msg


def test_zero_sram_in_cfg(capsys, tmp_path):
    p = write(tmp_path, "a.cfg", CALC_CFG.read_text().replace("OfmapSramSzkB:   64",
                                                              "OfmapSramSzkB: 0"))
    msg = fails(capsys, "validate", p)
    assert "[architecture_presets] OfmapSramSzkB" in msg and "positive" in msg


# --- a field that is not a number --------------------------------------------------------------

def test_non_numeric_yaml_field(capsys, tmp_path):
    msg = fails(capsys, "validate", workload(tmp_path, CONV.replace("in_h: 8", "in_h: eight") + "}"))
    assert "layers[0](c1).in_h" in msg and "expected a whole number" in msg and "'eight'" in msg


def test_non_numeric_topology_field(capsys, tmp_path):
    msg = fails(capsys, "validate", write(tmp_path, "g.csv", "Layer, M, N, K,\ng, 64, x, 8,\n"))
    assert "g.csv" in msg and "line 2" in msg and "'N'" in msg and "'x'" in msg


def test_non_numeric_cfg_field(capsys, tmp_path):
    p = write(tmp_path, "a.cfg", CALC_CFG.read_text().replace("ArrayHeight:    32",
                                                              "ArrayHeight: 3 2"))
    msg = fails(capsys, "validate", p)
    assert "[architecture_presets] ArrayHeight" in msg and "'3 2'" in msg


# --- geometry: filter larger than the padded input, stride without output ----------------------

def test_filter_larger_than_padded_input(capsys, tmp_path):
    layer = CONV.replace("kernel: 3", "kernel: 11") + ", padding: 1}"
    msg = fails(capsys, "validate", workload(tmp_path, layer))
    assert "layers[0](c1)" in msg and "11x11" in msg and "10x10" in msg and "padding" in msg


def test_filter_larger_than_topology_ifmap(capsys, tmp_path):
    msg = fails(capsys, "validate", write(tmp_path, "t.csv", CSV_HEADER + "a,4,4,5,5,1,1,1,\n"))
    assert "line 2" in msg and "larger than" in msg and "fix:" in msg


def test_stride_that_leaves_no_output(capsys, tmp_path):
    # floor((H + 2p − R)/s) + 1 >= 1 whenever the filter fits, so the only stride without an
    # output is a non-positive one
    msg = fails(capsys, "validate", workload(tmp_path, CONV + ", stride: 0}"))
    assert "layers[0](c1).stride" in msg and "outside the plausible range [1, 1024]" in msg


def test_topology_stride_zero(capsys, tmp_path):
    msg = fails(capsys, "validate", write(tmp_path, "t.csv", CSV_HEADER + "a,8,8,3,3,1,1,0,\n"))
    assert "line 2" in msg and "'Strides'" in msg


# --- SCALE-Sim CSV quirks that accelsim rejects ------------------------------------------------

@pytest.mark.parametrize("row,where,what", [
    ("Conv1,224,224,7,7,3,64,2,,,110,110,12100", "line 2, column 11", "extra field '110'"),
    ("Conv1,224,224,7,7,3,64", "line 2", "7 fields, expected 8"),
    ("Conv1,224,224,7,7,3,64,2,3:4,", "line 2, column 9", "does not model sparsity"),
    ("Conv1,224,224,7,7,3,64,2,1:4:2,", "line 2, column 9", "extra field"),
])
def test_rejected_topology_quirks(capsys, tmp_path, row, where, what):
    msg = fails(capsys, "validate", write(tmp_path, "t.csv", CSV_HEADER + row + "\n"))
    assert "t.csv" in msg and where in msg and what in msg and "fix:" in msg


def test_gemm_header_in_another_order(capsys, tmp_path):
    msg = fails(capsys, "validate", write(tmp_path, "g.csv", "Layer, M, K, N,\ng, 1, 2, 3,\n"))
    assert "line 1" in msg and "name, M, N, K" in msg


# --- sparsity on -------------------------------------------------------------------------------

def test_sparsity_cfg_is_rejected(capsys):
    msg = fails(capsys, "validate", SPARSITY_CFG)
    assert "sparsity.cfg" in msg and "does not model sparsity" in msg
    assert "SparsitySupport: false" in msg


def test_run_with_sparsity_cfg_exits_2(capsys, tmp_path):
    msg = fails(capsys, "run", SPARSITY_CFG, TOPOLOGY, "--phases", "forward", "-o", tmp_path / "o")
    assert "does not model sparsity" in msg
    assert not (tmp_path / "o" / "layers.csv").exists()


# --- a tile that cannot fit in its buffer ------------------------------------------------------

TINY = """name: tiny
arrays: [{rows: 32, cols: 32, dataflow: ws}]
scratchpad: [{name: b, capacity_bytes: 256, word_bytes: 1, holds: [ifmap, filter, ofmap]}]
dram: {preset: ideal}
"""


def test_tile_that_does_not_fit(capsys, tmp_path):
    hw = write(tmp_path, "tiny.yaml", TINY)
    msg = fails(capsys, "run", hw, TOPOLOGY, "--phases", "forward", "-o", tmp_path / "o")
    assert "scratchpad.b.capacity_bytes" in msg and "raise capacity_bytes to at least" in msg


def test_tile_that_does_not_fit_names_the_file(capsys, tmp_path):
    hw = write(tmp_path, "tiny.yaml", TINY)
    assert "tiny.yaml" in fails(capsys, "run", hw, TOPOLOGY, "--phases", "forward",
                                "-o", tmp_path / "o")


# --- transformer kinds ---------------------------------------------------------------------------

QKV = "{kind: linear, name: qkv, tokens: 8, in_features: 8, out_features: 24, input: input}"


@pytest.mark.parametrize("layer, words", [
    ("{kind: attention, name: a, tokens: 8, heads: 4, kv_heads: 3, head_dim: 2}",
     "heads 4 is not a multiple of kv_heads 3"),
    ("{kind: attention, name: a, tokens: 8, heads: 4, head_dim: 2, causal: false, "
     "skip_masked: true}", "skip_masked needs causal: true"),
    ("{kind: attention, name: a, tokens: 8, heads: 4, head_dim: 2, skip_masked: true, "
     "mask_block: 3}", "not a multiple of mask_block 3"),
    ("{kind: linear, name: head, tokens: 8, in_features: 24, out_features: 8, tied_to: qkv}",
     "not an earlier embedding layer"),
    ("{kind: dropout, name: d, features: 24, tokens: 8, p: 1.5}", "layers[1](d).p"),
])
def test_bad_transformer_layer(capsys, tmp_path, layer, words):
    p = tmp_path / "wl.yaml"
    p.write_text(f"name: t\nlayers:\n  - {QKV}\n  - {layer}\n")
    msg = fails(capsys, "validate", p)
    assert str(p) in msg and words in msg, msg


def test_attention_on_the_workload_input(capsys, tmp_path):
    p = workload(tmp_path, "{kind: attention, name: a, tokens: 8, heads: 4, head_dim: 2}")
    msg = fails(capsys, "graph", p, "-o", tmp_path / "g.json")
    assert "layers.a.input" in msg and "fused QKV projection" in msg
