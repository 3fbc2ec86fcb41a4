"""Override paths: checked against the hardware model, applied to the YAML dict."""
import copy

import pytest
from sweepkit import TINY_HW

from accelsim.hardware.config import HardwareConfig
from accelsim.tools.sweep.paths import PathError, check_path, set_path


@pytest.mark.parametrize("path", [
    "arrays.0.rows", "arrays.array0.cols", "scratchpad.*.technology", "scratchpad.act.banks",
    "scratchpad.wgt.mram_write.voltage_scale",          # a field the base file leaves out
    "scratchpad.err.technology_overrides.read_latency_ns", "dram.preset", "dram", "clock_ghz",
])
def test_valid_paths(path):
    before = copy.deepcopy(TINY_HW)
    check_path(TINY_HW, HardwareConfig, path)
    assert TINY_HW == before  # checking never changes the config


@pytest.mark.parametrize("path, message, fix", [
    ("arrays.0.rowz", "unknown key 'rowz' at 'arrays.0'", "cols, dataflow, depthwise, fold_overlap, name, rows"),
    ("scratchpad.foo.banks", "'scratchpad' has no item 'foo'", "0, 1, 2, act, err, wgt, *"),
    ("arrays.3.rows", "'arrays' has no item '3'", "0, array0, *"),
    ("dram.preset.name", "'dram.preset' is a value and has no key 'name'", "end the path"),
    ("clockghz", "unknown key 'clockghz' at '<top>'", "clock_ghz"),
    ("arrays..rows", "malformed path", "separated by dots"),
])
def test_invalid_paths_say_what_is_valid(path, message, fix):
    with pytest.raises(PathError) as exc:
        check_path(TINY_HW, HardwareConfig, path)
    assert message in str(exc.value)
    assert fix in exc.value.fix


def test_set_by_name_index_and_star():
    data = copy.deepcopy(TINY_HW)
    set_path(data, HardwareConfig, "scratchpad.*.technology", "stt_mram_22nm")
    set_path(data, HardwareConfig, "scratchpad.err.banks", 16)
    set_path(data, HardwareConfig, "arrays.0.rows", 32)
    set_path(data, HardwareConfig, "scratchpad.wgt.mram_write.voltage_scale", 0.8)
    assert [b["technology"] for b in data["scratchpad"]] == ["stt_mram_22nm"] * 3
    assert [b["banks"] for b in data["scratchpad"]] == [4, 16, 4]
    assert data["arrays"][0]["rows"] == 32
    assert data["scratchpad"][2]["mram_write"] == {"voltage_scale": 0.8}
    assert "mram_write" not in data["scratchpad"][0]
    HardwareConfig.model_validate(data)
