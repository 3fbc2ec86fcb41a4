"""STT-MRAM write operating point: device parameters, WER ladder, energy and latency."""
import math

import pytest

from accelsim.core.errors import ConfigError
from accelsim.hardware.memory.mram_write import (
    MramWritePoint,
    check_validity,
    write_error_rate,
)
from accelsim.hardware.memory.technology import (
    TECHNOLOGIES,
    apply_write_point,
    resolve_technology,
)

pytestmark = pytest.mark.closed_form

NOMINAL = TECHNOLOGIES.get("stt_mram_22nm")


def test_device_defaults_give_the_cited_ic0_and_tau_d():
    p = MramWritePoint()
    assert p.critical_current_ua == pytest.approx(30.2, abs=0.05)   # docs/design.md §5
    assert p.precession_time_ns == pytest.approx(1.136, abs=0.001)  # [T-ARM] formula
    assert p.overdrive == pytest.approx(2.65, abs=0.005)


def test_overrides_of_ic0_and_tau_d_are_used():
    p = MramWritePoint(ic0_ua=40.0, tau_d_ns=2.0)
    assert p.critical_current_ua == 40.0 and p.precession_time_ns == 2.0
    assert p.overdrive == 2.0


# docs/design.md §5 worked table (first four) and the other rows of docs/energy.md §7:
# (voltage scale, pulse) -> (WER per toggled bit, cell energy relative to nominal)
LADDER = [((1.0, 10.0), 3.7e-11, 1.00), ((0.8, 10.0), 4.1e-7, 0.64),
          ((1.0, 5.0), 7.4e-5, 0.50), ((0.8, 5.0), 7.8e-3, 0.32),
          ((0.9, 10.0), 3.9e-9, 0.81), ((1.0, 7.0), 2.2e-7, 0.70),
          ((0.9, 7.0), 5.8e-6, 0.57), ((0.7, 10.0), 4.4e-5, 0.49)]


@pytest.mark.parametrize("point, wer, energy", LADDER)
def test_design_ladder_is_reproduced(point, wer, energy):
    p = MramWritePoint(voltage_scale=point[0], pulse_ns=point[1])
    assert float(f"{write_error_rate(p):.1e}") == wer          # two significant digits
    assert round(p.cell_energy_scale, 2) == energy
    tech = apply_write_point(NOMINAL, p)
    cell_pj = tech.write_energy_pj - (NOMINAL.write_energy_pj - 64 * 1.0)
    assert cell_pj / 64 == pytest.approx(energy, abs=0.005)   # 1 pJ/bit nominal cell
    assert tech.write_error_rate == write_error_rate(p)


def test_nominal_point_reproduces_the_presets():
    same = apply_write_point(NOMINAL, MramWritePoint())
    assert same.write_energy_pj == pytest.approx(NOMINAL.write_energy_pj)
    assert same.write_latency_ns == pytest.approx(NOMINAL.write_latency_ns)
    half = apply_write_point(NOMINAL, MramWritePoint(pulse_ns=5.0))
    preset = TECHNOLOGIES.get("stt_mram_22nm_half_pulse")  # NVSim run with 5 ns / 0.5 pJ
    assert half.write_energy_pj == pytest.approx(preset.write_energy_pj)
    assert half.write_latency_ns == pytest.approx(preset.write_latency_ns)
    assert half.write_error_rate == pytest.approx(preset.write_error_rate, rel=0.01)
    # the half-pulse preset written at the nominal pulse is the nominal preset again
    back = apply_write_point(preset, MramWritePoint(pulse_ns=10.0))
    assert back.write_energy_pj == pytest.approx(NOMINAL.write_energy_pj)


def test_wer_and_energy_are_monotone_in_voltage_and_pulse():
    scales = [0.6, 0.7, 0.8, 0.9, 1.0, 1.1]
    pulses = [3.0, 5.0, 7.0, 10.0, 15.0]
    for pulse in pulses:
        techs = [apply_write_point(NOMINAL, MramWritePoint(voltage_scale=v, pulse_ns=pulse))
                 for v in scales]
        assert all(a.write_error_rate > b.write_error_rate for a, b in zip(techs, techs[1:]))
        assert all(a.write_energy_pj < b.write_energy_pj for a, b in zip(techs, techs[1:]))
    for v in scales:
        techs = [apply_write_point(NOMINAL, MramWritePoint(voltage_scale=v, pulse_ns=p))
                 for p in pulses]
        assert all(a.write_error_rate > b.write_error_rate for a, b in zip(techs, techs[1:]))
        assert all(a.write_energy_pj < b.write_energy_pj for a, b in zip(techs, techs[1:]))


