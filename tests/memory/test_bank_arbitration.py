"""Timing gates of bank arbitration: two units sharing one bank, answers computed by hand.

Unit 1 (the vector unit, say) issues 100 busy cycles on bank 0 at cycle 0; unit 0 (a systolic
array) issues 30 at cycle 10. Each unit waits for its completion and re-checks it until it no
longer moves, as the engine does.

* fifo: unit 0 waits behind the whole booking: 100 + 30 = 130; unit 1 ends at 100.
* round_robin: from 10 both share the bank. Unit 0 needs 30 and unit 1 has 90 left, so unit 0
  ends at 10 + 30 + min(90, 30) = 70; unit 1 got 30 of those 60 cycles, has 60 left at 70 and
  ends alone at 130.
* priority (unit 0 first): unit 0 ends at 10 + 30 = 40; unit 1 is preempted for 30 cycles: 130.

The bank's last access ends at 130 under every policy (work conserving).
"""
import numpy as np
import pytest
import simpy

from accelsim.hardware.memory.banks import ScratchpadBuffer
from accelsim.hardware.memory.buffer_config import Buffer
from accelsim.hardware.memory.technology import resolve_technology


def _buffer(env, policy, banks=1, units=2):
    cfg = Buffer(name="b", capacity_bytes=4096, banks=banks, holds=["activation"],
                 technology="sram_22nm", arbitration=policy)
    return ScratchpadBuffer(env, cfg, resolve_technology("sram_22nm"), clock_ghz=1.0, units=units)


def _unit(env, buf, unit, at, busy, done):
    """Issue ``busy`` read cycles per bank at ``at`` (SRAM: one cycle per read) and wait."""
    yield env.timeout(at)
    end = buf.service(np.asarray(busy), np.zeros(len(busy), dtype=np.int64), unit=unit)
    while end > env.now:
        yield env.timeout(end - env.now)
        end = buf.completion(unit)
    done[unit] = int(env.now)


def _play(policy, jobs, banks=1):
    env = simpy.Environment()
    buf = _buffer(env, policy, banks=banks, units=len(jobs))
    done = {}
    for unit, (at, busy) in enumerate(jobs):
        env.process(_unit(env, buf, unit, at, busy, done))
    env.run()
    return done


@pytest.mark.gate
@pytest.mark.parametrize("policy,array_end,vector_end", [("fifo", 130, 100),
                                                         ("round_robin", 70, 130),
                                                         ("priority", 40, 130)])
def test_two_units_share_one_bank(policy, array_end, vector_end):
    done = _play(policy, [(10, [30]), (0, [100])])  # unit 0: the array; unit 1: the vector unit
    assert done == {0: array_end, 1: vector_end}


@pytest.mark.gate
@pytest.mark.parametrize("policy", ["fifo", "round_robin", "priority"])
def test_other_banks_are_not_shared(policy):
    # unit 1 loads bank 0 only; unit 0 loads bank 1 only: nobody waits
    done = _play(policy, [(10, [0, 30]), (0, [100, 0])], banks=2)
    assert done == {0: 40, 1: 100}


@pytest.mark.gate
def test_round_robin_three_way_share():
    # at 0: unit 2 issues 60; at 0: unit 1 issues 30; at 0: unit 0 issues 90.
    # Processor sharing: all three at 1/3 until unit 1's 30 are done at 90; then two at 1/2:
    # unit 2 has 30 left -> done at 150; unit 0 has 60 left -> 30 more alone: 180.
    done = _play("round_robin", [(0, [90]), (0, [30]), (0, [60])])
    assert done == {0: 180, 1: 90, 2: 150}


@pytest.mark.gate
def test_priority_lower_unit_is_preempted_repeatedly():
    # unit 1 issues 50 at 0; unit 0 issues 10 at 5 and goes first: done at 15; unit 1 had 45
    # left at 5 and resumes at 15: done at 60.
    done = _play("priority", [(5, [10]), (0, [50])])
    assert done == {0: 15, 1: 60}


def test_unknown_policy_lists_the_valid_ones():
    with pytest.raises(ValueError, match="'round_robin', 'priority' or 'fifo'"):
        Buffer(name="b", capacity_bytes=4096, holds=["activation"], arbitration="lottery")


def test_the_config_names_are_the_registered_arbiters():
    import typing

    from accelsim.hardware.memory.arbitration import ARBITERS
    from accelsim.hardware.memory.buffer_config import Arbitration
    assert sorted(typing.get_args(Arbitration)) == ARBITERS.names()


def _buffered(env, entries, banks=1, policy="fifo", tech="stt_mram_22nm"):
    cfg = Buffer(name="b", capacity_bytes=65536, banks=banks, word_bytes=8, holds=["activation"],
                 technology=tech, arbitration=policy,
                 write_buffer={"entries": entries, "entry_bytes": 8})
    return ScratchpadBuffer(env, cfg, resolve_technology(tech), clock_ghz=1.0)


@pytest.mark.gate
@pytest.mark.parametrize("policy", ["fifo", "round_robin", "priority"])
def test_a_burst_that_fits_the_write_buffer_does_not_stall(policy):
    env = simpy.Environment()
    buf = _buffered(env, entries=16, policy=policy)
    assert buf.serve(0, 16) == 0            # 16 one-word entries: all absorbed at once
    # the banks are busy draining them: 16 writes of 11 cycles on the one bank
    assert buf.free_at[0] == 16 * buf.write_cycles


@pytest.mark.gate
@pytest.mark.parametrize("policy", ["fifo", "round_robin", "priority"])
def test_one_entry_more_stalls_exactly_one_entry_drain(policy):
    env = simpy.Environment()
    buf = _buffered(env, entries=16, policy=policy)
    assert buf.serve(0, 17) == buf.write_cycles   # waits until the first entry has drained


@pytest.mark.gate
def test_the_write_buffer_frees_as_it_drains():
    env = simpy.Environment()
    buf = _buffered(env, entries=4)
    assert buf.serve(0, 4) == 0                     # full now; drains one entry per 11 cycles
    env.run(until=22)                               # two entries drained
    assert buf.serve(0, 2) == 22                    # fits the two free entries
    assert buf.serve(0, 1) == 33                    # one more: waits for the third drain
    # a read waits for the bank, busy with the drains (4 + 2 + 1 = 7 writes from cycle 0)
    assert buf.serve(1, 0) == 7 * buf.write_cycles + buf.read_cycles


def test_entry_bytes_must_be_whole_words():
    with pytest.raises(ValueError, match="multiple of word_bytes"):
        Buffer(name="b", capacity_bytes=4096, word_bytes=8, holds=["activation"],
               write_buffer={"entries": 4, "entry_bytes": 12})
