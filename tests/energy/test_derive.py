"""Iso-capacity and iso-area STT-MRAM counterparts of an SRAM config, and the area model."""
import math

import pytest

from accelsim.api import load_hardware
from accelsim.cli import main
from accelsim.core.errors import ConfigError
from accelsim.energy.area import buffer_area_mm2
from accelsim.energy.pricing import price
from accelsim.hardware.memory.mram_write import MramWritePoint
from accelsim.tools.derive import derive_mram, to_yaml

MB = 1 << 20


def sram_config(make_hardware):
    return make_hardware(scratchpad=[
        {"name": "act", "capacity_bytes": MB, "banks": 4, "word_bytes": 8, "holds": ["ifmap"]},
        {"name": "wgt", "capacity_bytes": 300_000, "banks": 3, "word_bytes": 16,
         "interleave_bytes": 64, "holds": ["filter"], "technology_overrides": {"leakage_mw": 140}},
        {"name": "out", "capacity_bytes": MB // 4, "technology": "stt_mram_22nm",
         "holds": ["ofmap"]},
    ])


def test_iso_capacity_keeps_every_capacity_and_moves_sram_to_stt(make_hardware):
    hw = sram_config(make_hardware)
    derived, changes = derive_mram(hw, "capacity")
    assert derived.name == "tiny-stt-iso-capacity"
    assert [b.capacity_bytes for b in derived.scratchpad] == [b.capacity_bytes
                                                              for b in hw.scratchpad]
    assert [b.technology for b in derived.scratchpad] == ["stt_mram_22nm"] * 3
    assert derived.scratchpad[1].technology_overrides == {}     # SRAM overrides dropped
    assert [c.buffer for c in changes] == ["act", "wgt"]          # "out" was already STT
    assert changes[0].to_area_mm2 == pytest.approx(0.42)          # 1 MB STT at 22 nm
    assert derived.arrays == hw.arrays and derived.dram == hw.dram
    assert [b.holds for b in derived.scratchpad] == [b.holds for b in hw.scratchpad]


def test_iso_area_grows_capacity_to_the_same_area_in_whole_granules(make_hardware):
    hw = sram_config(make_hardware)
    derived, changes = derive_mram(hw, "area")
    for change, buf, old in zip(changes, derived.scratchpad, hw.scratchpad):
        granule = buf.banks * buf.interleave
        assert buf.capacity_bytes % granule == 0
        # not above the SRAM area, and one more granule would be
        assert change.to_area_mm2 <= change.from_area_mm2
        step = buffer_area_mm2(0.42, MB, granule)
        assert change.to_area_mm2 + step > change.from_area_mm2
        # closed form: SRAM area / STT area per byte, rounded down to granules
        expected = math.floor(change.from_area_mm2 / (0.42 / MB) / granule) * granule
        assert buf.capacity_bytes == expected
    assert derived.scratchpad[0].capacity_bytes == math.floor(0.77 / 0.42 * MB / 32) * 32
    # the area from the pricing pass agrees with the derivation
    area = price({"schema": "accelsim.counts/1", "clock_ghz": 1.0, "node_nm": 22,
                  "total_cycles": 0, "rows": []}, derived.resolved_dict())["area_mm2"]
    assert area["by_component"]["buffer_act"] == pytest.approx(changes[0].to_area_mm2)


def test_write_point_and_target_technology_are_applied(make_hardware):
    hw = sram_config(make_hardware)
    point = MramWritePoint(voltage_scale=0.8, pulse_ns=5.0)
    derived, _ = derive_mram(hw, "capacity", technology="stt_mram_22nm_half_pulse",
                             write_point=point, name="x")
    assert derived.name == "x"
    assert derived.scratchpad[0].technology == "stt_mram_22nm_half_pulse"
    assert derived.scratchpad[0].mram_write == point
    assert derived.scratchpad[2].mram_write is None               # untouched buffer


def test_only_the_named_buffers_are_converted(make_hardware):
    hw = sram_config(make_hardware)
    point = MramWritePoint(voltage_scale=0.8)
    derived, changes = derive_mram(hw, "capacity", buffers=["act"], write_point=point)
    assert [c.buffer for c in changes] == ["act"]
    assert derived.scratchpad[0].mram_write == point
    assert derived.scratchpad[1] == hw.scratchpad[1]              # wgt stays SRAM
    with pytest.raises(ConfigError, match="no scratchpad buffer 'nope'"):
        derive_mram(hw, "capacity", buffers=["nope"])


@pytest.mark.parametrize("kwargs, message", [
    ({"technology": "sram_32nm"}, "is sram"),
    ({"technology": "mram_9000"}, "unknown memory technology"),
    ({"write_point": MramWritePoint(voltage_scale=0.3)}, "between the thermal"),
])
def test_bad_derivations_are_rejected(make_hardware, kwargs, message):
    with pytest.raises(ConfigError, match=message):
        derive_mram(sram_config(make_hardware), "area", **kwargs)


def test_no_counterpart_at_the_node_is_an_error(make_hardware):
    hw = make_hardware(node_nm=22, scratchpad=[
        {"name": "sp", "capacity_bytes": MB, "technology": "sram_32nm",
         "holds": ["ifmap", "filter", "ofmap"]}])
    derived, _ = derive_mram(hw, "capacity")                     # sram_32nm → stt_mram_32nm
    assert derived.scratchpad[0].technology == "stt_mram_32nm"
    all_stt = make_hardware(scratchpad=[{"name": "sp", "capacity_bytes": MB,
                                         "technology": "stt_mram_22nm",
                                         "holds": ["ifmap", "filter", "ofmap"]}])
    with pytest.raises(ConfigError, match="no SRAM scratchpad buffer"):
        derive_mram(all_stt, "capacity")


def test_derived_yaml_loads_back_to_the_same_config(make_hardware, tmp_path):
    derived, _ = derive_mram(sram_config(make_hardware), "area",
                             write_point=MramWritePoint(pulse_ns=5.0))
    path = tmp_path / "stt.yaml"
    path.write_text(to_yaml(derived))
    assert load_hardware(path) == derived


def test_derive_command_writes_a_loadable_config(make_hardware, tmp_path, capsys):
    src = tmp_path / "sram.yaml"
    src.write_text(to_yaml(sram_config(make_hardware)))
    out = tmp_path / "stt.yaml"
    assert main(["derive", str(src), "--iso", "area", "--pulse-ns", "5", "-o", str(out)]) == 0
    hw = load_hardware(out)
    assert hw.scratchpad[0].technology == "stt_mram_22nm"
    assert hw.scratchpad[0].mram_write.pulse_ns == 5.0
    assert "act: sram_22nm 1048576 B" in capsys.readouterr().err
    assert main(["derive", str(src), "--iso", "capacity", "--buffers", "wgt", "-o", str(out)]) == 0
    assert [b.technology for b in load_hardware(out).scratchpad][:2] == ["sram_22nm",
                                                                         "stt_mram_22nm"]
    capsys.readouterr()
    assert main(["derive", str(src), "--iso", "area", "--pulse-ns", "0"]) == 2
    assert "--pulse-ns" in capsys.readouterr().err
