"""Crossbar kernels on tiny cases: each non-ideality does what its formula says."""
import math

import numpy as np
import pytest
from scipy.stats import binom

from accelsim.accuracy.crossbar_ops import AnalogCrossbar, IdealCrossbar, make_crossbar
from accelsim.hardware.crossbar.devices import normalised_a, resolve_device

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
                   update_rounding="stochastic")
    start = xb.c.copy()
    _pulse(xb, 0.3)                                                 # 0.3 pulse wanted per device
    moved = int(np.sum(xb.c > start))
    assert binom.ppf(1e-6, 10000, 0.3) <= moved <= binom.ppf(1 - 1e-6, 10000, 0.3)
    assert np.all((xb.c == start) | np.isclose(xb.c - start, 1 / 1000, atol=1e-6))


def test_deterministic_rounding_drops_sub_half_pulse_updates():
    xb = _crossbar(np.zeros((4, 4)), states_ltp=101, states_ltd=101)   # NeuroSim default
    start = xb.c.copy()
    _pulse(xb, 0.4)
    assert np.array_equal(xb.c, start)
