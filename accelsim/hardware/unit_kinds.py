"""Every compute-unit kind a machine can have, registered in :data:`UNIT_KINDS` under its config
name (contract: :mod:`accelsim.hardware.compute.contract`). Importing this module fills the
registry; a new kind adds its import here."""
from __future__ import annotations

from typing import TYPE_CHECKING

import accelsim.hardware.compute.units  # registers "array" and "vector"
import accelsim.hardware.crossbar.unit  # noqa: F401  (registers "crossbar")
from accelsim.hardware.compute.contract import UNIT_KINDS, UnitKind

if TYPE_CHECKING:
    import networkx as nx


def build_unit_kinds(hw, graph) -> tuple[dict[str, UnitKind], nx.DiGraph]:
    """The unit kinds present in ``hw`` by config name, in precedence order (the order the
    engine consults them), and the graph to play: each kind is built from ``graph`` as the kinds
    before it adapted it, and adapts it in turn."""
    names = sorted(UNIT_KINDS.names(), key=lambda name: UNIT_KINDS.get(name).precedence)
    kinds: dict[str, UnitKind] = {}
    for name in names:
        kind = UNIT_KINDS.get(name).build(hw, graph)
        if kind is not None:
            kinds[name] = kind
            graph = kind.adapt_graph(graph)
    return kinds, graph


__all__ = ["UNIT_KINDS", "UnitKind", "build_unit_kinds"]
