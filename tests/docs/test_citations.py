"""Docstrings cite only files that are in the repository, and docs/design.md has the sections
that they cite."""
import ast
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.smoke

ROOT = Path(__file__).resolve().parents[2]
#: a cited document (any ``.md``) or a path into the repository's own folders
CITED_FILE = re.compile(r"(?<![\w/.])((?:[\w.-]+/)*[\w-]+\.md|(?:accelsim|docs|tests|hw_configs|"
                        r"workloads|benchmarks|regress|sweeps)/[\w./-]+\.(?:py|yaml|csv))\b")
SECTION = re.compile(r"docs/design\.md §(\d+)")


def docstrings():
    for path in sorted((ROOT / "accelsim").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                doc = ast.get_docstring(node)
                if doc:
                    yield path.relative_to(ROOT), doc


def exists(name: str) -> bool:
    if (ROOT / name).exists():
        return True
    base = Path(name).name  # a bare file name cites a file somewhere in the repository
    return "/" not in name and any(p.name == base for p in ROOT.rglob(base))


def test_docstrings_cite_only_files_in_the_repository():
    missing = sorted({f"{path}: {name}" for path, doc in docstrings()
                      for name in CITED_FILE.findall(doc)
                      if not name.startswith(".") and not exists(name)})
    assert not missing, missing


@pytest.mark.parametrize("where", ["accelsim", "docs", "tests"])
def test_cited_design_sections_exist(where):
    text = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    sections = {int(n) for n in re.findall(r"^## (\d+)\.", text, flags=re.M)}
    cited = {(str(p.relative_to(ROOT)), int(n)) for p in (ROOT / where).rglob("*")
             if p.suffix in (".py", ".md", ".yaml") for n in SECTION.findall(p.read_text("utf-8"))}
    assert cited and not [c for c in cited if c[1] not in sections]


def test_nothing_cites_the_shared_folder():
    hits = [str(p.relative_to(ROOT)) for d in ("accelsim", "docs", "tests", "benchmarks")
            for p in (ROOT / d).rglob("*") if p.is_file() and p.suffix in (".py", ".md", ".yaml")
            and p.resolve() != Path(__file__).resolve() and re.search(r"\.\./shared|/work/shared|shared/reference", p.read_text("utf-8"))]
    assert not hits, hits
