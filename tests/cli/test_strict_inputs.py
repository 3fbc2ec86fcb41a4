"""The cases of issue 15: each is bad input that used to run silently, crash or run for hours,
and now exits 2 with one line naming the file, the field or option, and the fix."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from accelsim.cli import main
from test_bad_input import fails

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "hw_configs" / "tiny8_ws.yaml"
MLP = ROOT / "workloads" / "digits_mlp.yaml"
HW = """name: h
arrays: [{rows: 4, cols: 4, dataflow: ws}]
scratchpad: [{name: b, capacity_bytes: 1024, holds: [ifmap, filter, ofmap]}]
"""


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(text if isinstance(text, bytes) else text.encode())
    return p


# --- strict loading ------------------------------------------------------------------------

def test_duplicate_key_names_file_line_and_key(capsys, tmp_path):
    p = write(tmp_path, "hw.yaml", HW.replace("arrays: [{rows: 4,",
                                              "arrays: [{rows: 8, rows: 16,"))
    msg = fails(capsys, "validate", p)
    assert str(p) in msg and "line 2" in msg and "'rows' appears twice" in msg


def test_duplicate_top_level_key(capsys, tmp_path):
    p = write(tmp_path, "hw.yaml", HW + "name: again\n")
    msg = fails(capsys, "validate", p)
    assert "line 4" in msg and "first on line 1" in msg


@pytest.mark.parametrize("value, said", [("true", "boolean true"), ("yes", "boolean true"),
                                         ('"4"', "text '4'"), ("4.0", "whole number"),
                                         ("1e6", "1.0e+6")])
def test_a_number_must_be_a_number(capsys, tmp_path, value, said):
    p = write(tmp_path, "hw.yaml", HW.replace("rows: 4", f"rows: {value}"))
    msg = fails(capsys, "validate", p)
    assert "arrays[0].rows" in msg and said in msg


def test_a_1_pib_scratchpad_is_out_of_range(capsys, tmp_path):
    p = write(tmp_path, "hw.yaml", HW.replace("capacity_bytes: 1024", f"capacity_bytes: {2**50}"))
    msg = fails(capsys, "validate", p)
    assert "capacity_bytes" in msg and "[1, 2^36] B" in msg and "docs/inputs.md" in msg


def test_an_infinite_clock_is_blamed_on_the_clock(capsys, tmp_path):
    msg = fails(capsys, "validate", write(tmp_path, "hw.yaml", HW + "clock_ghz: .inf\n"))
    assert "clock_ghz" in msg and "inf" in msg and "energy" not in msg


def test_infinite_dram_latency_is_an_error_not_an_overflow(capsys, tmp_path):
    p = write(tmp_path, "hw.yaml", HW + "dram: {preset: hbm2, latency_ns: .inf}\n")
    msg = fails(capsys, "run", p, MLP, "-o", tmp_path / "out")
    assert "dram.latency_ns" in msg and "plausible range" in msg


def test_empty_file(capsys, tmp_path):
    msg = fails(capsys, "validate", write(tmp_path, "hw.yaml", ""))
    assert "empty" in msg and "fix:" in msg


def test_a_latin1_byte_gives_line_and_hint(capsys, tmp_path):
    msg = fails(capsys, "validate", write(tmp_path, "hw.yaml", HW.encode() + b"# caf\xe9\n"))
    assert "line 4" in msg and "0xe9" in msg and "UTF-8" in msg


def test_technology_override_and_energy_table_ranges(capsys, tmp_path):
    hw = HW.replace("holds: [", "technology_overrides: {leakage_mw: 1.0e+12}, holds: [")
    msg = fails(capsys, "validate", write(tmp_path, "hw.yaml", hw))
    assert "technology_overrides.leakage_mw" in msg and "(0, 1e+06] mW" in msg
    table = write(tmp_path, "t.yaml", "entries:\n  compute.fp32_add_pj_45nm: "
                                      "{value: 1.0e+9, source: typo}\n")
    run = tmp_path / "run"
    assert main(["run", str(TINY), str(MLP), "-o", str(run)]) == 0
    capsys.readouterr()
    msg = fails(capsys, "energy", run, "--table", table)
    assert "fp32_add_pj_45nm" in msg and "plausible range" in msg


# --- graph JSON ------------------------------------------------------------------------------

@pytest.fixture
def graph(tmp_path, capsys):
    path = tmp_path / "g.json"
    assert main(["graph", str(MLP), "-o", str(path)]) == 0
    capsys.readouterr()
    return path


def edit(path: Path, change) -> Path:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))
    return path


def test_graph_tensor_with_negative_bytes(capsys, tmp_path, graph):
    edit(graph, lambda d: d["edges"][0].update(bytes=-1))
    msg = fails(capsys, "run", TINY, graph, "-o", tmp_path / "out")
    assert str(graph) in msg and "edge 'input' ->" in msg and "bytes" in msg
    assert "counts" not in msg


def test_graph_bytes_must_match_shape_and_format(capsys, tmp_path, graph):
    edit(graph, lambda d: next(n for n in d["nodes"] if n["kind"] == "op")["writes"][0]
         .update(bytes=3))
    msg = fails(capsys, "run", TINY, graph, "-o", tmp_path / "out")
    assert str(graph) in msg and "node '" in msg and "shape" in msg


def test_graph_edge_to_a_missing_node(capsys, tmp_path, graph):
    edit(graph, lambda d: d["edges"][0].update(target="ghost/forward"))
    msg = fails(capsys, "run", TINY, graph, "-o", tmp_path / "out")
    assert "'ghost/forward' does not exist" in msg


def test_graph_cycle_and_schema(capsys, tmp_path, graph):
    data = json.loads(graph.read_text())
    e = data["edges"][0]
    edit(graph, lambda d: d["edges"].append({**e, "source": e["target"], "target": e["source"]}))
    assert "cycle" in fails(capsys, "run", TINY, graph, "-o", tmp_path / "out")
    edit(graph, lambda d: d["graph"].update(schema="accelsim.graph/0"))
    assert "graph.schema" in fails(capsys, "run", TINY, graph, "-o", tmp_path / "out")


def test_truncated_graph_json(capsys, tmp_path, graph):
    graph.write_text(graph.read_text()[:5000])
    msg = fails(capsys, "run", TINY, graph, "-o", tmp_path / "out")
    assert "malformed JSON" in msg and "truncated" in msg and "line " in msg
    assert not msg.rstrip(")").endswith(" at")


# --- work before work ------------------------------------------------------------------------

def test_huge_batch(capsys, tmp_path):
    msg = fails(capsys, "run", TINY, MLP, "--batch", 1_000_000_000, "-o", tmp_path / "o")
    assert "--batch" in msg and "2^24" in msg


def test_gemm_row_of_a_million_is_refused_quickly(capsys, tmp_path):
    topo = write(tmp_path, "gemm.csv", "Layer, M, N, K,\nbig, 1000000, 1000000, 1000000,\n")
    msg = fails(capsys, "run", TINY, topo, "-o", tmp_path / "o")
    assert "--max-steps" in msg and "'big/" in msg and "engine steps" in msg


def test_a_valid_big_run_passes_with_a_raised_limit(capsys, tmp_path):
    assert main(["run", str(TINY), str(MLP), "--max-steps", "10", "-o", str(tmp_path / "o")]) == 2
    assert "--max-steps" in capsys.readouterr().err
    assert main(["run", str(TINY), str(MLP), "--max-steps", "0", "-o", str(tmp_path / "o")]) == 0


@pytest.mark.parametrize("layer", [
    "{kind: linear, name: fc, in_features: 1000000000000, out_features: 10}",
    "{kind: linear, name: fc, in_features: 1000000, tokens: 1000000, out_features: 10}"])
def test_linear_layer_with_10_12_inputs(capsys, tmp_path, layer):
    wl = write(tmp_path, "wl.yaml", f"name: big\nlayers:\n  - {layer}\n")
    msg = fails(capsys, "run", TINY, wl, "-o", tmp_path / "o")
    assert "in_features" in msg or "--max-steps" in msg


def test_accuracy_epochs_and_seed(capsys, tmp_path):
    msg = fails(capsys, "accuracy", "--epochs", 1_000_000_000, "-o", tmp_path / "a")
    assert "--epochs" in msg and "--max-iterations" in msg
    msg = fails(capsys, "accuracy", "--seed", -1, "-o", tmp_path / "a")
    assert "--seed" in msg and "4294967295" in msg


# --- messages ----------------------------------------------------------------------------------

def test_output_paths_name_the_option_and_what_is_in_the_way(capsys, tmp_path):
    blocker = write(tmp_path, "file", "x")
    msg = fails(capsys, "run", TINY, MLP, "-o", blocker)
    assert "-o/--out" in msg and "is a file" in msg and "File exists" not in msg
    msg = fails(capsys, "run", TINY, MLP, "-o", blocker / "sub")
    assert "-o/--out" in msg and f"{blocker} is a file" in msg
    (tmp_path / "d" / "summary.json").mkdir(parents=True)
    msg = fails(capsys, "run", TINY, MLP, "-o", tmp_path / "d")
    assert "-o/--out" in msg and "is a directory" in msg and "remove or rename" in msg
    msg = fails(capsys, "graph", MLP, "-o", tmp_path)
    assert "-o" in msg and "file path" in msg


def test_missing_baseline_directory_is_bad_input(capsys, tmp_path):
    (tmp_path / "suite").mkdir()
    (tmp_path / "suite" / "suite.yaml").write_text(
        f"name: t\nconfigs: [{TINY}]\nworkloads: [{MLP}]\nbatch: 1\n")
    msg = fails(capsys, "regress", tmp_path / "suite", "--baseline", tmp_path / "nope")
    assert "--baseline" in msg and "not found" in msg and "--update" in msg


def test_missing_errors_path(capsys, tmp_path):
    msg = fails(capsys, "accuracy", "--errors", tmp_path / "nope", "-o", tmp_path / "a")
    assert "--errors" in msg and "not found" in msg and "file type" not in msg


def test_bad_usage_is_one_line(capsys, tmp_path):
    with pytest.raises(SystemExit) as exc:
        main(["run", str(TINY)])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "workload" in err[0] and "--help" in err[0]


def test_scalesim_cfg_and_derive_options_have_ranges(capsys, tmp_path):
    cfg = write(tmp_path, "c.cfg", "[architecture_presets]\nArrayHeight: 99999999\n"
                "ArrayWidth: 8\nIfmapSramSzkB: 64\nFilterSramSzkB: 64\nOfmapSramSzkB: 64\n"
                "Dataflow: ws\n")
    msg = fails(capsys, "validate", cfg)
    assert "ArrayHeight" in msg and "[1, 4096]" in msg
    msg = fails(capsys, "derive", TINY, "--iso", "area", "--voltage-scale", 50)
    assert "--voltage-scale" in msg and "(0, 10]" in msg


def test_graph_op_without_outputs_or_operands(capsys, tmp_path, graph):
    """(found by the slow fuzz profile: the engine used to fail with KeyError 'out')"""
    data = json.loads(graph.read_text())
    edit(graph, lambda d: next(n for n in d["nodes"] if n["kind"] == "op").update(writes=[]))
    msg = fails(capsys, "run", TINY, graph, "-o", tmp_path / "out")
    assert "writes" in msg and "node '" in msg
    first = next(n for n in data["nodes"] if n["kind"] == "op")["id"]
    data["edges"] = [e for e in data["edges"] if not (e["target"] == first
                                                      and e["role"] == "filter")]
    graph.write_text(json.dumps(data))
    msg = fails(capsys, "run", TINY, graph, "-o", tmp_path / "out")
    assert f"node '{first}'" in msg and "filter" in msg
