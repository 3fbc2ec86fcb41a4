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


def resolve_any(path_or_name: str | Path) -> Path:
    """As :func:`resolve`, for a name that may be either a config or a workload
    (``accelsim validate``); shipped names are unique across both kinds."""
    p = resolve(path_or_name, "hw")
    return p if p.exists() else resolve(path_or_name, "workload")


def resolve_from(base_dir: Path, path_or_name: str | Path, kind: str) -> Path:
    """A path relative to ``base_dir`` (a sweep or suite file's folder) if it exists there,
    otherwise a shipped name; anything else comes back under ``base_dir`` to be reported."""
    p = Path(path_or_name).expanduser()
    q = p if p.is_absolute() else base_dir / p
    if q.exists():
        return q
    named = resolve(p, kind)
    return named if named.exists() else q


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
