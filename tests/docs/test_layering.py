"""The package-level import graph of accelsim has no cycle (docs/design.md §11): every import,
at module or function level, between packages (and the subpackages of hardware and tools)."""
import ast
from pathlib import Path

import networkx as nx
import pytest

pytestmark = pytest.mark.smoke

ROOT = Path(__file__).resolve().parents[2]


def _unit(module: str) -> str:
    parts = module.split(".")
    if len(parts) > 2 and parts[1] in ("hardware", "tools"):
        return ".".join(parts[1:3])
    return parts[1] if len(parts) > 1 else "(top)"


def import_graph() -> nx.DiGraph:
    g = nx.DiGraph()
    for path in (ROOT / "accelsim").rglob("*.py"):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        module = module.removesuffix(".__init__")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                targets = [node.module]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            for target in targets:
                if target.startswith("accelsim") and _unit(module) != _unit(target):
                    g.add_edge(_unit(module), _unit(target))
    return g


def test_no_package_level_import_cycle():
    g = import_graph()
    assert g.number_of_edges() > 20
    assert list(nx.simple_cycles(g)) == []


def test_imports_are_absolute():
    relative = [str(p.relative_to(ROOT)) for p in (ROOT / "accelsim").rglob("*.py")
                if any(isinstance(n, ast.ImportFrom) and n.level
                       for n in ast.walk(ast.parse(p.read_text(encoding="utf-8"))))]
    assert relative == []
