"""Crossbar units in the engine: a mixed systolic + crossbar machine runs ResNet-18 training."""
import math

import pytest

from accelsim.api import hardware_from_dict, simulate
from accelsim.core.yamlfile import load_yaml
from accelsim.energy.pricing import price
from accelsim.hardware.crossbar.kernels import forward_vmm
from accelsim.results.crossbar_summary import crossbar_summary
from accelsim.results.writer import counts
from accelsim.workload.graph import build_graph
from accelsim.workload.loader import load_workload


@pytest.fixture(scope="module")
def mixed_run():
    data = load_yaml("hw_configs/train128_sram.yaml")
    data["crossbar"] = {"tiles": 2048, "exclude_layers": ["conv1", "fc"]}
    hw = hardware_from_dict(data)
    xcfg = hw.crossbar
    graph = build_graph(load_workload("workloads/resnet18.yaml"))
    run = simulate(hw, graph)
    return hw, xcfg, graph, run, run.result.crossbar


def test_layers_run_on_the_engine_the_config_says(mixed_run):
    hw, xcfg, graph, run, machine = mixed_run
    units = {(r.layer, r.phase): r.unit for r in run.result.rows}
    assert units[("conv1", "forward")] == "array0" and units[("fc", "update")] == "vector"
    assert units[("layer1.0.conv1", "forward")] == "xbar:layer1.0.conv1"
    assert units[("layer4.1.conv2", "backward_weight")] == "xbar:layer4.1.conv2"
    assert units[("maxpool", "forward")] == "vector"
    assert ("layer1.0.conv1", "update") not in units      # updated in place by backward_weight
    assert set(machine.plan.mappings) == {r.layer for r in run.result.rows
                                          if r.unit.startswith("xbar:")}


def test_stalls_add_up_and_compute_is_the_closed_form(mixed_run):
    hw, xcfg, graph, run, machine = mixed_run
    for r in run.result.rows:
        assert r.total_cycles == r.compute_cycles + r.stall_cycles
    row = next(r for r in run.result.rows if (r.layer, r.phase) == ("layer2.0.conv1", "forward"))
    k = forward_vmm(machine.plan.mappings["layer2.0.conv1"], xcfg, 1, hw.clock_ghz)
    assert row.compute_cycles == k.cycles and row.macs == k.macs
    assert row.extra_actions["crossbar"]["adc_conversions"] == k.adc_conversions


def test_energy_adds_up_and_crossbar_macs_are_not_priced_as_digital(mixed_run):
    hw, xcfg, graph, run, machine = mixed_run
    e = price(counts(run), hw.resolved_dict())
    assert math.isclose(e["energy_pj"]["total"], math.fsum(e["energy_pj"]["by_component"].values()))
    for row, r in zip(e["rows"], run.result.rows):
        if r.unit.startswith("xbar:"):
            assert row["mac_energy_pj"] == 0
            key = "crossbar_write_pulse_energy_pj" if r.phase == "backward_weight" else \
                "crossbar_adc_energy_pj"
            assert row[key] > 0
    summ = crossbar_summary(machine, hw)
    assert summ["tiles_used"] == machine.plan.tiles_used <= 2048
    assert summ["error_profile"]["layers"] == list(machine.plan.mappings)
    assert summ["programming"]["write_pulses"] > 0


def test_crossbar_compare_command(capsys, tmp_path):
    from accelsim.cli import main
    out = tmp_path / "cmp.json"
    assert main(["crossbar-compare", "--json", str(out)]) == 0
    text = capsys.readouterr().out
    assert "digital_reram" in text and "sram_digital" in text and "fJ/MAC" in text
    assert out.exists()


def test_crossbar_compare_bad_machine(tmp_path, capsys):
    from accelsim.cli import main
    bad = tmp_path / "bad.yaml"
    bad.write_text(open("hw_configs/crossbar_analog.yaml").read().replace(
        "tiles: 64", "tiles: 64\n  cols_per_adc: 0"))
    assert main(["crossbar-compare", "--analog", str(bad)]) == 2
    assert "crossbar.cols_per_adc" in capsys.readouterr().err
