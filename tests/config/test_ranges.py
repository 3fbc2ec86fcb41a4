"""Every numeric input field has a documented plausible range, and docs/inputs.md lists them."""
import dataclasses

from accelsim.core.ranges import numeric_fields, range_of
from accelsim.energy.table import EnergyTable, entry_range
from accelsim.hardware.memory.technology import _NUMERIC, MemoryTechnology, override_range
from rangedoc import BEGIN, END, MODELS, table


def test_every_numeric_field_has_a_range():
    missing = [f"{label}: {path}" for label, model in MODELS.items()
               for path, annotation in numeric_fields(model) if range_of(annotation) is None]
    assert not missing, f"declare these with accelsim.core.ranges.Int/Real: {missing}"


def test_technology_overrides_and_energy_entries_have_ranges():
    for key in _NUMERIC:
        assert override_range(key).contains(1e-3 if key.endswith("_rate") else 1)
    for name in {f.name for f in dataclasses.fields(MemoryTechnology)}:
        assert name not in _NUMERIC or override_range(name)
    for key in EnergyTable.default().keys():
        value = EnergyTable.default().get(key, needed_for="test").value
        assert entry_range(key).contains(value), key  # the shipped table is plausible


def test_docs_list_every_range(root):
    text = (root / "docs" / "inputs.md").read_text(encoding="utf-8")
    documented = text.split(BEGIN)[1].split(END)[0].strip()
    assert documented == table().strip(), \
        "docs/inputs.md is out of date: paste the output of python3 tests/config/rangedoc.py"
