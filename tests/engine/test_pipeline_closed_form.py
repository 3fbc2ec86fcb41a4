"""The double-buffered step pipeline of one operation, against timings computed by hand, played
both through SimPy (an observer attached) and as the closed-form recurrence (the operation runs
alone)."""
from dataclasses import replace

import pytest
import simpy

from accelsim.engine.observers import Observer
from accelsim.engine.pipeline import StepPipeline
from accelsim.engine.rows import OpRow
from accelsim.hardware.compute.plan import Plan, Segment, Step
from accelsim.hardware.memory.banks import ScratchpadBuffer
from accelsim.hardware.memory.buffer_config import Buffer
from accelsim.hardware.memory.dram import DramChannels
from accelsim.hardware.memory.dram_presets import DRAM_PRESETS
from accelsim.hardware.memory.technology import resolve_technology

pytestmark = pytest.mark.closed_form

# a flat DRAM: one channel at 1 GB/s on a 1 GHz clock, 64-byte bursts (64 cycles each), 10 cycles
# of latency, no refresh or turnaround; a 128-byte fetch takes 128 + 10 cycles, a 64-byte write
# 64 + 10
SLOW = replace(DRAM_PRESETS.get("ddr4_3200"), bandwidth_gb_per_s_per_channel=1.0, latency_ns=10.0)
MODES = ["simpy", "closed_form"]


@pytest.fixture(params=MODES)
def mode(request):
    return request.param


def play(steps, repeat, mode, *, double_buffered=True, dram=SLOW, ideal_banks=True):
    env = simpy.Environment()
    cfg = Buffer(name="b", capacity_bytes=1 << 20, banks=1, word_bytes=8, holds=["ifmap"],
                 double_buffered=double_buffered)
    buf = ScratchpadBuffer(env, cfg, resolve_technology("sram_22nm", {}), 1.0,
                           ideal=ideal_banks)
    observers = [_Count()] if mode == "simpy" else []
    pipe = StepPipeline(env, DramChannels(env, dram, 1.0), [buf], [cfg], observers=observers)
    row = OpRow("l", "forward", "u", 0)
    plan = Plan([Segment(tuple(steps), repeat)], sum(s.compute_cycles for s in steps) * repeat, 1)
    env.process(pipe.play(plan, row, alone=True))
    env.run()
    if mode == "simpy":
        assert observers[0].steps == len(steps) * repeat
    return int(env.now), row


class _Count(Observer):
    def __init__(self):
        self.steps = 0

    def on_step(self, row, start, end, step):
        self.steps += 1


def test_double_buffering_exposes_only_the_first_fetch(mode):
    # 3 steps: fetch 128 B (138 cycles), compute 150. The first fetch is exposed; each later
    # fetch hides behind the previous step's 150 compute cycles.
    step = Step(150, 128, 0, ((0, 1),), ())
    end, row = play([step], 3, mode)
    assert row.dram_stall_cycles == 138
    assert end == 3 * 150 + 138
    assert row.bank_conflict_stall_cycles == 0
    assert row.dram_activations == 3  # one row per fetch


def test_single_buffering_exposes_every_fetch(mode):
    step = Step(150, 128, 0, ((0, 1),), ())
    end, row = play([step], 3, mode, double_buffered=False)
    assert row.dram_stall_cycles == 3 * 138
    assert end == 3 * (150 + 138)


def test_write_backs_overlap_and_only_the_last_is_exposed(mode):
    # Each step also writes 64 B back. The writes queue on the one channel behind the fetches
    # but overlap compute; the last write-back (64 + 10 cycles after the last compute) is exposed.
    step = Step(150, 128, 64, ((0, 1),), ())
    end, row = play([step], 3, mode)
    assert row.dram_stall_cycles == 138 + 74
    assert end == 3 * 150 + 138 + 74
    assert row.dram_activations == 3 + 3


def test_busiest_bank_beyond_compute_is_a_bank_conflict_stall(mode):
    # ideal DRAM; one SRAM bank, 1 cycle per read (0.63 ns at 1 GHz): 200 reads take 200 cycles
    # against 150 compute cycles, so each step stalls 50 on the bank.
    step = Step(150, 0, 0, ((0, 200),), ())
    end, row = play([step], 3, mode, dram=None, ideal_banks=False)
    assert row.bank_conflict_stall_cycles == 3 * 50
    assert row.dram_stall_cycles == 0
    assert end == 3 * 200


@pytest.mark.parametrize("double_buffered", [True, False])
def test_fetch_bound_steps_expose_the_fetch_excess(mode, double_buffered):
    # compute 40 < fetch 138. The loader keeps one fetch in flight, so with two slots the fetches
    # follow each other (4 × 138) and only the last compute is exposed; with one slot every
    # step waits for its whole fetch
    step = Step(40, 128, 0, ((0, 1),), ())
    end, row = play([step], 4, mode, double_buffered=double_buffered)
    expect = 4 * 138 + 40 if double_buffered else 4 * (138 + 40)
    assert end == expect
    assert row.dram_stall_cycles == end - 4 * 40
