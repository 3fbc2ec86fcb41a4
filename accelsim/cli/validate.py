"""``accelsim validate FILE...``: check hardware configs and workloads without simulating.

A file is a hardware config when it is a SCALE-Sim ``.cfg`` or a YAML mapping with ``arrays`` (and
optionally a ``crossbar:`` section of analog tiles); a workload when it is a SCALE-Sim topology
``.csv`` or a YAML mapping with ``layers``. Each valid file
prints ``ok: <summary>``; the first invalid one raises its one-line error (exit status 2).
"""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from accelsim.core.errors import ConfigError

if TYPE_CHECKING:  # the models are imported when a file is validated, not for --help
    from accelsim.hardware.config import HardwareConfig
    from accelsim.workload.layers import Workload


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "validate", help="check hardware configs and workloads, explain what is wrong",
        description="Check each FILE: a hardware config (.yaml with 'arrays', or a SCALE-Sim .cfg) "
                    "or a workload (.yaml with 'layers', or a SCALE-Sim topology .csv).")
    p.add_argument("files", nargs="+", metavar="FILE",
                   help="a file, or the name of a shipped config or workload (accelsim list)")
    p.set_defaults(func=run)


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".cfg":
        return "hardware"
    if suffix == ".csv":
        return "workload"
    if suffix not in (".yaml", ".yml"):
        raise ConfigError(f"unknown file type {suffix or '(none)'!r}", source=str(path),
                          fix="validate a hardware .yaml/.cfg or a workload .yaml/.csv")
    from accelsim.core.yamlfile import load_yaml
    data = load_yaml(path)
    if "arrays" in data:
        return "hardware"
    if "layers" in data:
        return "workload"
    raise ConfigError("neither a hardware config nor a workload", source=str(path),
                      fix="a hardware config has an 'arrays' key, a workload a 'layers' key")


def hardware_summary(hw: HardwareConfig) -> str:
    arrays = ", ".join(f"{a.rows}x{a.cols} {a.dataflow}" for a in hw.arrays)
    buffers = ", ".join(f"{b.name} {b.capacity_bytes / 1024:g} KiB {b.technology}"
                        for b in hw.scratchpad)
    dram = "ideal" if hw.dram.ideal else hw.dram.preset
    return (f"hardware {hw.name!r}: arrays [{arrays}], scratchpad [{buffers}], DRAM {dram}, "
            f"{hw.clock_ghz:g} GHz")


def workload_summary(wl: Workload) -> str:
    kinds: dict[str, int] = {}
    for layer in wl.layers:
        kinds[layer.kind] = kinds.get(layer.kind, 0) + 1
    parts = ", ".join(f"{n} {k}" for k, n in kinds.items())
    return f"workload {wl.name!r}: {len(wl.layers)} layers ({parts}), batch {wl.batch}"


def _hardware(path: Path) -> str:
    from accelsim.api import load_hardware
    hw = load_hardware(path)
    xbar = hw.crossbar
    if xbar is None:
        return hardware_summary(hw)
    return (hardware_summary(hw) + f", crossbar {xbar.tiles} tiles of {xbar.rows}x{xbar.cols} "
            f"({xbar.preset}, device {xbar.device})")


def run(args: argparse.Namespace) -> int:
    from accelsim.core.shipped import resolve_any
    for name in args.files:
        path = resolve_any(name)
        if _kind(path) == "hardware":
            summary = _hardware(path)
        else:
            from accelsim.workload.graph import build_graph
            from accelsim.workload.loader import load_workload
            workload = load_workload(path)
            build_graph(workload, source=str(path))  # shapes must chain producer to consumer
            summary = workload_summary(workload)
        print(f"ok: {path}: {summary}")
    return 0
