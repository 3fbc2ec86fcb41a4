"""Count × energy pricing: closed forms on tiny hand-made counts."""
import copy
import math

import pytest

from accelsim.core.errors import ConfigError
from accelsim.energy.pricing import column, price, summary_section
from accelsim.energy.table import EnergyTable

pytestmark = pytest.mark.closed_form

F22 = 0.294          # Stillmaker 45 → 22 nm
F40 = 0.868          # 45 → 40 nm (Aladdin register node)


def components(row: dict) -> dict:
    return {k: v for k, v in row.items()
            if k.endswith("_energy_pj") and k != "total_energy_pj"}


def test_closed_forms_of_every_component(config, counts):
    r = price(counts, config)
    row = r["rows"][0]
    assert row["layer"] == "conv1" and row["phase"] == "forward"
    # MAC: bf16 = bf16 mult 0.55 + fp32 add 0.9; int8 = int8 mult 0.2 + int32 add 0.1
    assert row["mac_energy_pj"] == pytest.approx((1000 * 1.45 + 10 * 0.30) * F22)
    # PE registers: (2 × 16 + 32) bits for bf16, (2 × 8 + 32) for int8, 0.009 pJ/bit at 40 nm
    assert row["pe_register_energy_pj"] == pytest.approx(
        (1000 * 64 + 10 * 48) * 0.009 * F22 / F40)
    # scratchpad: per-64-bit energies scaled to the word (act: 8 B, wgt: 16 B words)
    assert row["buffer_act_read_energy_pj"] == pytest.approx(100 * 7.2)
    assert row["buffer_act_write_energy_pj"] == pytest.approx(40 * 7.2)
    assert row["buffer_wgt_read_energy_pj"] == pytest.approx(30 * 20.6 * 2)
    assert row["buffer_wgt_write_energy_pj"] == 0.0
    # DRAM (DDR4): core per bit, I/O per bit, ACT+PRE per activation
    assert row["dram_read_energy_pj"] == pytest.approx(640 * 8 * 5.48)
    assert row["dram_write_energy_pj"] == pytest.approx(64 * 8 * 4.63)
    assert row["dram_io_energy_pj"] == pytest.approx(704 * 8 * 10.0)
    assert row["dram_activation_energy_pj"] == pytest.approx(2 * 4230.0)
    # refresh per refresh of a rank; active standby = (active − precharge standby) mW × rank-ns
    assert row["dram_refresh_energy_pj"] == pytest.approx(3 * 670600.0)
    assert row["dram_active_standby_energy_pj"] == pytest.approx((499.2 - 355.2) * 500.0)
    # static: leakage mW × ns (1 GHz: 600 cycles = 600 ns); act 1 MB SRAM 26.6 mW, wgt 0.5 MB STT
    assert row["buffer_act_leakage_energy_pj"] == pytest.approx(26.6 * 600)
    assert row["buffer_wgt_leakage_energy_pj"] == pytest.approx(4.2 / 2 * 600)
    # DRAM background: precharge standby of the one rank of the one channel
    assert row["dram_background_energy_pj"] == pytest.approx(355.2 * 600)
    # vector: fp32 FMA lane op = 3.7 + 0.9 pJ at 45 nm
    assert r["rows"][2]["vector_energy_pj"] == pytest.approx(64 * 4.6 * F22)


def test_row_total_is_exactly_the_sum_of_its_components(config, counts):
    for row in price(counts, config)["rows"]:
        assert row["total_energy_pj"] == math.fsum(components(row).values())


def test_summary_dynamic_components_are_exact_row_sums(config, counts):
    r = price(counts, config)
    e = r["energy_pj"]
    for name, total in e["by_component"].items():
        if name in r["static_power_mw"]:
            assert total == r["static_power_mw"][name] * 1000.0   # power × makespan (1000 ns)
        else:
            assert total == math.fsum(row[column(name)] for row in r["rows"])
    assert e["total"] == math.fsum(e["by_component"].values())
    assert e["total"] == pytest.approx(e["dynamic"] + e["leakage"] + e["dram_background"])
    # these rows tile the makespan (600 + 300 + 100 = 1000 cycles): rows add up to the total
    assert math.fsum(row["total_energy_pj"] for row in r["rows"]) == pytest.approx(e["total"])


