"""A buffer's SRAM write buffer is priced: entry write + drain per written word, leakage, area.

Default-table numbers (NVSim 22 nm 64 KB SRAM, docs/energy.md §5): 2.5 pJ per 64-bit write and
read, 2.60 mW and 0.077 mm² per 64 KB.
"""
import math

import pytest

from accelsim.api import simulate
from accelsim.core.errors import ConfigError
from accelsim.energy.check import check_priceable
from accelsim.energy.pricing import price
from accelsim.results.writer import counts
from accelsim.workload.graph import build_graph
from testkit import machine, small_cnn

pytestmark = pytest.mark.closed_form

WB = {"entries": 16, "entry_bytes": 64}          # 1 KB of SRAM entries


def _with_write_buffer(make_hardware, buffer="act", **wb):
    plain = make_hardware()
    bufs = [b.model_dump() | ({"write_buffer": wb or WB} if b.name == buffer else {})
            for b in plain.scratchpad]
    return plain, make_hardware(scratchpad=bufs)


def test_each_written_word_costs_one_entry_write_and_one_drain(make_hardware, counts):
    plain, buffered = _with_write_buffer(make_hardware)
    a, b = price(counts, plain.resolved_dict()), price(counts, buffered.resolved_dict())
    row_a, row_b = a["rows"][0], b["rows"][0]
    # act: 40 written words of 8 B = one 64-bit access each; 2.5 pJ in, 2.5 pJ out
    assert row_b["write_buffer_act_write_energy_pj"] == 40 * 2.5
    assert row_b["write_buffer_act_drain_energy_pj"] == 40 * 2.5
    # leakage: 2.60 mW × 1 KB / 64 KB over the row's 600 ns
    assert row_b["write_buffer_act_leakage_energy_pj"] == pytest.approx(2.60 / 64 * 600)
    # exactly the entries' energy more per written word, everything else unchanged
    extra = 40 * (2.5 + 2.5) + 2.60 / 64 * 600
    assert row_b["total_energy_pj"] == pytest.approx(row_a["total_energy_pj"] + extra)
    for key, value in row_a.items():
        if key != "total_energy_pj":
            assert row_b[key] == value, key
    assert not any(k.startswith("write_buffer_wgt") for k in row_b)  # only act has one


def test_area_grows_by_the_entries_area(make_hardware, counts):
    plain, buffered = _with_write_buffer(make_hardware)
    a = price(counts, plain.resolved_dict())["area_mm2"]
    b = price(counts, buffered.resolved_dict())["area_mm2"]
    assert b["by_component"]["write_buffer_act"] == pytest.approx(0.077 / 64)
    assert b["total"] == pytest.approx(a["total"] + 0.077 / 64)
    assert {k: v for k, v in b["by_component"].items() if k != "write_buffer_act"} \
        == a["by_component"]


def test_wider_words_and_the_stt_buffers_node(make_hardware, make_counts):
    # wgt is STT-MRAM at 22 nm with 16 B words: its write buffer is 22 nm SRAM, 2 accesses a word
    plain, buffered = _with_write_buffer(make_hardware, "wgt", entries=4, entry_bytes=32)
    row = price(make_counts(), buffered.resolved_dict())["rows"][2]
    assert row["write_buffer_wgt_write_energy_pj"] == 4 * 2.5 * 2
    assert row["write_buffer_wgt_drain_energy_pj"] == 4 * 2.5 * 2


def test_a_machine_without_write_buffers_is_unchanged(make_hardware, counts):
    r = price(counts, make_hardware().resolved_dict())
    assert not any("write_buffer" in k for row in r["rows"] for k in row)
    assert not any(k.startswith("write_buffer") for k in r["energy_pj"]["by_component"])
    assert not any(k.startswith("write_buffer") for k in r["energy_table"]["entries"])


def test_a_node_without_write_buffer_sram_is_a_config_error(make_hardware, counts):
    _, buffered = _with_write_buffer(make_hardware)
    check_priceable(buffered)
    cfg = buffered.resolved_dict()
    cfg["scratchpad"][0]["resolved_technology"]["node_nm"] = 16   # no 16 nm write-buffer SRAM
    with pytest.raises(ConfigError, match="write_buffer.16nm"):
        price(counts, cfg)


def test_counts_come_from_the_engine_writes():
    plain = machine(8, 8, "ws", capacity=8192, tech="stt_mram_22nm")
    bufs = [b.model_dump() for b in plain.scratchpad]
    bufs[2]["write_buffer"] = {"entries": 8, "entry_bytes": 64}          # ofmap
    hw = type(plain).model_validate(plain.model_dump() | {"scratchpad": bufs})
    run = simulate(hw, build_graph(small_cnn(batch=4), "training"))
    doc = counts(run)
    e = price(doc, hw.resolved_dict())
    words = math.fsum(r["actions"].get("buffer.ofmap", {}).get("write_words", 0)
                      for r in doc["rows"])
    assert words > 0
    by = e["energy_pj"]["by_component"]
    assert by["write_buffer_ofmap_write"] == pytest.approx(words * 2.5)
    assert by["write_buffer_ofmap_drain"] == pytest.approx(words * 2.5)
    assert "write_buffer_ifmap_write" not in by
