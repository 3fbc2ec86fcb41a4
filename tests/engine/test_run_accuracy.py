"""``accelsim run … --accuracy``: the functional model trains on the run's own error profile."""
import json

import pytest

from accelsim.cli import main


def _run_accuracy(tmp_path, root, hw: str, workload: str, epochs: int) -> dict:
    out = tmp_path / "o"
    assert main(["run", str(root / "hw_configs" / hw), str(root / "workloads" / workload), "-o",
                 str(out), "--accuracy", "--epochs", str(epochs)]) == 0
    return json.loads((out / "summary.json").read_text())["accuracy"]


def test_sram_run_has_ideal_accuracy(tmp_path, root):
    acc = _run_accuracy(tmp_path, root, "train128_sram.yaml", "digits_mlp.yaml", 2)
    assert acc["epochs"] == 2
    assert acc["test_accuracy"] == acc["ideal_test_accuracy"]  # SRAM writes do not fail


def test_untrainable_workload_falls_back_to_the_mlp_and_says_so(tmp_path, root, capsys):
    acc = _run_accuracy(tmp_path, root, "train128_hetero.yaml", "bert_base_encoder.yaml", 1)
    assert "not trainable" in acc["note"] and "not trainable" in capsys.readouterr().out


@pytest.mark.slow
def test_resnet18_run_trains_the_scaled_resnet18_beside_the_ideal_run(tmp_path, root, capsys):
    acc = _run_accuracy(tmp_path, root, "train128_hetero.yaml", "resnet18.yaml", 2)
    assert "note" not in acc and acc["network"]["name"] == "resnet18"
    assert acc["network"]["scaling"]["channel_divisor"] == 8
    assert acc["network"]["scaling"]["trained_batch"] == 32
    assert len(acc["ideal_test_accuracy"]) == 2 and acc["ideal_final_test_accuracy"] > 0.3
    assert "scaled to the data set: channels / 8" in capsys.readouterr().out
