"""Area from the same tables as energy.

Scratchpad buffers: the resolved technology's macro area scaled linearly to the configured
capacity, ``area_mm2 × capacity_bytes / reference_capacity_bytes`` (or the table's per-buffer
``scratchpad.<name>.area_mm2`` replacement). This is the same linear model the iso-area
derivation (:mod:`accelsim.tools.derive`) inverts.

Not modelled (listed in the result under ``not_modelled``): the systolic arrays' PEs and the
vector unit — the reference notes cite energies but no areas for the arithmetic units — and DRAM,
which is off chip.
"""
from __future__ import annotations

import math

from accelsim.energy.prices import PriceList

NOT_MODELLED = ("systolic arrays (no cited PE area)",
                "vector unit (no cited area)", "DRAM (off chip)")


def buffer_area_mm2(area_mm2: float, reference_capacity_bytes: int, capacity_bytes: int) -> float:
    """Linear area model of a memory macro at ``capacity_bytes``."""
    return area_mm2 * capacity_bytes / reference_capacity_bytes


def area_breakdown(prices: PriceList) -> dict:
    """``{"total": mm², "by_component": {"buffer_<name>": mm²}, "not_modelled": [...]}``."""
    by_component = {}
    for name, buf in prices.buffers.items():
        tech = buf["resolved_technology"]
        by_component[f"buffer_{name}"] = buffer_area_mm2(
            prices.buffer_value(name, "area_mm2"), tech["reference_capacity_bytes"],
            buf["capacity_bytes"])
    return {"total": math.fsum(by_component.values()), "by_component": by_component,
            "not_modelled": list(NOT_MODELLED)}
