"""Load a workload: an accelsim YAML layer list, a SCALE-Sim topology CSV (conv or GEMM format),
or a training-graph JSON written by ``accelsim graph`` (trace playback)."""
from __future__ import annotations

from pathlib import Path

from accelsim.core.errors import ConfigError
from accelsim.core.yamlfile import load_yaml, validate
from accelsim.workload.layers import Workload


def load_workload(path: str | Path) -> Workload:
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".csv":
        from accelsim.workload.scalesim_topology import load_topology
        return load_topology(p)
    if suffix not in (".yaml", ".yml"):
        raise ConfigError(f"unknown workload type {suffix or '(none)'!r}", source=str(path),
                          fix="use a .yaml layer list, a SCALE-Sim topology .csv, or a graph .json")
    data = load_yaml(p)
    data.setdefault("name", p.stem)
    return validate(Workload, data, str(path))
