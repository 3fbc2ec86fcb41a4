"""Training runs: ideal accuracy, bit-identical zero-error runs, determinism, injected flips."""
import numpy as np
import pytest
from scipy.stats import binom

from accelsim.accuracy.dataset import load_digits_split
from accelsim.accuracy.trainer import TrainConfig, train
from accelsim.accuracy.workload_network import load_network_workload, plan_network
from accelsim.core.formats import TENSOR_KINDS
from accelsim.hardware.crossbar.devices import resolve_device

BF16 = {**dict.fromkeys(TENSOR_KINDS, "bf16"), "optimizer_state": "fp32"}
FP32 = dict.fromkeys(TENSOR_KINDS, "fp32")


def _plans(network="mlp"):
    workload, source = load_network_workload(network)
    return plan_network(workload, source)[0]


def _same(a, b):
    assert np.array_equal(a.train_loss, b.train_loss, equal_nan=True)
    assert a.test_accuracy == b.test_accuracy
    assert a.weights.keys() == b.weights.keys()
    for name in a.weights:
        assert a.weights[name].tobytes() == b.weights[name].tobytes()


def test_ideal_mlp_reaches_95_percent():
    history = train(_plans(), load_digits_split(), TrainConfig(epochs=10), formats=BF16)
    assert history.test_accuracy[-1] >= 0.95


def test_small_cnn_trains():
    history = train(_plans("cnn"), load_digits_split(), TrainConfig(epochs=4), formats=BF16)
    assert history.test_accuracy[-1] >= 0.85


def test_zero_rates_are_bit_identical_to_ideal():
    data, plans, cfg = load_digits_split(), _plans(), TrainConfig(epochs=3, seed=4)
    ideal = train(plans, data, cfg, formats=BF16)
    zero = train(plans, data, cfg, formats=BF16, bit_error_rate=dict.fromkeys(TENSOR_KINDS, 0.0))
    _same(ideal, zero)
    assert sum(zero.bit_flips.values()) == 0


def test_same_seed_same_run_other_seed_other_run():
    data, plans = load_digits_split(), _plans()
    rates = {"activation": 1e-6, "error": 1e-6, "weight": 1e-7}
    a = train(plans, data, TrainConfig(epochs=2, seed=1), formats=BF16, bit_error_rate=rates)
    b = train(plans, data, TrainConfig(epochs=2, seed=1), formats=BF16, bit_error_rate=rates)
    c = train(plans, data, TrainConfig(epochs=2, seed=2), formats=BF16, bit_error_rate=rates)
    _same(a, b)
    assert sum(a.bit_flips.values()) > 0
    assert a.train_loss != c.train_loss


@pytest.mark.parametrize("kind", TENSOR_KINDS)
def test_injected_flips_follow_the_rate_of_their_kind(kind):
    ber = 2e-6
    h = train(_plans(), load_digits_split(), TrainConfig(epochs=1), formats=BF16,
              bit_error_rate={kind: ber})
    n = h.bits_written[kind]
    assert binom.ppf(1e-6, n, ber) <= h.bit_flips[kind] <= binom.ppf(1 - 1e-6, n, ber)
    assert all(h.bit_flips[k] == 0 for k in TENSOR_KINDS if k != kind)


def test_bf16_exponent_flips_blow_up_but_int8_stays_finite():
    data, plans, cfg = load_digits_split(), _plans(), TrainConfig(epochs=1)
    bf16 = train(plans, data, cfg, formats=BF16, bit_error_rate={"weight": 1e-3})
    assert not np.isfinite(bf16.train_loss[-1])
    int8 = train(plans, data, cfg, formats={**BF16, "weight": "int8"},
                 bit_error_rate={"weight": 1e-3})
    assert np.isfinite(int8.train_loss[-1])


def test_ideal_crossbar_equals_digital_plain_sgd():
    # the in-place update has no momentum: with momentum 0 both runs do the same arithmetic
    data, plans = load_digits_split(), _plans()
    cfg = TrainConfig(epochs=2, momentum=0.0, lr=0.1)
    digital = train(plans, data, cfg, formats=FP32)
    crossbar = train(plans, data, cfg, formats=FP32, device=resolve_device("ideal"),
                     crossbar_layers=["fc1", "fc2"])
    _same(digital, crossbar)


def test_digits_read_without_sklearn_equal_sklearns_split():
    """The fast path (bundled file + stored split indices) gives scikit-learn's exact split."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    from accelsim.accuracy import dataset

    fast = dataset.load_digits_split.__wrapped__()
    data = load_digits()
    x = (data.images / 16.0).astype(np.float32).reshape(-1, 1, 8, 8)
    y = data.target.astype(np.int64)
    tx, vx, ty, vy = train_test_split(x, y, test_size=dataset.TEST_FRACTION, stratify=y,
                                      random_state=dataset.SPLIT_SEED)
    assert dataset._digits_file() is not None
    for ours, theirs in ((fast.train_x, tx), (fast.test_x, vx), (fast.train_y, ty),
                         (fast.test_y, vy)):
        assert ours.dtype == theirs.dtype and np.array_equal(ours, theirs)
