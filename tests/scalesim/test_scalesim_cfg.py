"""SCALE-Sim .cfg reader: real 3.0.0 files unchanged, the mapping, and located errors."""
from __future__ import annotations

from pathlib import Path

import pytest

from accelsim.api import load_hardware
from accelsim.core.errors import ConfigError
from accelsim.hardware.scalesim_cfg import load_scalesim_cfg

CONFIGS = Path(__file__).resolve().parents[1] / "data" / "scalesim" / "configs"

MINIMAL = """[general]
run_name = tiny

[architecture_presets]
ArrayHeight: 8
ArrayWidth: 16
IfmapSramSzkB: 4
FilterSramSzkB: 2
OfmapSramSzkB: 1
Dataflow: ws
Bandwidth: 10

[run_presets]
InterfaceBandwidth: CALC
"""


def write(tmp_path: Path, text: str, name: str = "hw.cfg") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def error_of(path: Path) -> str:
    with pytest.raises(ConfigError) as info:
        load_scalesim_cfg(path)
    text = str(info.value)
    assert "\n" not in text and str(path) in text
    return text


@pytest.mark.parametrize("name", ["sa32_os_calc", "sa32_ws_calc", "sa32_is_calc", "sa128_os_calc",
                                  "sa128_ws_calc", "sa128_is_calc"])
def test_reference_calc_configs(name):
    hw = load_hardware(CONFIGS / f"{name}.cfg")
    size = int(name[2:name.index("_")])
    (array,) = hw.arrays
    assert (array.rows, array.cols, array.dataflow) == (size, size, name.split("_")[1])
    kb = {32: (64, 64, 64), 128: (512, 512, 256)}[size]
    assert [(b.name, b.holds, b.capacity_bytes) for b in hw.scratchpad] == [
        ("ifmap", ["ifmap"], kb[0] * 1024), ("filter", ["filter"], kb[1] * 1024),
        ("ofmap", ["ofmap"], kb[2] * 1024)]
    assert all(b.word_bytes == 1 and b.technology == "sram_22nm" for b in hw.scratchpad)
    # SCALE-Sim: the whole SRAM stages tiles, in an active and a prefetch half
    assert all(b.double_buffered and b.resident_fraction == 0.0 for b in hw.scratchpad)
    assert [b.slot_bytes for b in hw.scratchpad] == [b.capacity_bytes // 2 for b in hw.scratchpad]
    assert hw.ideal_scratchpad and hw.dram.ideal and hw.clock_ghz == 1.0
    assert hw.name == name


@pytest.mark.parametrize("name,words", [("sa32_ws_user_bw10", 10), ("sa128_ws_user_bw32", 32)])
def test_reference_user_configs_map_bandwidth(name, words):
    hw = load_hardware(CONFIGS / f"{name}.cfg")
    dram = hw.dram.resolved()
    assert hw.dram.preset == "ddr4_3200"
    assert (dram.channels, dram.bandwidth_gb_per_s_per_channel) == (1, float(words))
    assert dram.latency_ns == 1.0


def test_sparsity_config_is_rejected():
    msg = error_of(CONFIGS / "sparsity.cfg")
    assert "does not model sparsity" in msg and "SparsitySupport" in msg


def test_minimal_config_takes_defaults(tmp_path):
    hw = load_scalesim_cfg(write(tmp_path, MINIMAL))
    assert (hw.arrays[0].rows, hw.arrays[0].cols) == (8, 16)
    assert [b.capacity_bytes for b in hw.scratchpad] == [4096, 2048, 1024]
    assert hw.dram.ideal and hw.name == "tiny"


def test_equals_separator_case_and_comments(tmp_path):
    text = MINIMAL.replace("ArrayHeight: 8", "ARRAYHEIGHT = 8   # rows").replace(
        "Dataflow: ws", "dataflow = WS")
    hw = load_scalesim_cfg(write(tmp_path, text))
    assert hw.arrays[0].rows == 8 and hw.arrays[0].dataflow == "ws"


def test_no_run_presets_means_calc_and_stem_name(tmp_path):
    text = MINIMAL.replace("run_name = tiny", "").replace("[run_presets]\nInterfaceBandwidth: CALC",
                                                           "")
    hw = load_scalesim_cfg(write(tmp_path, text, "my_array.cfg"))
    assert hw.dram.ideal and hw.name == "my_array"


def test_v1_key_spelling_and_quoted_name(tmp_path):
    text = MINIMAL.replace("IfmapSramSzkB", "IfmapSramSz").replace("tiny", '"v1_run"')
    hw = load_scalesim_cfg(write(tmp_path, text))
    assert hw.scratchpad[0].capacity_bytes == 4096 and hw.name == "v1_run"


def test_user_mode_takes_first_bandwidth(tmp_path):
    text = MINIMAL.replace("CALC", "USER").replace("Bandwidth: 10", "Bandwidth: 20, 10")
    assert load_scalesim_cfg(write(tmp_path, text)).dram.bandwidth_gb_per_s_per_channel == 20.0


def test_user_mode_needs_bandwidth(tmp_path):
    text = MINIMAL.replace("CALC", "USER").replace("Bandwidth: 10\n", "")
    assert "Bandwidth" in error_of(write(tmp_path, text))


@pytest.mark.parametrize("key,value,expect", [
    ("ArrayHeight", "0", "must be positive"),
    ("ArrayWidth", "-4", "must be positive"),
    ("IfmapSramSzkB", "lots", "not a whole number"),
    ("Dataflow", "rs", "unknown dataflow"),
])
def test_bad_values_name_the_key(tmp_path, key, value, expect):
    lines = [f"{key}: {value}" if ln.split(":")[0] == key else ln for ln in MINIMAL.splitlines()]
    msg = error_of(write(tmp_path, "\n".join(lines) + "\n"))
    assert f"[architecture_presets] {key}" in msg and expect in msg


def test_missing_required_key(tmp_path):
    msg = error_of(write(tmp_path, MINIMAL.replace("ArrayWidth: 16\n", "")))
    assert "ArrayWidth" in msg and "missing" in msg


def test_unknown_key_lists_valid_ones(tmp_path):
    msg = error_of(write(tmp_path, MINIMAL.replace("ArrayWidth", "ArrayWidht")))
    assert "arraywidht" in msg and "ArrayWidth" in msg and "valid keys" in msg


def test_unknown_section(tmp_path):
    assert "unknown section [General]" in error_of(write(tmp_path, "[General]\n" + MINIMAL))


@pytest.mark.parametrize("section,key", [("layout", "IfmapCustomLayout"),
                                         ("layout", "FilterCustomLayout"),
                                         ("run_presets", "UseRamulatorTrace")])
def test_unmodelled_features_are_rejected(tmp_path, section, key):
    text = MINIMAL + f"\n[{section}]\n{key}: True\n" if section == "layout" else \
        MINIMAL + f"{key}: True\n"
    msg = error_of(write(tmp_path, text))
    assert key in msg and "fix:" in msg


def test_unknown_bandwidth_mode(tmp_path):
    msg = error_of(write(tmp_path, MINIMAL.replace("CALC", "FAST")))
    assert "InterfaceBandwidth" in msg and "USER or CALC" in msg


def test_malformed_file_names_the_line(tmp_path):
    assert "line 1" in error_of(write(tmp_path, "ArrayHeight: 8\n" + MINIMAL))
    assert "line 2" in error_of(write(tmp_path, "[general]\nthis is not a key\n", "b.cfg"))
    assert "twice" in error_of(write(tmp_path, MINIMAL.replace("Dataflow", "arrayheight: 4\nDataflow"),
                                          "c.cfg"))