def test_zero_actions_give_zero_dynamic_energy(config, make_counts):
    rows = [{"layer": "l", "phase": "forward", "total_cycles": 50, "actions": {}},
            {"layer": "l", "phase": "update", "total_cycles": 50,
             "actions": {"mac": {"bf16": 0}, "dram": {"read_bytes": 0}}}]
    r = price(make_counts(rows, total_cycles=100), config)
    assert r["energy_pj"]["dynamic"] == 0.0
    for row in r["rows"]:
        static = sum(row[column(c)] for c in r["static_power_mw"])
        assert row["total_energy_pj"] == pytest.approx(static)
        static_columns = {column(s) for s in r["static_power_mw"]}
        assert all(v == 0.0 for c, v in components(row).items() if c not in static_columns)


def test_leakage_is_linear_in_time(config, make_counts):
    base = price(make_counts(total_cycles=1000), config)["energy_pj"]
    for factor in (2, 3, 10):
        e = price(make_counts(total_cycles=1000 * factor), config)["energy_pj"]
        assert e["leakage"] == pytest.approx(factor * base["leakage"], rel=1e-12)
        assert e["dram_background"] == pytest.approx(factor * base["dram_background"], rel=1e-12)
        assert e["dynamic"] == base["dynamic"]
    slow = price(make_counts(clock_ghz=0.5), {**config, "clock_ghz": 0.5})["energy_pj"]
    assert slow["leakage"] == pytest.approx(2 * base["leakage"])  # same cycles, half the clock


def test_repricing_with_the_same_table_is_bit_identical(config, counts):
    assert price(counts, config) == price(copy.deepcopy(counts), copy.deepcopy(config))


@pytest.mark.parametrize("key, component", [
    ("dram.ddr4_3200.read_pj_per_bit", "dram_read"),
    ("dram.ddr4_3200.io_pj_per_bit", "dram_io"),
    ("dram.ddr4_3200.activation_nj", "dram_activation"),
    ("dram.ddr4_3200.refresh_nj", "dram_refresh"),
    ("pe_register.pj_per_bit_access_40nm", "pe_register"),
    ("scratchpad.act.leakage_mw", "buffer_act_leakage"),
    ("scratchpad.wgt.read_energy_pj", "buffer_wgt_read"),
])
def test_doubling_one_entry_doubles_exactly_that_component(config, counts, key, component):
    default = EnergyTable.default()
    base_value = (default.get(key, needed_for="test").value if key in default else
                  {"scratchpad.act.leakage_mw": 26.6, "scratchpad.wgt.read_energy_pj": 20.6}[key])
    doubled = default.with_overrides(
        {"entries": {key: {"value": 2 * base_value, "source": "test: doubled"}}}, "double.yaml")
    a, b = price(counts, config), price(counts, config, doubled)
    for name, pj in a["energy_pj"]["by_component"].items():
        other = b["energy_pj"]["by_component"][name]
        assert other == (2 * pj if name == component else pj), name
    for ra, rb in zip(a["rows"], b["rows"]):
        for c, v in components(ra).items():
            assert rb[c] == (2 * v if c == column(component) else v), c


def test_node_factor_scales_mac_vector_and_registers(make_hardware, make_counts):
    cfg14 = make_hardware(node_nm=14).resolved_dict()
    r14 = price(make_counts(node_nm=14), cfg14)["rows"][0]
    r22 = price(make_counts(), make_hardware().resolved_dict())["rows"][0]
    assert r14["mac_energy_pj"] == pytest.approx(r22["mac_energy_pj"] * 0.139 / F22)
    assert r14["buffer_act_read_energy_pj"] == r22["buffer_act_read_energy_pj"]  # from tech


def test_summary_records_the_entries_used_with_their_sources(config, counts):
    r = price(counts, config)
    entries = r["energy_table"]["entries"]
    assert "compute.bf16_multiply_pj_45nm" in entries
    assert "compute.fp16_multiply_pj_45nm" not in entries   # no fp16 MACs counted
    assert all(e["source"] for e in entries.values())
    assert set(summary_section(r)) == {"energy_pj", "static_power_mw", "area_mm2",
                                       "energy_table", "unpriced"}


def test_ideal_dram_traffic_is_listed_as_unpriced(make_hardware, counts):
    cfg = make_hardware(dram={"preset": "ideal"}).resolved_dict()
    r = price(counts, cfg)
    assert "dram_read" not in r["energy_pj"]["by_component"]
    assert r["unpriced"] and "ideal DRAM" in r["unpriced"][0]


