"""Energy components declared once: the counts vocabulary, the columns, the load-time check, the
study's groups and crossbar-compare's on-chip share all follow from accelsim.energy.components."""
import pytest
import yaml

from accelsim.api import load_graph, load_hardware, simulate
from accelsim.cli import main
from accelsim.energy import components
from accelsim.energy.counts import ACTIONS, BUFFER_ACTIONS
from accelsim.energy.pricing import price
from accelsim.results.writer import counts
from accelsim.tools.studies.mram import GROUPS, component_group


@pytest.fixture(scope="module")
def crossbar_energy():
    hw = load_hardware("crossbar_analog")
    return price(counts(simulate(hw, load_graph("digits_mlp"))), hw.resolved_dict())


def test_every_priced_component_is_declared_and_in_a_study_group(crossbar_energy):
    names = list(crossbar_energy["energy_pj"]["by_component"])
    assert all(components.component_of(n) is not None for n in names)
    assert {component_group(n) for n in names} <= set(GROUPS) - {"other"}
    assert component_group("something_new") == "other"


def test_columns_follow_the_declaration_order(crossbar_energy):
    hw = load_hardware("crossbar_analog")
    buffers = [b.name for b in hw.scratchpad]
    dynamic = components.dynamic_names(buffers, dram=True, crossbar=True)
    row = crossbar_energy["rows"][0]
    columns = [k[:-len("_energy_pj")] for k in row if k.endswith("_energy_pj")]
    assert columns[:len(dynamic)] == dynamic
    assert columns[len(dynamic):] == [f"buffer_{b}_leakage" for b in buffers] + [
        "dram_background", "total"]
    assert not components.off_chip("crossbar_adc") and components.off_chip("dram_io")


def test_counts_vocabulary_is_the_declared_actions():
    assert ACTIONS["mac"] == ("int8", "bf16", "fp16", "fp32")
    assert ACTIONS["dram"] == ("read_bytes", "write_bytes", "activations", "refreshes",
                              "active_rank_ns")
    assert BUFFER_ACTIONS == ("read_words", "write_words", "ecc_read_bits", "ecc_write_bits")
    assert set(ACTIONS["crossbar"]) == set(components.action_component("crossbar"))


def test_an_unpriceable_crossbar_is_refused_when_the_config_is_loaded(tmp_path, capsys, root):
    data = yaml.safe_load((root / "hw_configs" / "crossbar_analog.yaml").read_text())
    data["node_nm"], data["crossbar"]["adc_bits"] = 22, 5   # no 5-bit ADC entry at 22 nm
    path = tmp_path / "x.yaml"
    path.write_text(yaml.safe_dump(data))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "crossbar.adc_pj_per_conversion.5b.22nm" in err and err.count("\n") == 1
