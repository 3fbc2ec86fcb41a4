"""Closed forms of the DRAM model, computed by hand from the DRAMSim3 timing in the presets."""
import math

import pytest

from accelsim.hardware.config import Dram
from accelsim.core.errors import ConfigError
from accelsim.hardware.memory.dram import DramChannels
from accelsim.memory.dram import replay
from accelsim.hardware.memory.dram_timing import StreamTiming

DDR4_TCK = 0.63
BGINT = {"preset": "ddr4_3200", "mapping": "rochrabacobg"}


def channels(**fields):
    return DramChannels(None, Dram(**{"preset": "ddr4_3200", **fields}).resolved(), 1.0)


def test_mapping_decides_bank_group_runs_channel_chunks_and_open_banks():
    ddr4 = StreamTiming(Dram().resolved())
    assert ddr4.bank_group_run == 8192 // 64        # column bits lowest: a whole row per group
    bgint = StreamTiming(Dram(**BGINT).resolved())
    assert (bgint.bank_group_run, bgint.open_banks) == (1, 4)
    hbm = StreamTiming(Dram(preset="hbm2").resolved())
    assert hbm.channel_chunk_bytes == 2048 and hbm.open_banks == 1   # rorabgbachco: 32 bursts


def test_cycles_per_burst_from_tccd():
    bgint = StreamTiming(Dram(**BGINT).resolved())
    assert bgint.gap_ck(1) == 4                      # max(BL/2 4, tCCD_S 4)
    ddr4 = StreamTiming(Dram().resolved())
    # 128 bursts in one bank group: tCCD_L 8 each, but 2 × (16 + 8) = 48 of them are served
    # while the next group's run is already queued, at max(4, tCCD_S, tCCD_L / 2) = 4
    assert ddr4.gap_ck(128) == pytest.approx((80 * 8 + 48 * 4) / 128)
    # 256 B every 512 B: 64 requested bursts per run, 48 of them paired
    assert ddr4.stream_gap_ck(256, 512) == pytest.approx((16 * 8 + 48 * 4) / 64)


def test_a_sequential_read_is_latency_plus_bursts():
    ch = channels(mapping="rochrabacobg")
    cost = ch.transfer(65536, now=0)
    # tRCD 22 + CL 22, then 1024 bursts at 4 tCK; no refresh before tREFI (7.86 µs)
    assert cost.end_cycle == math.ceil((44 + 1024 * 4) * DDR4_TCK)
    assert cost.activations == 8 and cost.refreshes == 0
    assert cost.active_rank_ns == pytest.approx((44 + 1024 * 4) * DDR4_TCK)


def test_a_transfer_that_meets_a_refresh_waits_trfc():
    ch = channels(mapping="rochrabacobg")
    trefi = 12480 * DDR4_TCK
    start = trefi - 100.0                           # the refresh falls inside the transfer
    cost = ch.transfer(65536, now=start)
    assert cost.end_cycle == math.ceil(start + (44 + 1024 * 4 + 560) * DDR4_TCK - 1e-9)
    assert cost.refreshes == 1                      # the one refresh of the one rank so far
    assert cost.activations == 8 + 4                # 4 open bank groups reopened after it
    # the refresh is precharge time, not active standby
    assert cost.active_rank_ns == pytest.approx((44 + 1024 * 4) * DDR4_TCK)


@pytest.mark.parametrize("rw_queue", ["unified", "split"])
def test_read_write_turnaround_only_when_streams_interleave(rw_queue):
    ch = channels(mapping="rochrabacobg", rw_queue=rw_queue)
    read = ch.transfer(65536, now=0)
    write = ch.transfer(65536, write=True, now=0)
    serial = (1024 * 4 + 1024 * 4 + 38) * DDR4_TCK
    # unified: every 16 requests of each direction, tWTR_S 4 + CL 22 + tRTRS 1 idle cycles
    extra = 1024 / 16 * (4 + 22 + 1) * DDR4_TCK if rw_queue == "unified" else 0.0
    assert read.end_cycle == math.ceil((44 + 1024 * 4) * DDR4_TCK)
    # the write queues behind the read (CWL 16 instead of CL 22 to its first data)
    assert write.end_cycle == math.ceil(serial + extra - 1e-9)


def test_no_turnaround_once_the_other_direction_has_completed():
    ch = channels(mapping="rochrabacobg")
    read = ch.transfer(65536, now=0)
    write = ch.transfer(65536, write=True, now=read.end_cycle)
    assert write.end_cycle == math.ceil(read.end_cycle + (38 + 1024 * 4) * DDR4_TCK - 1e-9)


def test_replay_chains_a_streams_transfers_and_prices_them():
    one = {"op": "read", "bytes": 64, "stream": 0, "chained": False}
    single = replay(BGINT, [one])
    chained = replay(BGINT, [one, {**one, "chained": True}])
    parallel = replay(BGINT, [one, {**one, "stream": 1}])
    assert single.time_ns == math.ceil((44 + 4) * DDR4_TCK)
    assert chained.time_ns == 2 * single.time_ns       # the second waits for the first
    assert parallel.time_ns < chained.time_ns
    e = single.energy_pj
    assert e["dram_read"] == pytest.approx(64 * 8 * 5.48)
    assert e["dram_activation"] == pytest.approx(4230.0)
    assert e["dram_background"] == pytest.approx(355.2 * single.time_ns)
    assert e["dram_active_standby"] == pytest.approx((499.2 - 355.2) * 48 * DDR4_TCK)
    assert single.energy_pj_total == pytest.approx(sum(e.values()))


def test_ranks_multiply_the_background():
    one = [{"op": "read", "bytes": 64, "stream": 0, "chained": False}]
    a, b = replay({"preset": "hbm2"}, one), replay({"preset": "hbm2", "ranks": 2}, one)
    assert b.energy_pj["dram_background"] == pytest.approx(2 * a.energy_pj["dram_background"])


@pytest.mark.parametrize("preset,transfers,field", [
    ({"preset": "ddr4_3200", "mapping": "rochrababg"}, [], "mapping"),
    ({"preset": "ddr5"}, [], "dram.preset"),
    ("hbm2", [{"op": "copy", "bytes": 64}], "transfers[0].op"),
    ("hbm2", [{"op": "read"}], "transfers[0]"),
])
def test_bad_replay_input_names_the_field(preset, transfers, field):
    with pytest.raises(ConfigError) as err:
        replay(preset, transfers)
    assert field in str(err.value)
