"""The DRAM channel model in closed form: bandwidth, row activations, latency, contention."""
import simpy

from accelsim.hardware.memory.dram import DramChannels
from accelsim.hardware.memory.dram_presets import DramPreset

# 2 channels × 4 GB/s on a 2 GHz clock: 0.5 cycles per byte per channel; 20 ns = 40 cycles of
# latency; 64-byte rows; tRC 8 ns over 4 banks = 2 ns = 4 cycles of channel time per activation
P = DramPreset("t", 2, 4.0, 20.0, 64, 4, 8.0, "test")


def test_one_transfer_costs_bandwidth_rows_and_latency():
    dram = DramChannels(simpy.Environment(), P, 2.0)
    # 1000 B → 500 B per channel: 250 cycles of data + ceil(500/64) = 8 rows × 4 cycles + 40
    assert dram.transfer(1000) == 250 + 8 * 4 + 40
    assert dram.activations(1000) == 2 * 8


def test_concurrent_transfers_queue_on_the_channels_but_pay_latency_once_each():
    dram = DramChannels(simpy.Environment(), P, 2.0)
    first = dram.transfer(1000)
    second = dram.transfer(1000)  # issued at the same cycle: waits for the channels
    assert second - first == 250 + 8 * 4


def test_a_transfer_after_the_channels_are_free_starts_at_once():
    env = simpy.Environment()
    dram = DramChannels(env, P, 2.0)
    dram.transfer(128)
    env.run(until=1000)
    # 64 B per channel: 32 cycles + 1 row × 4 + 40 latency, from cycle 1000
    assert dram.transfer(128) == 1000 + 32 + 4 + 40


def test_ideal_dram_is_free():
    dram = DramChannels(simpy.Environment(), None, 1.0)
    assert dram.transfer(10 ** 9) == 0 and dram.activations(10 ** 9) == 0
