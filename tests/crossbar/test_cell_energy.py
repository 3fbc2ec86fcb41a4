"""Crossbar cell-read and write-pulse energies follow the tile and the device: E = V² · G · t.

Hand-computed: TaOx/HfOx (NeuroSim Table II: R_on 100 kΩ → G_on 10 µS, 1.6 V / 50 ns pulses)
on the survey_14nm tile (read 10 ns at 0.5 V):
  write pulse 1.6² V² × 10 µS × 50 ns = 2.56 × 1e-5 × 5e-8 J = 1.28 pJ;
  cell read   0.5² V² × 10 µS × 10 ns = 0.25 × 1e-5 × 1e-8 J = 0.025 pJ.
"""
import pytest

from accelsim.energy.pricing import price
from accelsim.energy.table import EnergyTable
from accelsim.hardware.config import HardwareConfig
from accelsim.hardware.crossbar.cell_energy import cell_read_energy, write_pulse_energy
from accelsim.hardware.crossbar.config import crossbar_from_dict

pytestmark = pytest.mark.closed_form

MB = 1 << 20


def _hardware(**crossbar) -> dict:
    return HardwareConfig.model_validate({
        "name": "xbar", "clock_ghz": 1.0, "node_nm": 14,
        "arrays": [{"rows": 4, "cols": 4, "dataflow": "ws"}],
        "scratchpad": [{"name": "act", "capacity_bytes": MB,
                        "holds": ["ifmap", "ofmap", "filter"]}],
        "dram": {"preset": "ideal"},
        "crossbar": {"preset": "survey_14nm", **crossbar}}).resolved_dict()


def _priced(cfg: dict, table: EnergyTable | None = None) -> dict:
    counts = {"schema": "accelsim.counts/1", "clock_ghz": 1.0, "node_nm": 14, "total_cycles": 1,
              "rows": [{"layer": "fc", "phase": "backward_weight", "total_cycles": 1,
                        "actions": {"crossbar": {"cell_reads": 1000, "write_pulses": 10}}}]}
    return price(counts, cfg, table)


def test_taox_on_the_survey_tile_by_hand():
    cfg = crossbar_from_dict({"preset": "survey_14nm", "device": "taox-hfox"})
    assert cfg.write_pulse_ns == 50.0 and cfg.read_ns == 10.0 and cfg.read_voltage_v == 0.5
    assert write_pulse_energy(cfg)[0] == pytest.approx(1.28)
    assert cell_read_energy(cfg)[0] == pytest.approx(0.025)


def test_the_energies_follow_the_configured_tile_and_pulse():
    cfg = crossbar_from_dict({"device": "taox-hfox", "read_ns": 4.0, "read_voltage_v": 0.2,
                              "write_pulse_ns": 20.0})
    assert cell_read_energy(cfg)[0] == pytest.approx(0.2 ** 2 * 10e-6 * 4e-9 * 1e12)    # 1.6 fJ
    assert write_pulse_energy(cfg)[0] == pytest.approx(1.6 ** 2 * 10e-6 * 20e-9 * 1e12)  # 0.512
    # a device override of R_on moves both: 50 kΩ → 20 µS, twice the energy
    cfg = crossbar_from_dict({"device": "taox-hfox", "parameters": {"r_on_ohm": 50e3}})
    assert write_pulse_energy(cfg)[0] == pytest.approx(2.56)


def test_asymmetric_pulses_use_the_mean_square_voltage():
    # Ag:a-Si: 3.2 V / −2.8 V, 300 µs pulses, R_on 26 MΩ
    cfg = crossbar_from_dict({"device": "ag-a-si"})
    v2 = (3.2 ** 2 + 2.8 ** 2) / 2
    assert write_pulse_energy(cfg)[0] == pytest.approx(v2 / 26e6 * 300e-6 * 1e12)


def test_pricing_uses_the_physics_and_cites_it():
    r = _priced(_hardware(device="taox-hfox"))
    row = r["rows"][0]
    assert row["crossbar_write_pulse_energy_pj"] == pytest.approx(10 * 1.28)
    assert row["crossbar_cell_read_energy_pj"] == pytest.approx(1000 * 0.025)
    cited = r["energy_table"]["entries"]["crossbar.write_pulse_pj"]
    assert cited["origin"] == "hardware config" and "V_write²" in cited["source"]


def test_a_device_without_physics_takes_the_table_default():
    # the ideal device has no R_on; GST PCM has R_on but no write pulse in Table II
    row = _priced(_hardware())["rows"][0]
    assert row["crossbar_write_pulse_energy_pj"] == pytest.approx(10 * 0.2)
    assert row["crossbar_cell_read_energy_pj"] == pytest.approx(1000 * 0.00625)
    row = _priced(_hardware(device="gst-pcm"))["rows"][0]
    assert row["crossbar_write_pulse_energy_pj"] == pytest.approx(10 * 0.2)
    assert row["crossbar_cell_read_energy_pj"] == pytest.approx(1000 * 0.25 / 4.71e3 * 10e-9 * 1e12)


def test_an_explicit_table_entry_wins_over_the_physics():
    table = EnergyTable.default().with_overrides({"entries": {
        "crossbar.write_pulse_pj": {"value": 0.5, "source": "my measurement"}}}, "mine.yaml")
    r = _priced(_hardware(device="taox-hfox"), table)
    row = r["rows"][0]
    assert row["crossbar_write_pulse_energy_pj"] == pytest.approx(10 * 0.5)
    assert row["crossbar_cell_read_energy_pj"] == pytest.approx(1000 * 0.025)  # still physics
    assert r["energy_table"]["entries"]["crossbar.write_pulse_pj"]["origin"] == "mine.yaml"
