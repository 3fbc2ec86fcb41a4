"""Training profiles, the learning-rate schedules and the MNIST data set."""
import json

import numpy as np
import pytest

from accelsim.accuracy.api import Experiment
from accelsim.accuracy.dataset import load_dataset
from accelsim.accuracy.error_profile import CrossbarSpec, ErrorSpec
from accelsim.accuracy.profiles import PROFILES
from accelsim.accuracy.trainer import TrainConfig
from accelsim.cli import main


def test_schedules():
    cosine, constant = TrainConfig(), TrainConfig(schedule="constant")
    assert cosine.decay(0, 10) == 1.0 and cosine.decay(5, 10) == pytest.approx(0.5)
    assert constant.decay(0, 10) == constant.decay(9, 10) == 1.0


def test_neurosim_profile_sets_its_protocol():
    exp = Experiment("mlp", epochs=1, profile="neurosim")
    assert exp.config.schedule == "constant"
    device, _ = exp.resolve_crossbar(CrossbarSpec(device="ag-a-si"), None)
    assert (device.read_noise_sigma, device.d2d_sigma, device.stuck_at_gmin_fraction,
            device.stuck_at_gmax_fraction) == (0.0, 0.0, 0.0, 0.0)
    assert device.init_range_fraction == 1.0 and device.update_rounding == "deterministic"
    assert device.adc_bits == 8 and device.dac_bits is None
    assert device.adc_range == device.rows_per_tile == 128
    assert device.c2c_sigma == 0.035 and device.states_ltp == 97   # the device's own stay on
    # explicit parameters win over the profile; the ideal preset stays ideal
    device, _ = exp.resolve_crossbar(CrossbarSpec(device="ag-a-si", parameters={
        "d2d_sigma": 0.05, "update_rounding": "stochastic"}), None)
    assert device.d2d_sigma == 0.05 and device.update_rounding == "stochastic"
    assert exp.resolve_crossbar(CrossbarSpec(device="ideal"), None)[0].is_ideal


def test_default_profile_keeps_the_presets():
    exp = Experiment("mlp", epochs=1)
    device, _ = exp.resolve_crossbar(CrossbarSpec(device="epiram"), None)
    assert exp.config.schedule == "cosine" and device.read_noise_sigma == 0.01
    assert device.update_scheme == "per_sample" and device.update_rounding == "stochastic"
    assert set(PROFILES.names()) == {"accelsim", "neurosim"}


def test_cli_profile_and_bad_profile(tmp_path, capsys):
    out = tmp_path / "ns"
    assert main(["accuracy", "--profile", "neurosim", "--crossbar", "epiram", "--epochs", "1",
                 "-o", str(out)]) == 0
    result = json.loads((out / "accuracy.json").read_text())
    assert result["profile"]["name"] == "neurosim" and result["learning_rate_schedule"] == "constant"
    assert result["crossbar"]["parameters"]["update_rounding"] == "deterministic"
    assert main(["accuracy", "--profile", "nope", "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--profile" in err[0] and "neurosim" in err[0]


def test_mnist_as_neurosim_uses_it():
    data = load_dataset("mnist")
    assert data.input_shape == (1, 20, 20)
    assert (len(data.train_y), len(data.test_y)) == (3750, 1250)
    assert np.all(np.bincount(data.test_y) == 125)                 # stratified
    assert 0.0 <= data.train_x.min() and data.train_x.max() <= 1.0
    assert load_dataset("mnist").train_x is data.train_x          # loaded once


def test_mnist_mlp_trains():
    exp = Experiment("mnist_mlp", epochs=2, dataset="mnist")
    assert [p.in_shape for p in exp.plans] == [(400,), (100,)] and not exp.notes
    result = exp.run()
    assert result["dataset"]["input_shape"] == [1, 20, 20]
    assert result["final_test_accuracy"] > 0.85


@pytest.mark.parametrize("profile, dataset", [("neurosim", "digits"), ("accelsim", "mnist")])
def test_zero_errors_no_crossbar_is_the_ideal_run(profile, dataset):
    network = "mnist_mlp" if dataset == "mnist" else "mlp"
    result = Experiment(network, epochs=1, profile=profile, dataset=dataset).run()
    assert result["test_accuracy"] == result["ideal_test_accuracy"]
    assert result["train_loss"] == result["ideal_train_loss"]
