"""The configs and workloads that ship with accelsim, found wherever the package is installed.

The files live in the repository's top-level ``hw_configs/`` and ``workloads/``; the package
reaches them through ``accelsim/shipped/`` (links in a checkout, copies in an installed wheel),
so every built-in name works after a plain ``pip install .`` from any working directory.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

#: folder under ``accelsim/shipped`` per kind of shipped file
KINDS = {"hw": "hw_configs", "workload": "workloads"}


def shipped_dir(kind: str) -> Path:
    """The folder of shipped files of ``kind`` (``"hw"`` or ``"workload"``)."""
    return Path(str(resources.files("accelsim") / "shipped" / KINDS[kind]))


def shipped_file(kind: str, filename: str) -> Path:
    """A shipped file by its file name, e.g. ``shipped_file("hw", "train128_sram.yaml")``."""
    return shipped_dir(kind) / filename


def names(kind: str) -> list[str]:
    """The names (file stems) of the shipped files of ``kind``, sorted."""
    return sorted(p.stem for p in shipped_dir(kind).iterdir() if p.suffix in (".yaml", ".yml"))


def resolve(path_or_name: str | Path, kind: str) -> Path:
    """A file path as given if it exists; otherwise the shipped file of that name (``resnet18``
    or ``resnet18.yaml``), so ``accelsim run train128_sram resnet18`` works from any folder.
    Anything else comes back unchanged, for the reader to report as not found."""
    p = Path(path_or_name)
    if p.exists() or p.parent != Path("."):
        return p
    for candidate in (p.name, p.name + ".yaml"):
        q = shipped_file(kind, candidate)
        if q.is_file():
            return q
    return p
