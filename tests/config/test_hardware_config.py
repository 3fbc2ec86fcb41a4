"""Hardware configs: presets with validated overrides, partitions by tensor kind, clear errors."""
import pytest
import yaml

from accelsim.api import hardware_from_dict, load_hardware
from accelsim.cli import main
from accelsim.core.errors import ConfigError


def _hw(root):
    return yaml.safe_load((root / "hw_configs/train128_hetero.yaml").read_text())


def _fails(tmp_path, capsys, data) -> str:
    path = tmp_path / "hw.yaml"
    path.write_text(yaml.safe_dump(data))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    return err


def test_partition_map_that_leaves_a_kind_without_memory(tmp_path, capsys, root):
    data = _hw(root)
    data["scratchpad"][1]["holds"] = ["ofmap"]  # 'err' now holds results, not errors
    err = _fails(tmp_path, capsys, data)
    assert "'error'" in err and "holds" in err


def test_unknown_technology_lists_the_presets(tmp_path, capsys, root):
    data = _hw(root)
    data["scratchpad"][2]["technology"] = "sram_7nm"
    err = _fails(tmp_path, capsys, data)
    assert "scratchpad.wgt.technology" in err and "stt_mram_22nm" in err and "sram_22nm" in err


@pytest.mark.parametrize("field,value,expect", [
    ("write_latency_ns", -1.0, "outside the plausible range (0, "),
    ("read_energy_pj", 0, "outside the plausible range (0, "),
    ("area_mm2", "big", "expected a number, got the text"),
    ("read_latency_nanoseconds", 1.0, "unknown technology field"),
])
def test_technology_overrides_are_validated(tmp_path, capsys, root, field, value, expect):
    data = _hw(root)
    data["scratchpad"][2]["technology_overrides"] = {field: value}
    assert expect in _fails(tmp_path, capsys, data)


def test_overrides_change_exactly_the_named_field(root):
    data = _hw(root)
    data["scratchpad"][2]["technology_overrides"] = {"leakage_mw": 140.2}
    tech = hardware_from_dict(data).scratchpad[2].resolved_technology()
    base = load_hardware(root / "hw_configs/train128_hetero.yaml").scratchpad[2]
    base_tech = base.resolved_technology()
    assert tech.leakage_mw == 140.2
    assert (tech.read_energy_pj, tech.write_latency_ns) == \
        (base_tech.read_energy_pj, base_tech.write_latency_ns)


def test_unknown_dram_preset_lists_the_valid_ones(root):
    data = _hw(root)
    data["dram"] = {"preset": "ddr5"}
    with pytest.raises(ConfigError) as exc:
        hardware_from_dict(data, source="x.yaml")
    assert "ddr4_3200" in str(exc.value) and "hbm2" in str(exc.value)


def test_config_hash_follows_the_resolved_numbers(root):
    a = load_hardware(root / "hw_configs/train128_sram.yaml")
    data = yaml.safe_load((root / "hw_configs/train128_sram.yaml").read_text())
    assert hardware_from_dict(data).config_hash == a.config_hash
    data["scratchpad"][0]["technology_overrides"] = {"read_latency_ns": 0.7}
    assert hardware_from_dict(data).config_hash != a.config_hash


def test_a_kind_held_by_two_buffers_is_an_error(tmp_path, capsys, root):
    data = _hw(root)
    data["scratchpad"].append(dict(data["scratchpad"][0], name="act2"))
    err = _fails(tmp_path, capsys, data)
    assert "'activation' is held by several buffers (act, act2)" in err
