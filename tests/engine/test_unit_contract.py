"""The compute-unit contract: the engine builds every unit through the unit-kind registry and
knows no kind by name, so a new kind plugs in by registering itself."""
import pytest
from testkit import machine, small_cnn

from accelsim.api import simulate
from accelsim.hardware.compute.contract import UNIT_KINDS, UnitKind
from accelsim.hardware.compute.units import VectorUnitModel
from accelsim.hardware.unit_kinds import build_unit_kinds
from accelsim.workload.graph import build_graph


def test_config_kind_names_are_registered():
    assert {"array", "vector", "crossbar"} <= set(UNIT_KINDS.names())


def test_a_machine_builds_the_kinds_its_config_has_in_precedence_order():
    g = build_graph(small_cnn(), "training")
    kinds, played = build_unit_kinds(machine(8, 8, "ws"), g)
    assert list(kinds) == ["array", "vector"]   # no crossbar section: no crossbar kind
    assert played is g                          # digital kinds do not adapt the graph
    assert [u.name for u in kinds["array"].units] == ["array0"]


class WideVector(UnitKind):
    """A test kind: a 64-lane vector unit that claims all element-wise work first."""
    precedence = 15

    def __init__(self):
        self.units = [VectorUnitModel(64, name="wide")]

    @classmethod
    def build(cls, hw, graph):
        return cls()


@pytest.fixture
def wide_vector(monkeypatch):
    monkeypatch.setattr(UNIT_KINDS, "_items", {**UNIT_KINDS._items, "wide_vector": WideVector})


def test_a_registered_kind_takes_the_operations_it_claims(wide_vector):
    hw = machine(8, 8, "ws", lanes=8)
    run = simulate(hw, build_graph(small_cnn(), "training"))
    units = {r.unit for r in run.result.rows}
    assert "vector" not in units and "wide" in units
    for r in run.result.rows:
        if r.vector_ops:
            assert r.unit == "wide" and r.peak_ops_per_cycle == 64
            assert r.compute_cycles == -(-r.vector_ops // 64)
    assert set(run.result.unit_kinds) == {"array", "vector", "wide_vector"}
