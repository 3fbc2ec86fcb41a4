"""Load a hardware config from YAML (accelsim) or a SCALE-Sim ``.cfg`` file."""
from __future__ import annotations

from pathlib import Path

from accelsim.core.errors import ConfigError
from accelsim.core.yamlfile import load_yaml, validate
from accelsim.hardware.config import HardwareConfig


def load_hardware(path: str | Path) -> HardwareConfig:
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".cfg":
        from accelsim.hardware.scalesim_cfg import load_scalesim_cfg
        return load_scalesim_cfg(p)
    if suffix not in (".yaml", ".yml"):
        raise ConfigError(f"unknown hardware config type {suffix or '(none)'!r}", source=str(path),
                          fix="use an accelsim .yaml file or a SCALE-Sim .cfg file")
    return hardware_from_dict(load_yaml(p), source=str(path))


def hardware_from_dict(data: dict, source: str | None = None) -> HardwareConfig:
    hw = validate(HardwareConfig, data, source)
    for buf in hw.scratchpad:  # resolve presets now so unknown names fail at load time
        buf.resolved_technology(source)
    hw.dram.resolved(source)
    return hw
