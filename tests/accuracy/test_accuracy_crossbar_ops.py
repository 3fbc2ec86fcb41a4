"""Crossbar kernels on tiny cases: each non-ideality does what its formula says."""
import math

import numpy as np
import pytest
from scipy.stats import binom

from accelsim.accuracy.crossbar_ops import AnalogCrossbar, IdealCrossbar, make_crossbar
from accelsim.hardware.crossbar.devices import (conductance, normalised_a, pulse_position,
                                                resolve_device)

pytestmark = pytest.mark.closed_form


def _device(**overrides):
    """The ideal preset with only the given non-idealities switched on."""
    return resolve_device("ideal", {"init_range_fraction": 1.0, **overrides})


def _crossbar(weight, seed=0, **overrides):
    return AnalogCrossbar(np.asarray(weight, dtype=np.float32), _device(**overrides),
                          np.random.default_rng(seed))


def test_ideal_preset_gives_exact_kernels():
    w = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
    xb = make_crossbar(w, resolve_device("ideal"), np.random.default_rng(0))
    assert isinstance(xb, IdealCrossbar)
    x = np.ones((2, 4), np.float32)
    assert np.array_equal(xb.forward(x), x @ w.T)


def test_adc_quantises_and_saturates():
    xb = _crossbar(np.ones((1, 8)), adc_bits=4, adc_range=3.0)
    # w_max = 1, every device at G_max: weight +1. L = 7 levels, step 3/7.
    one = np.zeros((1, 8), np.float32)
    one[0, 0] = 1.0
    assert xb.forward(one)[0, 0] == pytest.approx(2 * 3 / 7)      # I = 1 → round(2.33) = 2
    assert xb.events["adc_saturations"] == 0
    assert xb.forward(np.ones((1, 8), np.float32))[0, 0] == pytest.approx(3.0)  # I = 8 > 3
    assert xb.events["adc_saturations"] == 1
    tiled = _crossbar(np.ones((1, 8)), adc_bits=4, adc_range=3.0, rows_per_tile=4)
    assert tiled.forward(np.ones((1, 8), np.float32))[0, 0] == pytest.approx(6.0)  # 2 tiles × 3
    assert tiled.events["adc_saturations"] == 2 and tiled.events["adc_conversions"] == 2


def test_dac_levels():
    xb = _crossbar(np.ones((1, 3)), dac_bits=3)                 # L = 3 levels per sign
    xn, alpha = xb.dac(np.array([[2.0, 1.0, -0.4]], np.float32))
    assert alpha[0, 0] == 2.0
    assert np.allclose(xn, [[1.0, 2 / 3, -1 / 3]])               # 1.5 → 2, -0.6 → -1


def _pulse(xb, pulses):
    """Ask for ``pulses`` pulses on every device (deterministic rounding, linear request)."""
    rows, cols = xb.c.shape
    p_max = xb.p_max[1 if pulses > 0 else -1]
    dy = np.full((1, rows), -2.0 * xb.w_max * pulses / p_max, np.float32)
    xb.update(np.ones((1, cols), np.float32), dy, lr=1.0)


def test_number_of_states():
    for states, nl in ((5, 0.0), (9, 2.4)):
        xb = _crossbar([[-1.0]], states_ltp=states, states_ltd=states, nl_ltp=nl, nl_ltd=-nl,
                       update_rounding="deterministic")
        seen = {round(float(xb.c[0, 0]), 6)}
        for _ in range(3 * states):
            _pulse(xb, 1)
            seen.add(round(float(xb.c[0, 0]), 6))
        assert len(seen) == states
        assert xb.c[0, 0] == pytest.approx(1.0)


