"""Wherever a command takes a config or a workload file, the name of a shipped one will do, and
``accelsim list`` prints every shipped file and preset on one line."""
import json

import pytest
import yaml

from accelsim.cli import main
from accelsim.core import shipped

pytestmark = pytest.mark.smoke


def test_validate_and_graph_take_names(tmp_path, capsys):
    assert main(["validate", "tiny8_ws", "digits_mlp"]) == 0
    out = capsys.readouterr().out
    assert "tiny8_ws.yaml: hardware 'tiny'" in out and "workload 'digits_mlp'" in out
    assert main(["graph", "digits_mlp", "-o", str(tmp_path / "g.json")]) == 0


def test_a_file_in_the_folder_wins_over_a_shipped_name(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tiny8_ws").write_text("not yaml: [")
    assert shipped.resolve("tiny8_ws", "hw") == shipped.Path("tiny8_ws")
    assert main(["validate", "tiny8_ws"]) == 2


def test_sweep_spec_and_regress_suite_take_names(tmp_path, capsys):
    spec = tmp_path / "s.yaml"
    spec.write_text(yaml.safe_dump({"name": "s", "base": "tiny8_ws", "workloads": ["digits_mlp"],
                                    "batch": 1, "axes": [{"path": "arrays.0.rows",
                                                          "values": [4, 8]}]}))
    assert main(["sweep", str(spec), "-s", str(tmp_path / "s.db")]) == 0
    assert "2 ok" in capsys.readouterr().out
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "suite.yaml").write_text(yaml.safe_dump(
        {"name": "named", "configs": ["tiny8_ws"], "workloads": ["digits_mlp"], "batch": 1}))
    base = tmp_path / "baseline"
    assert main(["regress", str(suite), "--baseline", str(base), "--update"]) == 0
    assert main(["regress", str(suite), "--baseline", str(base)]) == 0
    summary = json.loads((base / "tiny8_ws__digits_mlp__b1" / "summary.json").read_text())
    assert summary["hardware"]["source"] == "tiny8_ws" and "run_info" not in summary


def test_an_unknown_name_says_what_exists(tmp_path, capsys):
    assert main(["run", "no_such_machine", "digits_mlp", "-o", str(tmp_path / "o")]) == 2
    assert "no_such_machine" in capsys.readouterr().err


def test_list_prints_every_shipped_file_and_preset_once(capsys):
    from accelsim.hardware.crossbar.devices import DEVICES
    from accelsim.hardware.crossbar.presets import TILE_PRESETS
    from accelsim.hardware.memory.dram_presets import DRAM_PRESETS
    from accelsim.hardware.memory.technology import TECHNOLOGIES

    assert main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    entries = [line.split()[0] for line in lines if line.startswith("  ")]
    expected = (shipped.names("hw") + shipped.names("workload") + TECHNOLOGIES.names()
                + DRAM_PRESETS.names() + TILE_PRESETS.names() + DEVICES.names())
    assert entries == expected
    assert "ideal" in DRAM_PRESETS.names()


def test_unknown_dram_preset_lists_ideal(tmp_path, capsys):
    from accelsim.hardware.memory.dram_presets import DRAM_PRESETS
    with pytest.raises(Exception) as err:
        DRAM_PRESETS.get("ddr9")
    assert "ideal" in str(err.value) and "hbm2" in str(err.value)
