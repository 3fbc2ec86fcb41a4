"""Technology presets and overrides: non-positive energies, latencies and areas are rejected."""
import pytest

from accelsim.core.errors import ConfigError
from accelsim.hardware.memory.technology import (
    TECHNOLOGIES,
    counterpart,
    resolve_technology,
)


@pytest.mark.parametrize("key, value", [
    ("write_latency_ns", 0), ("read_latency_ns", -1.0), ("read_energy_pj", 0.0),
    ("write_energy_pj", -3), ("area_mm2", 0), ("leakage_mw", -0.1),
])
def test_zero_or_negative_overrides_are_rejected(key, value):
    with pytest.raises(ConfigError, match="outside the plausible range") as err:
        resolve_technology("sram_22nm", {key: value}, source="hw.yaml",
                           field="scratchpad.act.technology")
    assert err.value.source == "hw.yaml"
    assert err.value.field == f"scratchpad.act.technology.technology_overrides.{key}"


def test_unknown_override_lists_the_valid_fields():
    with pytest.raises(ConfigError, match="unknown technology field") as err:
        resolve_technology("sram_22nm", {"speed": 1.0})
    assert "cell_write_energy_pj_per_bit" in err.value.fix


def test_every_stt_preset_splits_into_a_non_negative_periphery_and_the_cell():
    for name in TECHNOLOGIES.names():
        tech = TECHNOLOGIES.get(name)
        assert all(v > 0 for v in (tech.read_latency_ns, tech.write_latency_ns,
                                   tech.read_energy_pj, tech.write_energy_pj, tech.leakage_mw,
                                   tech.area_mm2)), name
        if tech.kind == "stt_mram":
            assert tech.write_latency_ns > tech.cell_write_pulse_ns
            assert tech.write_energy_pj > tech.access_bits * tech.cell_write_energy_pj_per_bit
        else:
            assert tech.cell_write_pulse_ns is None


def test_counterpart_is_the_preset_of_the_other_kind_at_the_same_node():
    assert counterpart(TECHNOLOGIES.get("sram_32nm"), "stt_mram").name == "stt_mram_32nm"
    assert counterpart(TECHNOLOGIES.get("stt_mram_22nm"), "sram").name == "sram_22nm"


def test_capacity_scaling_lives_in_energy_not_in_the_technology():
    """One linear leakage/area model (accelsim.energy), no unused duplicate on the preset."""
    from accelsim.energy.area import buffer_area_mm2
    tech = TECHNOLOGIES.get("sram_22nm")
    assert not hasattr(tech, "leakage_mw_at") and not hasattr(tech, "area_mm2_at")
    assert buffer_area_mm2(tech.area_mm2, tech.reference_capacity_bytes,
                           2 * tech.reference_capacity_bytes) == 2 * tech.area_mm2