def test_potentiation_follows_g_of_p():
    # G(P) = B(1 - exp(-P/A)) + G_min, B = (G_max - G_min)/(1 - exp(-P_max/A)), A = a(NL)·P_max
    xb = _crossbar([[-1.0]], states_ltp=97, states_ltd=100, nl_ltp=2.4, nl_ltd=-4.88,
                   update_rounding="deterministic", on_off_ratio=12.5)
    g_max, g_min = 38.46, 38.46 / 12.5                              # nS, Ag:a-Si
    a = normalised_a(2.4) * 96
    b = (g_max - g_min) / (1 - math.exp(-96 / a))
    for p in range(1, 97):
        _pulse(xb, 1)
        expected = b * (1 - math.exp(-p / a)) + g_min
        assert g_min + xb.c[0, 0] * (g_max - g_min) == pytest.approx(expected, rel=1e-4)


def test_depression_follows_its_own_curve_and_is_asymmetric():
    xb = _crossbar([[1.0]], states_ltp=97, states_ltd=100, nl_ltp=2.4, nl_ltd=-4.88,
                   update_rounding="deterministic")
    assert xb.c[0, 0] == pytest.approx(1.0)
    a = -normalised_a(4.88) * 99                                    # negative label: A < 0
    for j in range(1, 11):
        _pulse(xb, -1)
        expected = math.expm1(-(99 - j) / a) / math.expm1(-99 / a)
        assert xb.c[0, 0] == pytest.approx(expected, rel=1e-4)
    before = float(xb.c[0, 0])
    _pulse(xb, 1)
    _pulse(xb, -1)
    assert abs(float(xb.c[0, 0]) - before) > 1e-3                  # up then down does not return


def test_c2c_noise_grows_as_sqrt_pulses():
    stds = {}
    for n in (1, 16):
        xb = _crossbar(np.zeros((200, 200)), states_ltp=10001, states_ltd=10001, c2c_sigma=0.01,
                       update_rounding="deterministic")
        start = xb.c.copy()
        _pulse(xb, n)
        stds[n] = float(np.std(xb.c - start))
    assert stds[1] == pytest.approx(0.01, rel=0.03)
    assert stds[16] / stds[1] == pytest.approx(4.0, rel=0.05)


def test_read_noise_scales_with_conductance_and_on_off():
    xb = _crossbar([[1.0]], read_noise_sigma=0.05, on_off_ratio=11.0)  # G = 1 + 0.1
    y = xb.forward(np.ones((40000, 1), np.float32))[:, 0]
    assert np.mean(y) == pytest.approx(1.0, abs=3e-3)
    assert np.std(y) == pytest.approx(2 * 0.05 * 1.1, rel=0.03)   # in weight units, w_max = 1


def test_stuck_at_faults_fraction_and_persistence():
    xb = _crossbar(np.zeros((100, 100)), stuck_at_gmin_fraction=0.1, stuck_at_gmax_fraction=0.1)
    low = int(np.sum(xb.c == 0.0))
    high = int(np.sum(xb.c == 1.0))
    lo, hi = binom.ppf(1e-6, 10000, 0.1), binom.ppf(1 - 1e-6, 10000, 0.1)
    assert lo <= low <= hi and lo <= high <= hi
    before = xb.c.copy()
    xb.update(np.ones((1, 100), np.float32), np.full((1, 100), -0.3, np.float32), lr=1.0)
    stuck = (before == 0.0) | (before == 1.0)
    assert np.array_equal(xb.c[stuck], before[stuck])
    assert np.all(xb.c[~stuck] > before[~stuck])


def test_d2d_variation_spreads_device_ranges():
    xb = _crossbar(np.ones((100, 100)), d2d_sigma=0.1)
    assert np.std(xb.gain) == pytest.approx(0.1, rel=0.05)
    assert np.allclose(xb.c, np.minimum(xb.gain, 1.0))              # write-verify to w = +1


def test_same_seed_same_noise():
    w = np.random.default_rng(1).uniform(-1, 1, (8, 8))
    dev = resolve_device("ag-a-si")
    x = np.random.default_rng(2).random((4, 8)).astype(np.float32)
    a = AnalogCrossbar(w, dev, np.random.default_rng(5))
    b = AnalogCrossbar(w, dev, np.random.default_rng(5))
    assert np.array_equal(a.forward(x), b.forward(x))


