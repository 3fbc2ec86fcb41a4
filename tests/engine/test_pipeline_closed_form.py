"""The double-buffered step pipeline of one operation, against timings computed by hand, played
both through SimPy (an observer attached) and as the closed-form recurrence (the operation runs
alone)."""
from dataclasses import replace

import pytest
import simpy

from accelsim.engine.observers import Observer
from accelsim.engine.pipeline import StepPipeline, bank_loads
from accelsim.engine.rows import OpRow
from accelsim.hardware.compute.plan import Operand, Plan, Segment, Step, StepBuilder
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


def play(steps, repeat, mode, *, double_buffered=True, dram=SLOW, ideal_banks=True,
         technology="sram_22nm"):
    env = simpy.Environment()
    cfg = Buffer(name="b", capacity_bytes=1 << 20, banks=1, word_bytes=8, holds=["ifmap"],
                 double_buffered=double_buffered)
    buf = ScratchpadBuffer(env, cfg, resolve_technology(technology, {}), 1.0,
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


@pytest.mark.parametrize("technology,bank_stall", [
    # SRAM: a write takes ceil(0.44 ns) = 1 cycle, the 16 fill writes 16 cycles, hidden in the
    # 138-cycle transfer; the step's own read (1 cycle) fits its 5 compute cycles: no bank stall
    ("sram_22nm", 0),
    # STT-MRAM: a write takes ceil(10.39 ns) = 11 cycles, the fill 16 × 11 = 176 > 138: the
    # bank is still writing the tile when it has arrived; the step's read (ceil(1.95) = 2) queues
    # behind it and ends at 176 + 2 = 178, 178 − (138 + 5) = 35 cycles past the compute
    ("stt_mram_22nm", 35),
])
def test_a_fill_writes_the_banks_while_it_streams_in(mode, technology, bank_stall):
    # one step: fetch 128 B = 16 words into one bank (128 + 10 = 138 cycles, all a DRAM stall),
    # compute 5 cycles reading 1 word. The fill's bank writes overlap the transfer; counted one
    # after the other they would add 16 writes to the step's window (SRAM: 17 − 5 = 12 cycles of
    # bank stall; STT-MRAM: 176 + 2 − 5 = 173)
    step = Step(5, 128, 0, ((0, 1),), ((0, 16),), fill_writes=((0, 16),))
    end, row = play([step], 1, mode, ideal_banks=False, technology=technology)
    assert row.dram_stall_cycles == 138
    assert row.bank_conflict_stall_cycles == bank_stall
    assert end == 5 + 138 + bank_stall


def test_a_fetch_is_recorded_as_the_fill_of_the_step():
    op = Operand("x", "ifmap", 0, 2, "stream", 64)
    sb = StepBuilder([8])
    sb.fetch(op, 20)          # 40 B: 5 words written by the DMA
    sb.unit_writes(op, 8)     # 16 B: 2 words written by the unit
    step = sb.build(1)
    assert step.buffer_writes == ((0, 7),)
    assert step.fill_writes == ((0, 5),)
    assert bank_loads(step) == ((0, (0, 2, 5)),)
