"""Load-time check that the default energy table can price a machine."""
from __future__ import annotations

from accelsim.core.errors import ConfigError
from accelsim.energy.pricing import price
from accelsim.hardware.config import HardwareConfig


def check_priceable(hw: HardwareConfig, source: str | None = None) -> None:
    """Fail now, not after simulating, if the default energy table cannot price this machine
    (e.g. a technology node without a scaling factor): price one of every action it has."""
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