def test_stochastic_rounding_is_unbiased():
    xb = _crossbar(np.zeros((100, 100)), states_ltp=1001, states_ltd=1001,
                   update_rounding="stochastic", update_scheme="batch_summed")
    start = xb.c.copy()
    _pulse(xb, 0.3)                                                 # 0.3 pulse wanted per device
    moved = int(np.sum(xb.c > start))
    assert binom.ppf(1e-6, 10000, 0.3) <= moved <= binom.ppf(1 - 1e-6, 10000, 0.3)
    assert np.all((xb.c == start) | np.isclose(xb.c - start, 1 / 1000, atol=1e-6))


def test_deterministic_rounding_drops_sub_half_pulse_updates():
    xb = _crossbar(np.zeros((4, 4)), states_ltp=101, states_ltd=101,
                   update_rounding="deterministic")                    # NeuroSim
    start = xb.c.copy()
    _pulse(xb, 0.4)
    assert np.array_equal(xb.c, start)


# ---- update schemes --------------------------------------------------------------------------

def _opposite_batches(xb, wanted_pulses, batches=20):
    """``batches`` two-sample batches on a 1×1 tile: x = 1 both times, gradients ±g chosen so
    that each sample alone wants ``wanted_pulses`` pulses (Δc = lr·|g·x|/(2·w_max))."""
    g = 2.0 * xb.w_max * wanted_pulses / xb.p_max[1]
    for _ in range(batches):
        xb.update(np.ones((2, 1), np.float32), np.array([[g], [-g]], np.float32), lr=1.0)


def test_one_by_one_tile_opposite_gradients_batch_summed_vs_per_sample():
    common = dict(states_ltp=101, states_ltd=101, update_rounding="deterministic")
    summed = _crossbar([[0.0]], update_scheme="batch_summed", **common)
    start = summed.c.copy()
    _opposite_batches(summed, 3)
    assert np.array_equal(summed.c, start) and summed.events["write_pulses"] == 0

    # Per sample: every sample is its own pulse step of rint(3) = 3 pulses, up once and down
    # once per batch, so 20 batches × 2 samples × 3 pulses = 120 pulses.
    linear = _crossbar([[0.0]], update_scheme="per_sample", **common)
    _opposite_batches(linear, 3)
    assert linear.events["write_pulses"] == 20 * 2 * 3
    assert linear.c[0, 0] == pytest.approx(start[0, 0], abs=1e-6)  # linear: steps cancel

    # A nonlinear, asymmetric device (NeuroSim curves) does not return: each up-and-down
    # pair drifts it. The expected walk, pulse by pulse along the curves, alternating up/down:
    nl = dict(nl_ltp=2.4, nl_ltd=-4.88, **common)            # Ag:a-Si labels
    walker = _crossbar([[0.0]], update_scheme="per_sample", **nl)
    _opposite_batches(walker, 3)
    assert walker.events["write_pulses"] == 120
    a_up, a_down = walker.a[1], walker.a[-1]
    c = float(start[0, 0])
    for _ in range(20 * 3):
        c = float(conductance(min(pulse_position(c, a_up, 100) + 1, 100), a_up, 100))
        c = float(conductance(max(pulse_position(c, a_down, 100) - 1, 0), a_down, 100))
    drift = float(walker.c[0, 0]) - float(start[0, 0])
    assert abs(drift) > 0.05                                        # walked away ...
    assert float(walker.c[0, 0]) == pytest.approx(c, abs=0.01)      # ... as the pulses say


def test_per_sample_c2c_walk_grows_with_pulses_not_net_update():
    rows = 4000
    dev = dict(states_ltp=1001, states_ltd=1001, c2c_sigma=0.002, update_rounding="deterministic")
    for scheme, expected_std in (("batch_summed", 0.0), ("per_sample", 0.002 * math.sqrt(400))):
        xb = _crossbar(np.zeros((rows, 1)), update_scheme=scheme, **dev)
        start = xb.c.copy()
        g = np.float32(2.0 * xb.w_max * 10 / 1000)                  # 10 pulses per sample
        for _ in range(20):
            xb.update(np.ones((2, 1), np.float32), np.array([[g] * rows, [-g] * rows]), lr=1.0)
        assert float(np.std(xb.c - start)) == pytest.approx(expected_std, rel=0.05, abs=1e-7)


