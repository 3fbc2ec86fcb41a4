"""Crossbar device presets (NeuroSim V3.0 Table II) and the nonlinearity-label → A mapping."""
import math

import numpy as np
import pytest

from accelsim.core.errors import ConfigError
from accelsim.hardware.crossbar.devices import (
    DEVICES,
    conductance,
    curve_a,
    normalised_a,
    pulse_position,
    resolve_device,
)

pytestmark = pytest.mark.reference

NAMES = {"ag-a-si", "taox-hfox", "pcmo", "alox-hfo2", "gst-pcm", "epiram", "hzo-fefet", "ideal"}

# (states LTP, states LTD, NL LTP, NL LTD, on/off, c2c) from Table II
TABLE_II = {
    "ag-a-si": (97, 100, 2.4, -4.88, 12.5, 0.035),
    "taox-hfox": (128, 128, 0.04, -0.63, 10, 0.037),
    "pcmo": (50, 50, 3.68, -6.76, 6.84, 0.01),
    "alox-hfo2": (40, 40, 1.94, -0.61, 4.43, 0.05),
    "gst-pcm": (100, 120, 0.105, 2.4, 19.8, 0.015),
    "epiram": (64, 64, 0.5, -0.5, 50.2, 0.02),
    "hzo-fefet": (32, 32, 1.75, 1.46, 45, 0.005),
}


def test_preset_names_exact():
    assert set(DEVICES.names()) == NAMES


@pytest.mark.parametrize("name", sorted(TABLE_II))
def test_preset_values_and_source(name):
    d = DEVICES.get(name)
    assert (d.states_ltp, d.states_ltd, d.nl_ltp, d.nl_ltd, d.on_off_ratio, d.c2c_sigma) == \
        TABLE_II[name]
    assert "Table II" in d.source
    assert not d.is_ideal


def test_ideal_preset_is_ideal():
    assert DEVICES.get("ideal").is_ideal


@pytest.mark.parametrize("nl,a", [(1, 1.25), (2.4, 0.499), (4.88, 0.200), (6, 0.136), (9, 0.023)])
def test_neurosim_nl_table_points(nl, a):
    assert normalised_a(nl) == pytest.approx(a, rel=1e-9)
    assert normalised_a(-nl) == pytest.approx(a, rel=1e-9)


def test_nl_below_one_follows_the_label_definition():
    # NL = 10 × max deviation of the normalised curve from the line; joins the table at NL 1
    x = np.linspace(0, 1, 20001)
    for nl in (0.04, 0.5, 0.63):
        a = normalised_a(nl)
        deviation = np.max(np.expm1(-x / a) / np.expm1(-1 / a) - x)
        assert 10 * deviation == pytest.approx(nl, rel=2e-3)
    assert normalised_a(0.999) == pytest.approx(1.25, rel=0.015)
    assert math.isinf(normalised_a(0.0))


def test_curve_endpoints_and_inverse():
    for nl, pmax in ((2.4, 96), (-4.88, 99), (0.0, 50)):
        a = curve_a(nl, pmax)
        p = np.arange(pmax + 1, dtype=float)
        c = conductance(p, a, pmax)
        assert c[0] == pytest.approx(0) and c[-1] == pytest.approx(1)
        assert np.all(np.diff(c) > 0)
        assert np.allclose(pulse_position(c, a, pmax), p, atol=1e-6)


def test_overrides_and_validation():
    d = resolve_device("ag-a-si", {"c2c_sigma": 0.01, "adc_bits": "6", "on_off_ratio": None})
    assert d.c2c_sigma == 0.01 and d.adc_bits == 6 and math.isinf(d.on_off_ratio)
    with pytest.raises(ConfigError, match="unknown crossbar parameter 'c2c'.*valid parameters"):
        resolve_device("ag-a-si", {"c2c": 0.01})
    with pytest.raises(ConfigError, match="outside \\[0, 1\\]"):
        resolve_device("ag-a-si", {"read_noise_sigma": 2})
    with pytest.raises(ConfigError, match="beyond NeuroSim's table"):
        resolve_device("ag-a-si", {"nl_ltp": 12})
    with pytest.raises(ConfigError, match="unknown crossbar device preset 'nope'.*ag-a-si"):
        resolve_device("nope")
    with pytest.raises(ConfigError, match="expected an integer"):
        resolve_device("ag-a-si", {"states_ltp": 9.5})
