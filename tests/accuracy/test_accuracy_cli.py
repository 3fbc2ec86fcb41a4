"""``accelsim accuracy`` / ``accuracy-sweep``: outputs, and bad input → exit 2 with one line."""
import csv
import json

import pytest

from accelsim.cli import main


def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_accuracy_writes_json_and_prints_epochs(tmp_path, capsys):
    rates = tmp_path / "rates.yaml"
    rates.write_text("bit_error_rate: {activation: 1.0e-6}\n")
    code, out, err = _run(capsys, "accuracy", "--epochs", "2", "--errors", str(rates),
                          "-o", str(tmp_path / "o"))
    assert code == 0, err
    result = json.loads((tmp_path / "o" / "accuracy.json").read_text())
    assert result["epochs"] == 2 and len(result["test_accuracy"]) == 2
    assert len(result["ideal_test_accuracy"]) == 2
    assert all(0 <= a <= 1 for a in result["test_accuracy"] + result["ideal_test_accuracy"])
    assert result["bit_error_rate"]["activation"] == 1e-6 and result["seed"] == 0
    assert result["tool_version"] and result["crossbar"] is None
    assert "ideal_acc_%" in out and out.count("\n") >= 4


def test_accuracy_with_crossbar_preset(tmp_path, capsys):
    code, out, err = _run(capsys, "accuracy", "--epochs", "1", "--crossbar", "pcmo",
                          "-o", str(tmp_path))
    assert code == 0, err
    result = json.loads((tmp_path / "accuracy.json").read_text())
    assert result["crossbar"]["device"] == "pcmo" and result["crossbar"]["layers"] == ["fc1", "fc2"]
    assert result["crossbar_events"]["write_pulses"] > 0


def _bad(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize("case", ["ber", "preset", "kind", "schema", "layer", "param"])
def test_bad_input_exits_2_with_one_line(tmp_path, capsys, case):
    args = {
        "ber": ["--errors", _bad(tmp_path, "r.yaml", "bit_error_rate: {weight: 2}\n")],
        "preset": ["--crossbar", "tiox"],
        "kind": ["--network", _bad(tmp_path, "w.yaml", "name: w\nlayers:\n"
                 "  - {kind: gemm, name: attn, m: 4, k: 16, n: 16}\n")],
        "schema": ["--errors", _bad(tmp_path, "summary.json",
                   json.dumps({"error_profile": {"schema": "other/2", "by_kind": {}}}))],
        "layer": ["--errors", _bad(tmp_path, "x.yaml", "bit_error_rate: {}\n"
                  "crossbar: {device: pcmo, layers: [conv9]}\n")],
        "param": ["--errors", _bad(tmp_path, "p.yaml", "bit_error_rate: {}\n"
                  "crossbar: {device: pcmo, parameters: {adc: 3}}\n")],
    }[case]
    code, out, err = _run(capsys, "accuracy", "--epochs", "1", "-o", str(tmp_path / "o"), *args)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("accelsim: error: ")
    expected = {"ber": "r.yaml: bit_error_rate.weight: bit error rate 2.0 is outside [0, 1]",
                "preset": "--crossbar: unknown crossbar device preset 'tiox'",
                "kind": "layer kind 'gemm' is not supported",
                "schema": "error profile schema 'other/2' is not supported",
                "layer": "layer 'conv9' is not a conv2d/linear layer",
                "param": "unknown crossbar parameter 'adc'"}[case]
    assert expected in err


def test_ber_sweep_writes_table_and_plot(tmp_path, capsys):
    code, out, err = _run(capsys, "accuracy-sweep", "--epochs", "1", "--kinds", "weight,error",
                          "--ber", "0,1e-3", "-o", str(tmp_path))
    assert code == 0, err
    rows = list(csv.DictReader(open(tmp_path / "sweep.csv")))
    assert [(r["tensor_kind"], float(r["bit_error_rate"])) for r in rows] == \
        [("weight", 0.0), ("weight", 1e-3), ("error", 0.0), ("error", 1e-3)]
    assert rows[0]["final_test_accuracy"] == rows[0]["ideal_final_test_accuracy"]
    assert (tmp_path / "sweep.png").read_bytes()[:4] == b"\x89PNG"
    assert "accuracy drops more than 1 point from BER" in out


def test_crossbar_sweeps(tmp_path, capsys):
    code, _, err = _run(capsys, "accuracy-sweep", "--epochs", "1", "--presets", "ideal,pcmo",
                        "-o", str(tmp_path / "a"))
    assert code == 0, err
    assert [r["device"] for r in csv.DictReader(open(tmp_path / "a" / "sweep.csv"))] == \
        ["ideal", "pcmo"]
    code, _, err = _run(capsys, "accuracy-sweep", "--epochs", "1", "--crossbar", "pcmo",
                        "--param", "adc_bits=4,8", "-o", str(tmp_path / "b"))
    assert code == 0, err
    rows = list(csv.DictReader(open(tmp_path / "b" / "sweep.csv")))
    assert [(r["parameter"], r["value"]) for r in rows] == [("adc_bits", "4"), ("adc_bits", "8")]
    assert (tmp_path / "b" / "sweep.png").exists()


def test_sweep_bad_rate(tmp_path, capsys):
    code, _, err = _run(capsys, "accuracy-sweep", "--ber", "1e-3,3", "-o", str(tmp_path))
    assert code == 2 and "outside [0, 1]" in err


@pytest.mark.parametrize("command", ["accuracy", "accuracy-sweep"])
@pytest.mark.parametrize("flags, expected", [
    (["--epochs", "0"], "--epochs: epochs must be at least 1, got 0"),
    (["--epochs", "1", "--lr", "0"], "--lr: learning rate must be positive, got 0.0"),
])
def test_zero_epochs_or_lr_is_an_error_not_the_default(tmp_path, capsys, command, flags,
                                                       expected):
    code, out, err = _run(capsys, command, *flags, "--ber", "0", "-o", str(tmp_path)) \
        if command == "accuracy-sweep" else _run(capsys, command, *flags, "-o", str(tmp_path))
    assert code == 2, out
    assert err.count("\n") == 1 and expected in err


def test_seed_0_and_the_defaults_reach_the_experiment():
    import argparse

    from accelsim.accuracy.api import DEFAULT_EPOCHS, DEFAULT_LR
    from accelsim.cli.accuracy import _experiment
    args = argparse.Namespace(network="mlp", epochs=None, lr=None, crossbar_lr=None,
                              profile="accelsim", dataset="digits", max_iterations=None)
    config = _experiment(args, seed=0).config
    assert (config.epochs, config.lr, config.seed) == (DEFAULT_EPOCHS, DEFAULT_LR, 0)


def test_non_positive_crossbar_learning_rate_is_an_error(capsys):
    from accelsim.cli import main
    assert main(["accuracy", "--crossbar", "ag-a-si", "--crossbar-lr", "0", "--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert "--crossbar-lr" in err and "Traceback" not in err
