"""Tile presets: valid configs, cited, and area from their component areas."""
import pytest

from accelsim.hardware.crossbar.area import area_report, tile_area_um2
from accelsim.hardware.crossbar.config import DEFAULT_STATES, crossbar_from_dict
from accelsim.hardware.crossbar.devices import DEVICES
from accelsim.hardware.crossbar.presets import TILE_PRESETS


@pytest.mark.parametrize("name", TILE_PRESETS.names())
def test_every_preset_is_a_valid_cited_config(name):
    preset = TILE_PRESETS.get(name)
    cfg = crossbar_from_dict({"preset": name})
    assert cfg.rows == preset.rows and cfg.adc_bits == preset.adc_bits
    assert len(preset.source) > 40


def test_isaac_preset_matches_its_source():
    p = TILE_PRESETS.get("isaac_32nm")
    assert (p.rows, p.cols, p.cols_per_adc, p.adc_bits, p.adc_rate_gsps) == (128, 128, 128, 8, 1.2)
    assert p.adc_area_um2 == 1200.0 and p.input_mode == "bit_serial"


def test_tile_area_closed_form():
    cfg = crossbar_from_dict({"preset": "isaac_32nm", "tiles": 10})
    p = cfg.tile_preset
    area = tile_area_um2(cfg, 32)
    assert area["cells_um2"] == pytest.approx(128 * 128 * 16 * 0.032 ** 2)
    assert area["adcs_um2"] == pytest.approx(2 * 1200.0)         # one column and one row ADC
    assert area["drivers_um2"] == pytest.approx(256 * p.dac_area_um2_per_line)
    assert area["shift_add_um2"] == pytest.approx(2 * 60.0)
    assert area["total_um2"] == pytest.approx(sum(v for k, v in area.items() if k != "total_um2"))
    rep = area_report(cfg, 32, tiles_used=4)
    assert rep["total_mm2"] == pytest.approx(area["total_um2"] * 10e-6)
    assert rep["used_mm2"] == pytest.approx(area["total_um2"] * 4e-6) and rep["notes"] == []
    assert area_report(crossbar_from_dict({"preset": "isaac_32nm", "adc_bits": 4}), 32)["notes"]
    assert area_report(cfg, 14)["notes"]


def test_device_sets_the_write_pulse_and_states_unless_given():
    dev = DEVICES.get("taox-hfox")
    cfg = crossbar_from_dict({"device": "taox-hfox"})
    assert cfg.write_pulse_ns == dev.write_pulse_width_ltp_ns == 50
    assert cfg.update.states == 128
    cfg = crossbar_from_dict({"device": "ag-a-si", "write_pulse_ns": 20, "update": {"states": 10}})
    assert (cfg.write_pulse_ns, cfg.update.states) == (20, 10)
    assert crossbar_from_dict({"device": "ag-a-si"}).update.states == 100   # max(LTP 97, LTD 100)
    ideal = crossbar_from_dict({"device": "ideal"})
    assert ideal.update.states == DEFAULT_STATES
    assert ideal.write_pulse_ns == TILE_PRESETS.get(ideal.preset).write_pulse_ns