def test_crossbar_actions_are_priced_from_the_table(config, make_counts):
    rows = [{"layer": "fc", "phase": "forward", "total_cycles": 10, "actions": {"crossbar": {
        "adc_conversions": 128, "dac_drives": 128, "cell_reads": 16384, "write_pulses": 3,
        "shift_adds": 16, "digital_accumulations": 8}}}]
    cfg = {**config, "crossbar": {"adc_bits": 8}}
    row = price(make_counts(rows, total_cycles=10), cfg)["rows"][0]
    assert row["crossbar_adc_energy_pj"] == pytest.approx(128 * 0.745)
    assert row["crossbar_dac_energy_pj"] == pytest.approx(128 * 0.42 * F22 / 0.659)
    assert row["crossbar_cell_read_energy_pj"] == pytest.approx(16384 * 0.00625)
    assert row["crossbar_write_pulse_energy_pj"] == pytest.approx(3 * 0.2)
    assert row["crossbar_shift_add_energy_pj"] == pytest.approx(16 * 0.021 * F22 / 0.659)
    assert row["crossbar_digital_accumulation_energy_pj"] == pytest.approx(8 * 0.1 * F22)
    with pytest.raises(ConfigError, match="crossbar.adc_bits"):
        price(make_counts(rows, total_cycles=10), config)


# --- bad input -------------------------------------------------------------------------------

def test_missing_entry_for_a_component_in_use(make_hardware, make_counts, config, counts):
    cfg7 = make_hardware(node_nm=7).resolved_dict()
    with pytest.raises(ConfigError, match="no energy-table entry") as err:
        price(make_counts(node_nm=7), cfg7)
    assert err.value.field == "node.energy_factor_from_45nm.7" and "--table" in err.value.fix
    # an unknown DRAM kind has no entries
    cfg = copy.deepcopy(config)
    cfg["dram"]["resolved"]["name"] = "ddr5_4800"
    with pytest.raises(ConfigError, match="DRAM background"):
        price(counts, cfg)
    # ... a table can supply them
    entries = {f"dram.ddr5_4800.{k}": {"value": 1.0, "source": "test"} for k in (
        "read_pj_per_bit", "write_pj_per_bit", "io_pj_per_bit", "activation_nj",
        "precharge_standby_mw_per_rank", "active_standby_mw_per_rank", "refresh_nj")}
    price(counts, cfg, EnergyTable.default().with_overrides({"entries": entries}))
    # a component not in use needs no entry: 7 nm counts without MACs or vector ops price fine
    rows = [{"layer": "l", "phase": "forward", "total_cycles": 5,
             "actions": {"buffer.act": {"read_words": 1}}}]
    price(make_counts(rows, node_nm=7, total_cycles=5), cfg7)


@pytest.mark.parametrize("mutate, message", [
    (lambda c: c.update(schema="other/1"), "unsupported counts schema"),
    (lambda c: c["rows"][0].update(phase="sideways"), "unknown phase"),
    (lambda c: c["rows"][0]["actions"]["mac"].update(fp8=3), "unknown action 'fp8'"),
    (lambda c: c["rows"][0]["actions"].update(tpu={"x": 1}), "unknown action group"),
    (lambda c: c["rows"][0]["actions"]["dram"].update(read_bytes=-1), "non-negative"),
    (lambda c: c["rows"][0]["actions"]["mac"].update(bf16=True), "finite number"),
    (lambda c: c["rows"][0].update(total_cycles=2.5), "whole number"),
    (lambda c: c["rows"][0].update(total_cycles=5000), "longer than the step"),
    (lambda c: c.update(clock_ghz=0), "positive"),
    (lambda c: c.update(node_nm=32), "differs from the hardware config"),
    (lambda c: c["rows"][0]["actions"].update({"buffer.nope": {"read_words": 1}}),
     "buffer 'nope'"),
])
def test_bad_counts_are_rejected(config, counts, mutate, message):
    mutate(counts)
    with pytest.raises(ConfigError, match=message):
        price(counts, config)


def test_non_positive_resolved_values_are_rejected(config, counts):
    bad = copy.deepcopy(config)
    bad["scratchpad"][0]["resolved_technology"]["read_energy_pj"] = 0.0
    with pytest.raises(ConfigError, match="positive") as err:
        price(counts, bad, config_source="run/summary.json")
    assert err.value.source == "run/summary.json"
    assert err.value.field == "scratchpad.act.resolved_technology.read_energy_pj"


def test_table_entry_for_an_unknown_buffer_is_rejected(config, counts):
    table = EnergyTable.default().with_overrides(
        {"entries": {"scratchpad.nope.leakage_mw": {"value": 1.0, "source": "x"}}}, "t.yaml")
    with pytest.raises(ConfigError, match="buffer 'nope'") as err:
        price(counts, config, table)
    assert err.value.source == "t.yaml"
