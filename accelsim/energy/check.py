"""Load-time check that the default energy table can price a machine."""
from __future__ import annotations

from accelsim.core.errors import ConfigError
from accelsim.energy.components import machine_actions
from accelsim.energy.pricing import price
from accelsim.hardware.config import HardwareConfig


def check_priceable(hw: HardwareConfig, source: str | None = None) -> None:
    """Fail now, not after simulating, if the default energy table cannot price this machine
    (e.g. a technology node without a scaling factor): price one of every action it can produce
    (:func:`accelsim.energy.components.machine_actions`)."""
    actions = machine_actions([b.name for b in hw.scratchpad], dram=not hw.dram.ideal,
                              crossbar=hw.crossbar is not None,
                              protection=any(p.protect != "none" for p in hw.protection.values()))
    counts = {"schema": "accelsim.counts/1", "clock_ghz": hw.clock_ghz, "node_nm": hw.node_nm,
              "total_cycles": 1,
              "rows": [{"layer": "check", "phase": "forward", "total_cycles": 1,
                        "actions": actions}]}
    try:
        price(counts, hw.resolved_dict(), config_source=source or hw.name)
    except ConfigError as exc:
        raise ConfigError(f"the default energy table cannot price this machine: {exc.message} "
                          f"[{exc.field}]", source=source, fix=exc.fix) from None
