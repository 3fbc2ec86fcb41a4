"""Load a hardware config from YAML (accelsim) or a SCALE-Sim ``.cfg`` file."""
from __future__ import annotations

from pathlib import Path

from ..errors import ConfigError
from ..io.yamlfile import load_yaml, validate
from .hardware import HardwareConfig


def load_hardware(path: str | Path) -> HardwareConfig:
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".cfg":
        from .scalesim_cfg import load_scalesim_cfg
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
    check_priceable(hw, source)
    return hw


def check_priceable(hw: HardwareConfig, source: str | None = None) -> None:
    """Fail now, not after simulating, if the default energy table cannot price this machine
    (e.g. a technology node without a scaling factor): price one of every action it has."""
    from ..energy.pricing import price
    actions: dict = {"mac": {"bf16": 1}, "vector": {"fp32_ops": 1}}
    actions.update({f"buffer.{b.name}": {"read_words": 1, "write_words": 1}
                    for b in hw.scratchpad})
    if not hw.dram.ideal:
        actions["dram"] = {"read_bytes": 1, "write_bytes": 1, "activations": 1,
                           "refreshes": 1, "active_rank_ns": 1}
    counts = {"schema": "accelsim.counts/1", "clock_ghz": hw.clock_ghz, "node_nm": hw.node_nm,
              "total_cycles": 1,
              "rows": [{"layer": "check", "phase": "forward", "total_cycles": 1,
                        "actions": actions}]}
    try:
        price(counts, hw.resolved_dict(), config_source=source or hw.name)
    except ConfigError as exc:
        raise ConfigError(f"the default energy table cannot price this machine: {exc.message} "
                          f"[{exc.field}]", source=source, fix=exc.fix) from None