def test_shorter_pulse_shortens_write_latency_by_the_pulse_difference():
    long = apply_write_point(NOMINAL, MramWritePoint(pulse_ns=10.0))
    short = apply_write_point(NOMINAL, MramWritePoint(pulse_ns=4.0))
    assert long.write_latency_ns - short.write_latency_ns == pytest.approx(6.0)
    assert short.read_latency_ns == NOMINAL.read_latency_ns  # reads are unchanged
    assert short.leakage_mw == NOMINAL.leakage_mw and short.area_mm2 == NOMINAL.area_mm2
    # lower voltage alone does not change the latency
    low_v = apply_write_point(NOMINAL, MramWritePoint(voltage_scale=0.8))
    assert low_v.write_latency_ns == pytest.approx(NOMINAL.write_latency_ns)


def test_thermal_regime_closed_form():
    # i = 0.25 (deep sub-critical), b = 2: tau = tau0 * exp(60 * 0.75^2)
    p = MramWritePoint(ic0_ua=80.0, voltage_scale=0.25, pulse_ns=100.0)
    assert p.regime == "thermal"
    tau = math.exp(60 * 0.75 ** 2)
    assert write_error_rate(p) == pytest.approx(math.exp(-100.0 / tau))
    # b = 1 variant (thermal-regime worked example [P-Tan]: i = 0.9, 100 ns, Δ = 60 → 0.78)
    # i = 0.9 has Δ(1−i) = 6 k_BT ≥ 5: valid with b = 1
    q = MramWritePoint(ic0_ua=80.0, voltage_scale=0.9, pulse_ns=100.0, thermal_exponent_b=1.0)
    assert write_error_rate(q) == pytest.approx(0.78, abs=0.005)


@pytest.mark.parametrize("kwargs, message", [
    ({"ic0_ua": 80.0}, "exactly at the critical current"),
    ({"ic0_ua": 80.0, "voltage_scale": 0.9}, "between the thermal and precessional"),
    ({"ic0_ua": 80.0, "voltage_scale": 0.25, "pulse_ns": 0.5}, "shorter than the attempt time"),
])
def test_operating_points_outside_the_models_are_rejected(kwargs, message):
    p = MramWritePoint(**kwargs)
    with pytest.raises(ConfigError, match=message) as err:
        check_validity(p, source="hw.yaml", field="scratchpad.act.mram_write")
    assert err.value.source == "hw.yaml" and err.value.fix
    with pytest.raises(ConfigError, match=message):
        apply_write_point(NOMINAL, p)


def test_write_point_on_sram_is_rejected():
    with pytest.raises(ConfigError, match="applies to STT-MRAM") as err:
        resolve_technology("sram_22nm", source="hw.yaml", field="scratchpad.w.technology",
                           write_point=MramWritePoint())
    assert err.value.field == "scratchpad.w.mram_write"


def test_resolve_technology_applies_overrides_then_the_write_point():
    tech = resolve_technology("stt_mram_22nm", {"write_energy_pj": 80.0},
                              write_point=MramWritePoint(pulse_ns=5.0))
    assert tech.write_energy_pj == pytest.approx(80.0 - 32.0)   # periphery 16 + 64 × 0.5
    assert tech.cell_write_pulse_ns == 5.0
    with pytest.raises(ConfigError, match="derived from mram_write"):
        resolve_technology("stt_mram_22nm", {"write_error_rate": 1e-9},
                           field="scratchpad.a.technology", write_point=MramWritePoint())


def test_cell_part_larger_than_the_write_total_is_rejected():
    with pytest.raises(ConfigError, match="exceeds the write totals"):
        resolve_technology("stt_mram_22nm", {"cell_write_energy_pj_per_bit": 2.0},
                           field="scratchpad.a.technology")
    with pytest.raises(ConfigError, match="describes an MTJ cell"):
        resolve_technology("sram_22nm", {"cell_write_pulse_ns": 5.0})