def test_per_sample_stochastic_counts_are_unbiased():
    xb = _crossbar(np.zeros((100, 100)), states_ltp=1001, states_ltd=1001)   # stochastic default
    assert xb.device.update_scheme == "per_sample"
    batch = 8
    g = np.float32(2.0 * xb.w_max * 0.3 / 1000)                   # 0.3 pulse wanted per sample
    xb.update(np.ones((batch, 100), np.float32), np.full((batch, 100), -g, np.float32), lr=1.0)
    pulses = xb.events["write_pulses"]
    mean, sd = 10000 * batch * 0.3, math.sqrt(10000 * batch * 0.3 * 0.7)
    assert abs(pulses - mean) < 6 * sd


def test_pulse_train_mean_pulses_and_cap():
    xb = _crossbar(np.zeros((200, 200)), states_ltp=1001, states_ltd=1001,
                   update_scheme="pulse_train")
    g = np.float32(2.0 * xb.w_max * 2.0 / 1000)                   # 2 pulses wanted per device
    xb.update(np.ones((1, 200), np.float32), np.full((1, 200), -g, np.float32), lr=1.0)
    assert xb.events["write_pulses"] / 40000 == pytest.approx(2.0, rel=0.05)
    big = _crossbar(np.zeros((50, 50)), states_ltp=1001, states_ltd=1001,
                    update_scheme="pulse_train", pulse_train_length=7)
    g = np.float32(2.0 * big.w_max * 100.0 / 1000)                # far more than 7 bits allow
    big.update(np.ones((1, 50), np.float32), np.full((1, 50), -g, np.float32), lr=1.0)
    assert big.events["write_pulses"] == 7 * 2500                 # every bit coincides


def test_pulse_train_rejects_deterministic_rounding():
    from accelsim.core.errors import ConfigError
    with pytest.raises(ConfigError, match="pulse trains are stochastic"):
        resolve_device("ag-a-si", {"update_scheme": "pulse_train",
                                   "update_rounding": "deterministic"})


def test_rounded_per_sample_counts_do_not_depend_on_the_chunking(monkeypatch):
    from accelsim.accuracy import crossbar_ops
    rng = np.random.default_rng(3)
    x = rng.random((9, 6)).astype(np.float32)
    dy = rng.standard_normal((9, 5)).astype(np.float32)
    counts = []
    for elements in (1 << 22, 30):                                 # one chunk; one vector a chunk
        monkeypatch.setattr(crossbar_ops, "_DENSE_ELEMENTS", elements)
        xb = _crossbar(np.zeros((5, 6)), states_ltp=101, states_ltd=101,
                       update_rounding="deterministic")
        counts.append(xb._rounded_per_sample(x, dy, np.float32(0.2)))
    assert np.array_equal(counts[0], counts[1]) and counts[0].sum() > 0


def test_update_reusing_the_reads_encoding_equals_a_fresh_encoding():
    """The update pulses the vectors the forward and transpose reads drove; reusing their DAC
    encoding (the same arrays) must give the bits that encoding copies afresh gives."""
    rng = np.random.default_rng(3)
    w = rng.standard_normal((5, 7)).astype(np.float32)
    x = rng.standard_normal((4, 7)).astype(np.float32)
    dy = rng.standard_normal((4, 5)).astype(np.float32)
    device = resolve_device("ag-a-si")
    same, fresh = (AnalogCrossbar(w, device, np.random.default_rng(1)) for _ in range(2))
    for xb, update_x, update_dy in ((same, x, dy), (fresh, x.copy(), dy.copy())):
        xb.forward(x)
        xb.backward(dy)
        xb.update(update_x, update_dy, lr=0.5)
    assert np.array_equal(same.position, fresh.position)
    assert same.events == fresh.events and same.events["write_pulses"] > 0
