"""Every crossbar preset trains the MLP; the non-ideal ones end below the ideal digital run."""
import numpy as np
import pytest

from accelsim.accuracy.api import Experiment
from accelsim.accuracy.error_profile import CrossbarSpec, ErrorSpec
from accelsim.hardware.crossbar.devices import DEVICES

NON_IDEAL = [n for n in DEVICES.names() if n != "ideal"]


@pytest.fixture(scope="module")
def experiment():
    return Experiment("mlp", epochs=5, seed=0)


def _final(experiment, device):
    result = experiment.run(ErrorSpec(crossbar=CrossbarSpec(device=device)))
    assert len(result["test_accuracy"]) == 5
    return result["final_test_accuracy"], result["ideal_final_test_accuracy"]


def test_ideal_preset_trains_like_the_digital_run(experiment):
    final, ideal = _final(experiment, "ideal")
    assert abs(final - ideal) < 0.02


@pytest.mark.parametrize("device", NON_IDEAL)
def test_non_ideal_preset_trains_and_loses_accuracy(experiment, device):
    final, ideal = _final(experiment, device)
    assert 0.5 < final < ideal          # learns far above chance (0.1), but below ideal


@pytest.mark.slow
@pytest.mark.parametrize("device", NON_IDEAL)
def test_loss_holds_over_seeds_at_ten_epochs(device):
    drops = []
    for seed in range(3):
        result = Experiment("mlp", epochs=10, seed=seed).run(
            ErrorSpec(crossbar=CrossbarSpec(device=device)))
        drops.append(result["accuracy_drop_points"])
    assert np.mean(drops) > 0
