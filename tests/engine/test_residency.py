"""Operand residency in closed form: Belady eviction, dirty spills, and the spill step."""
import pytest

from accelsim.engine.operands import Spill, spill_step
from accelsim.engine.residency import Residency

pytestmark = pytest.mark.closed_form


def res(**uses):
    return Residency([100], {t: sorted(v) for t, v in uses.items()})


def test_evicts_the_tensor_needed_furthest_in_the_future():
    r = res(a=[5], b=[2], c=[4])
    assert r.admit(0, "a", 60, 0, False, set()) == (True, [])
    assert r.admit(0, "b", 30, 0, False, set()) == (True, [])
    ok, spills = r.admit(0, "c", 50, 1, False, set())   # 10 B free: a (next use 5) goes
    assert ok and spills == []                           # a was clean: no write-back
    assert r.holds(0, "b") and r.holds(0, "c") and not r.holds(0, "a")
    assert r.used == [80]


def test_a_dirty_victim_is_spilled_with_its_bytes():
    r = res(a=[5], b=[2], c=[4])
    r.admit(0, "a", 60, 0, True, set())
    r.admit(0, "b", 30, 0, True, set())
    ok, spills = r.admit(0, "c", 50, 1, False, set())
    assert ok and spills == [("a", 60)]


def test_never_evicts_for_a_tensor_needed_later_than_the_victims():
    r = res(a=[5], b=[2], c=[9])
    r.admit(0, "a", 60, 0, True, set())
    r.admit(0, "b", 30, 0, True, set())
    assert r.admit(0, "c", 50, 1, False, set()) == (False, [])
    assert r.holds(0, "a") and r.holds(0, "b")


def test_pinned_tensors_stay_and_too_big_tensors_stream():
    r = res(a=[5], b=[2], c=[4])
    r.admit(0, "a", 60, 0, True, set())
    assert r.admit(0, "c", 50, 1, False, {"a"}) == (False, [])
    assert r.admit(0, "c", 101, 1, False, set()) == (False, [])


def test_dead_tensors_are_dropped_without_write_back():
    r = res(a=[1], b=[3])
    r.admit(0, "a", 40, 0, True, set())
    r.admit(0, "b", 40, 0, True, set())
    r.drop_dead(2)
    assert not r.holds(0, "a") and r.holds(0, "b") and r.used == [40]


def test_spill_step_drains_every_spill_without_compute():
    step = spill_step([Spill(0, "activation", 100), Spill(1, "error", 24)], [8, 16])
    assert step.compute_cycles == 0
    assert step.dram_write_bytes == 124 and step.dram_read_bytes == 0
    assert step.buffer_reads == ((0, 13), (1, 2))   # ceil(100/8), ceil(24/16) words
    assert spill_step([], [8]) is None
