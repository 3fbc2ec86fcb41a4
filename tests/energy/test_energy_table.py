"""The energy table: default entries, user overrides, and bad tables."""
import pytest
import yaml

from accelsim.core.errors import ConfigError
from accelsim.energy.table import EnergyTable


def write(tmp_path, doc, name="t.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc) if isinstance(doc, dict) else doc)
    return path


def test_default_table_has_a_positive_cited_value_for_every_entry():
    table = EnergyTable.default()
    doc = table.to_document()
    assert len(doc["entries"]) > 40
    for key, entry in doc["entries"].items():
        assert entry["value"] > 0, key
        assert len(entry["source"]) > 10, key


@pytest.mark.parametrize("key, value", [
    ("compute.fp32_multiply_pj_45nm", 3.7), ("compute.int8_multiply_pj_45nm", 0.2),
    ("node.energy_factor_from_45nm.22", 0.294), ("node.energy_factor_from_45nm.14", 0.139),
    ("dram.hbm2.read_pj_per_bit", 1.57), ("dram.ddr4_3200.read_pj_per_bit", 5.48),
    ("crossbar.adc_pj_per_conversion.8b.32nm", 1.67),
])
def test_default_values_match_the_cited_figures(key, value):
    assert EnergyTable.default().get(key, needed_for="test").value == value


def test_user_table_overrides_and_adds_entries_nested_or_dotted(tmp_path):
    path = write(tmp_path, {"name": "cacti", "entries": {
        "dram": {"hbm2": {"io_pj_per_bit": {"value": 3.0, "source": "mine"}}},
        "node.energy_factor_from_45nm.7": {"value": 0.05, "source": "guess"},
        "scratchpad.act.leakage_mw": {"value": 140.0, "source": "CACTI-HP 1 MB 22 nm"}}})
    table = EnergyTable.load(path)
    assert table.name == "default+cacti"
    hbm = table.get("dram.hbm2.io_pj_per_bit", needed_for="t")
    assert hbm.value == 3.0 and hbm.origin == str(path)
    assert table.get("node.energy_factor_from_45nm.7", needed_for="t").value == 0.05
    assert table.get("dram.hbm2.read_pj_per_bit", needed_for="t").value == 1.57  # untouched
    assert "scratchpad.act.leakage_mw" in table


def test_dump_round_trips(tmp_path):
    table = EnergyTable.default()
    again = EnergyTable.load(write(tmp_path, table.dump()))
    assert again.to_document()["entries"] == table.to_document()["entries"]


@pytest.mark.parametrize("entries, message, field", [
    ({"compute.fp32_add_pj_45nm": {"value": 0, "source": "x"}}, "must be positive",
     "entries.compute.fp32_add_pj_45nm.value"),
    ({"dram.hbm2.read_pj_per_bit": {"value": -1.5, "source": "x"}}, "must be positive",
     "entries.dram.hbm2.read_pj_per_bit.value"),
    ({"crossbar.adc_area_um2.8b.32nm": {"value": 1.0, "source": "x"}},  # tile presets hold areas
     "unknown energy-table key", "entries.crossbar.adc_area_um2.8b.32nm"),
    ({"scratchpad.act.area_mm2": {"value": -0.2, "source": "x"}}, "must be positive",
     "entries.scratchpad.act.area_mm2.value"),
    ({"compute.fp32_add_pj_45nm": {"value": 1.0}}, "non-empty 'source'",
     "entries.compute.fp32_add_pj_45nm.source"),
    ({"compute.fp32_add_pj_45nm": {"value": "1", "source": "x"}}, "finite number",
     "entries.compute.fp32_add_pj_45nm.value"),
    ({"compute.fp32_add_pj_45nm": {"value": 1, "source": "x", "unit": "pJ"}},
     "unknown entry key", "entries.compute.fp32_add_pj_45nm"),
    ({"compute.fp8_multiply_pj_45nm": {"value": 1, "source": "x"}}, "unknown energy-table key",
     "entries.compute.fp8_multiply_pj_45nm"),
    ({"scratchpad.act.read_ns": {"value": 1, "source": "x"}}, "unknown energy-table key",
     "entries.scratchpad.act.read_ns"),
    ({"compute": 3}, "expected", "entries.compute"),
])
def test_bad_entries_are_rejected_with_file_and_field(tmp_path, entries, message, field):
    path = write(tmp_path, {"entries": entries})
    with pytest.raises(ConfigError, match=message) as err:
        EnergyTable.load(path)
    assert err.value.source == str(path)
    assert err.value.field == field


@pytest.mark.parametrize("doc, message", [
    ({"schema": "accelsim.energy_table/9", "entries": {}}, "unsupported table schema"),
    ({"entries": {}}, "missing or empty"),
    ({"rows": []}, "unknown top-level key"),
])
def test_bad_table_documents_are_rejected(tmp_path, doc, message):
    with pytest.raises(ConfigError, match=message):
        EnergyTable.load(write(tmp_path, doc))


def test_missing_table_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        EnergyTable.load(tmp_path / "nope.yaml")