@pytest.mark.parametrize("field", ["pulse_ns", "voltage_scale", "thermal_stability_delta"])
def test_zero_or_negative_device_fields_are_rejected(field):
    from accelsim.core.yamlfile import validate
    from accelsim.hardware.config import HardwareConfig
    data = {"name": "t", "arrays": [{"rows": 2, "cols": 2, "dataflow": "os"}],
            "scratchpad": [{"name": "sp", "capacity_bytes": 4096, "technology": "stt_mram_22nm",
                            "holds": ["ifmap", "filter", "ofmap"], "mram_write": {field: 0}}]}
    with pytest.raises(ConfigError, match="outside the plausible range") as err:
        validate(HardwareConfig, data, "hw.yaml")
    assert field in err.value.field


HALF = TECHNOLOGIES.get("stt_mram_22nm_half_pulse")


def test_a_point_without_a_pulse_keeps_the_presets_own_cell_pulse():
    # only the voltage is given: the half-pulse preset stays a 5 ns cell, not the 10 ns default
    same = resolve_technology(HALF.name, write_point=MramWritePoint(voltage_scale=1.0))
    assert same.cell_write_pulse_ns == 5.0
    assert same.write_latency_ns == pytest.approx(HALF.write_latency_ns)        # 5.39 ns
    assert same.write_energy_pj == pytest.approx(HALF.write_energy_pj)          # 38 pJ
    assert same.write_error_rate == pytest.approx(HALF.write_error_rate, rel=0.01)  # 7.4e-5
    low = resolve_technology(HALF.name, write_point=MramWritePoint(voltage_scale=0.8))
    assert low.write_latency_ns == pytest.approx(HALF.write_latency_ns)
    assert low.write_energy_pj == pytest.approx(6.0 + 64 * 0.5 * 0.8 ** 2)
    assert low.write_error_rate == write_error_rate(MramWritePoint(voltage_scale=0.8,
                                                                   pulse_ns=5.0))
    # an overridden preset pulse is "the preset's own" too
    tech = resolve_technology("stt_mram_22nm", {"cell_write_pulse_ns": 8.0},
                              write_point=MramWritePoint(voltage_scale=0.9))
    assert tech.cell_write_pulse_ns == 8.0 and tech.write_latency_ns == pytest.approx(10.39)


def test_a_config_without_a_pulse_keeps_the_presets_pulse():
    from accelsim.core.yamlfile import validate
    from accelsim.hardware.config import HardwareConfig
    data = {"name": "t", "arrays": [{"rows": 2, "cols": 2, "dataflow": "os"}],
            "scratchpad": [{"name": "sp", "capacity_bytes": 4096, "technology": HALF.name,
                            "holds": ["ifmap", "filter", "ofmap"],
                            "mram_write": {"voltage_scale": 1.0}}]}
    tech = validate(HardwareConfig, data, "hw.yaml").scratchpad[0].resolved_technology()
    assert (tech.write_latency_ns, tech.write_energy_pj) == pytest.approx((5.39, 38.0))


def test_standalone_physics_needs_a_pulse():
    p = MramWritePoint()
    assert p.pulse_ns is None                       # None: the technology preset's own pulse
    with pytest.raises(ConfigError, match="pulse_ns") as err:
        write_error_rate(p)
    assert err.value.fix and "resolved" in err.value.fix
    nominal = p.resolved(pulse_ns=10.0)
    assert nominal.pulse_ns == 10.0 and nominal.voltage_scale == 1.0
    assert float(f"{write_error_rate(nominal):.1e}") == 3.7e-11
    assert nominal.cell_energy_scale == 1.0
    # an explicit pulse is kept
    assert MramWritePoint(pulse_ns=5.0).resolved(pulse_ns=10.0).pulse_ns == 5.0


def test_shipped_hetero_config_numbers_are_unchanged():
    # hw_configs/train128_hetero.yaml sets both fields: (0.8, 10 ns) and (1.0, 5 ns)
    from pathlib import Path

    from accelsim.api import load_hardware
    path = Path(__file__).resolve().parents[2] / "hw_configs" / "train128_hetero.yaml"
    act, err, wgt = (b.resolved_technology() for b in load_hardware(path).scratchpad)
    assert (act.write_latency_ns, act.write_energy_pj) == pytest.approx((10.39, 46.96))
    assert act.write_error_rate == pytest.approx(4.1215057e-07, rel=1e-6)
    assert (err.write_latency_ns, err.write_energy_pj) == pytest.approx((5.39, 38.0))
    assert err.write_error_rate == pytest.approx(7.3700711e-05, rel=1e-6)
    assert wgt.name == "sram_22nm"
