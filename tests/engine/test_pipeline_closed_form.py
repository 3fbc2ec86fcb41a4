"""The double-buffered step pipeline of one operation, against timings computed by hand."""
import pytest
import simpy

from accelsim.engine.observers import Observer
from accelsim.engine.pipeline import StepPipeline
from accelsim.engine.rows import OpRow
from accelsim.hardware.compute.plan import Plan, Segment, Step
from accelsim.hardware.memory.banks import ScratchpadBuffer
from accelsim.hardware.memory.buffer_config import Buffer
from accelsim.hardware.memory.dram import DramChannels
from accelsim.hardware.memory.dram_presets import DramPreset
from accelsim.hardware.memory.technology import resolve_technology

# one channel at 1 GB/s on a 1 GHz clock: 1 cycle per byte, 10 cycles of latency, no row cost
SLOW = DramPreset("slow", 1, 1.0, 10.0, 64, 1, 0.0, "test")


def play(steps, repeat, *, double_buffered=True, dram=SLOW, ideal_banks=True):
    env = simpy.Environment()
    cfg = Buffer(name="b", capacity_bytes=1 << 20, banks=1, word_bytes=8, holds=["ifmap"],
                 double_buffered=double_buffered)
    buf = ScratchpadBuffer(env, cfg, resolve_technology("sram_22nm", {}), 1.0,
                           ideal=ideal_banks)
    pipe = StepPipeline(env, DramChannels(env, dram, 1.0), [buf], [cfg], observers=[_Count()])
    row = OpRow("l", "forward", "u", 0)
    plan = Plan([Segment(tuple(steps), repeat)], sum(s.compute_cycles for s in steps) * repeat, 1)
    env.process(pipe.play(plan, row))
    env.run()
    return int(env.now), row


class _Count(Observer):
    def __init__(self):
        self.steps = 0

    def on_step(self, row, start, end, step):
        self.steps += 1


def test_double_buffering_exposes_only_the_first_fetch():
    # 3 steps: fetch 100 B (100 cycles + 10 latency), compute 150 cycles. The first fetch is
    # exposed (110); each later fetch (110) hides behind the previous step's 150 compute cycles.
    step = Step(150, 100, 0, ((0, 1),), ())
    end, row = play([step], 3)
    assert row.dram_stall_cycles == 110
    assert end == 3 * 150 + 110
    assert row.bank_conflict_stall_cycles == 0
    assert row.dram_activations == 3 * 2  # ceil(100 / 64) rows per fetch


def test_single_buffering_exposes_every_fetch():
    step = Step(150, 100, 0, ((0, 1),), ())
    end, row = play([step], 3, double_buffered=False)
    assert row.dram_stall_cycles == 3 * 110
    assert end == 3 * (150 + 110)


def test_write_backs_overlap_and_only_the_last_is_exposed():
    # Each step also writes 50 B back. The writes queue on the one channel behind the fetches
    # but overlap compute; the last write-back (50 + 10 cycles after the last compute) is exposed.
    step = Step(150, 100, 50, ((0, 1),), ())
    end, row = play([step], 3)
    assert row.dram_stall_cycles == 110 + 60
    assert end == 3 * 150 + 110 + 60
    assert row.dram_activations == 3 * 2 + 3 * 1


def test_busiest_bank_beyond_compute_is_a_bank_conflict_stall():
    # ideal DRAM; one SRAM bank, 1 cycle per read (0.63 ns at 1 GHz): 200 reads take 200 cycles
    # against 150 compute cycles, so each step stalls 50 on the bank.
    step = Step(150, 0, 0, ((0, 200),), ())
    end, row = play([step], 3, dram=None, ideal_banks=False)
    assert row.bank_conflict_stall_cycles == 3 * 50
    assert row.dram_stall_cycles == 0
    assert end == 3 * 200


@pytest.mark.parametrize("double_buffered", [True, False])
def test_fetch_bound_steps_expose_the_fetch_excess(double_buffered):
    # compute 40 < fetch 110. The loader keeps one fetch in flight, so with two slots the fetches
    # follow each other (4 × 110) and only the last compute is exposed; with one slot every
    # step waits for its whole fetch
    step = Step(40, 100, 0, ((0, 1),), ())
    end, row = play([step], 4, double_buffered=double_buffered)
    expect = 4 * 110 + 40 if double_buffered else 4 * (110 + 40)
    assert end == expect
    assert row.dram_stall_cycles == end - 4 * 40
