"""Expand a sweep file into points, check every axis before anything runs, and build the tasks.

Axes combine as a cartesian product (or zipped, ``combine: zip``); a zip group's members move
together. The listed ``workloads`` are crossed with the axes, outermost. Every point's hardware
config is validated, its presets resolved and its hash computed in the parent, so a bad axis
path or value is an error before the first simulation, and finished points can be skipped by key.
"""
from __future__ import annotations

import copy
import hashlib
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from accelsim.api import hardware_from_dict
from accelsim.core import shipped
from accelsim.core.errors import ConfigError
from accelsim.core.yamlfile import load_yaml
from accelsim.core.limits import DEFAULT_MAX_STEPS
from accelsim.hardware.config import HardwareConfig
from accelsim.tools.sweep.paths import PathError, check_path, path_error, set_path
from accelsim.tools.sweep.spec import WORKLOAD_AXES, Axis, SweepSpec
from accelsim.workload.layers import Workload

#: identity of a point in the store: (config_hash, workload_sha256, phases, batch, seed)
PointKey = tuple[str, str, str, int, int]


@dataclass
class Task:
    """Everything a worker needs to simulate one point (picklable; no file access needed)."""
    ordinal: int
    key: PointKey
    axes: dict[str, Any]
    hw: HardwareConfig
    workload: Workload | nx.DiGraph
    workload_path: str
    workload_name: str
    phases: str
    seed: int
    sources: dict[str, str] = field(default_factory=dict)
    max_steps: int | None = DEFAULT_MAX_STEPS


def _resolve(sweep_path: Path, rel: str, kind: str) -> Path:
    """A path relative to the sweep file, or the name of a shipped config/workload."""
    return shipped.resolve_from(sweep_path.parent, rel, kind)


def _assignments(axis: Axis) -> list[dict[str, Any]]:
    """The path → value assignments of each step along one axis (or zip group)."""
    return [{m.path: m.values[i] for m in axis.members} for i in range(axis.length)]


def expand(spec: SweepSpec) -> list[dict[str, Any]]:
    """Every point as a {path: value} dict, in a stable order (workloads outermost)."""
    axes = list(spec.axes)
    if spec.workloads:
        axes.insert(0, Axis(path="workload", values=list(spec.workloads)))
    steps = [_assignments(a) for a in axes]
    if spec.combine == "zip":
        outer = [steps.pop(0)] if spec.workloads else []
        zipped = ([{k: v for part in parts for k, v in part.items()} for parts in zip(*steps)]
                  if steps else [{}])
        combos = itertools.product(*outer, zipped)
    else:
        combos = itertools.product(*steps)
    return [{k: v for part in combo for k, v in part.items()} for combo in combos]


def check_axes(spec: SweepSpec, base: dict, source: str) -> None:
    """Every hardware axis path must name a field of the base config (before anything runs)."""
    for m in (m for axis in spec.axes for m in axis.members):
        if m.path == "batch":
            bad = [v for v in m.values if isinstance(v, bool) or not isinstance(v, int) or v < 1]
            if bad:
                raise ConfigError(f"batch values must be positive integers (got {bad[0]!r})",
                                  source=source, field="axis batch")
        elif m.path == "workload":
            if not all(isinstance(v, str) for v in m.values):
                raise ConfigError("workload values must be file paths", source=source,
                                  field="axis workload")
        else:
            try:
                check_path(base, HardwareConfig, m.path)
            except PathError as exc:
                raise path_error(exc, source, m.path) from None


class _Workloads:
    """Workload files loaded once each (and re-batched once per batch)."""

    def __init__(self, sweep_path: Path, phases: str):
        self.sweep_path = sweep_path
        self.phases = phases
        self.cache: dict[tuple[str, int | None], tuple] = {}

    def get(self, rel: str, batch: int | None) -> tuple[Workload | nx.DiGraph, str, str, int]:
        """(workload or graph, name, sha256 of the file, batch)."""
        from accelsim.api import load_graph
        from accelsim.workload.loader import load_workload
        if (rel, batch) not in self.cache:
            path = _resolve(self.sweep_path, str(rel), "workload")
            if not path.is_file():
                raise ConfigError("workload file not found", source=str(self.sweep_path),
                                  field=f"workload {rel}",
                                  fix="workload paths are relative to the sweep file")
            sha = hashlib.sha256(path.read_bytes()).hexdigest()
            if path.suffix.lower() == ".json":
                graph = load_graph(path, self.phases, batch)
                item = (graph, graph.graph.get("workload") or path.stem, sha,
                        int(graph.graph.get("batch") or 1))
            else:
                wl = load_workload(path)
                if batch is not None:
                    wl = wl.with_batch(batch, source=str(self.sweep_path), field="batch")
                item = (wl, wl.name, sha, wl.batch)
            self.cache[(rel, batch)] = item
        return self.cache[(rel, batch)]


def build_tasks(spec: SweepSpec, sweep_path: str | Path) -> tuple[list[Task], list[str]]:
    """The tasks of a sweep, deduplicated by key, and the axis column names in order.

    Raises ConfigError (before anything runs) for a bad axis path, a missing workload, or a
    point whose config does not validate (naming the point's axis values).
    """
    sweep_path = Path(sweep_path)
    source = str(sweep_path)
    base_path = _resolve(sweep_path, spec.base, "hw")
    if base_path.suffix.lower() not in (".yaml", ".yml"):
        raise ConfigError("the base config must be an accelsim .yaml file", source=source,
                          field="base", fix="describe the machine in YAML (see hw_configs/)")
    if not base_path.is_file():
        raise ConfigError(f"base config {spec.base!r} not found", source=source, field="base",
                          fix="paths are relative to the sweep file")
    base = load_yaml(base_path)
    hardware_from_dict(copy.deepcopy(base), str(base_path))  # the base itself must be valid
    check_axes(spec, base, source)

    columns: dict[str, str] = {"workload": "workload"} if spec.workloads else {}
    for axis in spec.axes:
        columns.update({m.path: m.name for m in axis.members})
    workloads = _Workloads(sweep_path, spec.phases)
    tasks: list[Task] = []
    seen: set[PointKey] = set()
    for ordinal, point in enumerate(expand(spec)):
        data = copy.deepcopy(base)
        for path, value in point.items():
            if path not in WORKLOAD_AXES:
                set_path(data, HardwareConfig, path, copy.deepcopy(value))
        axes = {columns[p]: v for p, v in point.items()}
        where = ", ".join(f"{k}={v}" for k, v in axes.items())
        hw = hardware_from_dict(data, source=f"{source} (point {where})")
        batch = point.get("batch", spec.batch)
        workload, name, sha, eff_batch = workloads.get(point["workload"], batch)
        key = (hw.config_hash, sha, spec.phases, eff_batch, spec.seed)
        if key in seen:
            continue
        seen.add(key)
        tasks.append(Task(ordinal, key, axes, hw, workload, str(point["workload"]), name,
                          spec.phases, spec.seed,
                          {"hardware": f"{base_path} ({where})" if where else str(base_path),
                           "workload": str(_resolve(sweep_path, str(point["workload"]), "workload"))}))
    return tasks, list(columns.values())
