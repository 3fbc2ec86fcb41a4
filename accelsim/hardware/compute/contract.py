"""The compute-unit contract: what the engine asks of every kind of compute unit.

The engine (:mod:`accelsim.engine.simulator`) knows no unit kind by name. It builds a machine's
units from the hardware config through :data:`UNIT_KINDS`, asks each kind which of its units may
run an operation, and plays the :class:`~accelsim.hardware.compute.plan.Plan` a unit returns.
Like a SimPy resource, a kind documents the hooks it offers; these are the hooks:

**A unit kind** (:class:`UnitKind`, one registered class per config ``kind`` name: ``array``,
``vector``, ``crossbar``) is the set of units of that kind in one machine:

* ``UnitKind.build(hw, graph)`` — the kind's units for this machine and training graph, or
  ``None`` when the config has none of them (the crossbar section is optional);
* ``adapt_graph(graph)`` — optional: the graph the engine should play instead (the crossbar
  removes the weight traffic and the update nodes of the layers it holds in its cells); the
  default returns ``graph`` unchanged. Kinds adapt the graph in ``precedence`` order;
* ``pool(node)`` — the units that may run an operation node: they share one ready queue in
  program order, and whichever is free first takes the next ready operation. An empty tuple
  means the kind does not run the node. The engine gives an operation to the first kind, in
  ascending ``precedence``, whose pool is not empty: a kind that claims specific layers (the
  crossbar) comes before the general ones (arrays, then the vector unit);
* ``units`` — every unit of the kind, in config order.

**A unit** (:class:`ComputeUnit`):

* ``name`` — unique within the machine (the ``unit`` column of ``layers.csv``);
* ``accepts(node)`` — whether an operation node of the graph can run on this unit;
* ``plan(node, operands, buffers)`` — a :class:`~accelsim.hardware.compute.plan.Plan` of the
  operation, given how each tensor is served (``operands``: role → list of
  :class:`~accelsim.hardware.compute.plan.Operand`, input roles ``ifmap``/``filter``/``ofmap``,
  outputs under ``"out"``) and the machine's buffer configs. The plan carries the unit's
  counters: ``compute_cycles`` (the closed-form stall-free time; the engine adds every stall on
  top), ``peak_ops_per_cycle``, ``macs`` or ``vector_ops`` (useful work), ``array_elements``
  (array-side operand accesses) and ``actions`` (extra action counts for the energy pass, e.g.
  the crossbar's ADC conversions).

Adding a compute-unit kind is one module with its unit and its :class:`UnitKind`, registered
with ``@UNIT_KINDS.register("<config kind name>")``, plus one import line in
:mod:`accelsim.hardware.unit_kinds`.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from accelsim.core.registry import Registry
from accelsim.hardware.compute.plan import Operand, Plan
from accelsim.hardware.memory.buffer_config import Buffer

if TYPE_CHECKING:
    import networkx as nx


class ComputeUnit(Protocol):
    """One compute unit of a machine (see the module docstring)."""
    name: str

    def accepts(self, node: dict) -> bool: ...

    def plan(self, node: dict, operands: dict[str, list[Operand]],
             buffers: list[Buffer]) -> Plan: ...


class UnitKind(ABC):
    """The units of one kind in one machine, built from the hardware config."""
    #: kinds are consulted (and adapt the graph) in ascending precedence
    precedence: ClassVar[int] = 100
    units: Sequence[ComputeUnit]

    @classmethod
    @abstractmethod
    def build(cls, hw: Any, graph: nx.DiGraph) -> UnitKind | None:
        """This kind's units for the machine ``hw`` (a
        :class:`~accelsim.hardware.config.HardwareConfig`, which sits above this module) and
        ``graph``, or None if the machine has none."""

    def adapt_graph(self, graph: nx.DiGraph) -> nx.DiGraph:
        """The graph to play instead of ``graph`` (default: ``graph`` itself)."""
        return graph

    def pool(self, node: dict) -> tuple[ComputeUnit, ...]:
        """The units that may run ``node``: by default every unit of the kind, if one accepts
        it (they share one queue)."""
        units = tuple(self.units)
        return units if any(u.accepts(node) for u in units) else ()


UNIT_KINDS: Registry[type[UnitKind]] = Registry("compute unit kind")
