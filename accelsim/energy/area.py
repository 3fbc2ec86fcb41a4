"""Area from the same tables as energy.

Scratchpad buffers: the resolved technology's macro area scaled linearly to the configured
capacity, ``area_mm2 × capacity_bytes / reference_capacity_bytes`` (or the table's per-buffer
``scratchpad.<name>.area_mm2`` replacement). This is the same linear model the iso-area
derivation (:mod:`accelsim.tools.derive`) inverts.

A buffer holding a kind with ECC-protected sign/exponent bits (the config's ``protection``) is
widened by its side-band check-bit columns, ``× (1 + f)`` with ``f`` the largest check-bit
fraction (check bits per data bit, :mod:`accelsim.hardware.memory.protection`) of the protected
kinds it holds in the run's formats (a protected kind no buffer names is held by the buffers of
operand roles).

A buffer's write buffer (``write_buffer``) adds its own component ``write_buffer_<name>``: the
``write_buffer.<node>nm.area_mm2`` SRAM macro area scaled linearly to entries × entry_bytes, at
the node of the buffer's technology.

Not modelled (listed in the result under ``not_modelled``): the systolic arrays' PEs and the
vector unit — the reference notes cite energies but no areas for the arithmetic units — and DRAM,
which is off chip.
"""
from __future__ import annotations

import math

from accelsim.energy.prices import WRITE_BUFFER_REFERENCE_BYTES, PriceList, protected_kinds
from accelsim.hardware.memory.buffer_config import ROLES
from accelsim.hardware.memory.protection import TensorProtection

NOT_MODELLED = ("systolic arrays (no cited PE area)",
                "vector unit (no cited area)", "DRAM (off chip)")


def buffer_area_mm2(area_mm2: float, reference_capacity_bytes: int, capacity_bytes: int) -> float:
    """Linear area model of a memory macro at ``capacity_bytes``."""
    return area_mm2 * capacity_bytes / reference_capacity_bytes


def check_bit_fraction(config: dict, buf: dict, formats: dict) -> float:
    """Side-band ECC columns of ``buf`` per data column (0 without protected kinds)."""
    kinds = protected_kinds(config)
    owned = {k for b in config["scratchpad"] for k in b["holds"]}
    by_role = any(h in ROLES for h in buf["holds"])
    held = [k for k in kinds if k in buf["holds"] or (by_role and k not in owned)]
    guards = {k: TensorProtection(**config["protection"][k]) for k in held}
    return max((g.check_fraction(formats.get(k, "bf16")) for k, g in guards.items()), default=0.0)


def area_breakdown(prices: PriceList, formats: dict | None = None) -> dict:
    """``{"total": mm², "by_component": {"buffer_<name>": mm², "write_buffer_<name>": mm²},
    "not_modelled": [...]}``."""
    by_component = {}
    for name, buf in prices.buffers.items():
        tech = buf["resolved_technology"]
        area = buffer_area_mm2(prices.buffer_value(name, "area_mm2"),
                               tech["reference_capacity_bytes"], buf["capacity_bytes"])
        widen = check_bit_fraction(prices.config, buf, formats or {})
        by_component[f"buffer_{name}"] = area * (1.0 + widen) if widen else area
        if buf.get("write_buffer"):
            by_component[f"write_buffer_{name}"] = buffer_area_mm2(
                prices.write_buffer_value(name, "area_mm2"), WRITE_BUFFER_REFERENCE_BYTES,
                prices.write_buffer_bytes(name))
    return {"total": math.fsum(by_component.values()), "by_component": by_component,
            "not_modelled": list(NOT_MODELLED)}
