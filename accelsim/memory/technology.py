"""Scratchpad memory technologies: a preset library with cited numbers, plus field overrides.

Each preset describes one memory macro (its reference capacity) per 64-bit access, from the NVSim
and CACTI runs recorded in DESIGN.md §5 / reference/notes/memory_energy.md §3 (ReadEDP
optimisation, LOP devices, 350 K). Latency and energy per access are those of the macro; leakage
and area scale linearly with the capacity actually configured (a documented approximation).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from ..errors import ConfigError
from ..registry import Registry


@dataclass(frozen=True)
class MemoryTechnology:
    """Per-access timing and energy of one memory macro.

    Attributes carry their units. ``access_bits`` is the width the energies refer to.
    """
    name: str
    kind: str  # "sram" | "stt_mram"
    node_nm: int
    reference_capacity_bytes: int
    read_latency_ns: float
    write_latency_ns: float
    read_energy_pj: float
    write_energy_pj: float
    leakage_mw: float
    area_mm2: float
    access_bits: int = 64
    write_error_rate: float = 0.0
    source: str = ""
    notes: str = field(default="", compare=False)

    def leakage_mw_at(self, capacity_bytes: int) -> float:
        return self.leakage_mw * capacity_bytes / self.reference_capacity_bytes

    def area_mm2_at(self, capacity_bytes: int) -> float:
        return self.area_mm2 * capacity_bytes / self.reference_capacity_bytes


TECHNOLOGIES: Registry[MemoryTechnology] = Registry("memory technology")

MB = 1 << 20
KB = 1 << 10

_NVSIM22 = ("NVSim 22 nm LOP, ReadEDP, 350 K, 1 MB, 64-bit word (our run; DESIGN.md §5, "
            "reference/notes/memory_energy.md §3.3)")
_NVSIM32 = ("NVSim 32 nm LOP, ReadEDP, 350 K, 256 KB, 64-bit word (our run; DESIGN.md §5, "
            "reference/notes/memory_energy.md §3.6)")

for _t in (
    MemoryTechnology("sram_22nm", "sram", 22, MB, 0.63, 0.44, 7.2, 7.2, 26.6, 0.77,
                     source=_NVSIM22, notes="CACTI gives 140-195 mW leakage for the same macro"),
    MemoryTechnology("stt_mram_22nm", "stt_mram", 22, MB, 1.95, 10.39, 20.6, 70.0, 4.2, 0.42,
                     write_error_rate=3.7e-11,
                     source=_NVSIM22 + "; cell 54 F², 80 µA / 10 ns / 1 pJ (NVSim sample cell)"),
    MemoryTechnology("stt_mram_22nm_half_pulse", "stt_mram", 22, MB, 1.95, 5.39, 20.6, 38.0, 4.2,
                     0.42, write_error_rate=7.4e-5,
                     source=_NVSIM22 + "; 5 ns / 0.5 pJ cell write (half pulse)"),
    MemoryTechnology("sram_32nm", "sram", 32, 256 * KB, 0.30, 0.25, 12.6, 12.6, 24.6, 0.46,
                     source=_NVSIM32, notes="CACTI-HP gives 72.7 mW leakage"),
    MemoryTechnology("stt_mram_32nm", "stt_mram", 32, 256 * KB, 1.68, 10.56, 17.0, 72.2, 2.8, 0.28,
                     write_error_rate=3.7e-11, source=_NVSIM32 + "; NVSim sample cell"),
):
    TECHNOLOGIES.add(_t.name, _t)

_NUMERIC = {f.name for f in dataclasses.fields(MemoryTechnology)
            if f.type in ("float", "int") and f.name not in ("node_nm",)}


def resolve_technology(preset: str, overrides: dict | None = None, *, source: str | None = None,
                       field: str | None = None) -> MemoryTechnology:
    """A preset with validated field overrides (unknown field or non-positive value → error)."""
    tech = TECHNOLOGIES.get(preset, source=source, field=field)
    if not overrides:
        return tech
    changes = {}
    for key, value in overrides.items():
        where = f"{field}.technology_overrides.{key}" if field else key
        if key not in _NUMERIC:
            raise ConfigError(f"unknown technology field {key!r}", source=source, field=where,
                              fix="valid fields: " + ", ".join(sorted(_NUMERIC)))
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"must be a number (got {value!r})", source=source, field=where)
        if key == "write_error_rate":
            if not 0.0 <= value <= 1.0:
                raise ConfigError("must be within [0, 1]", source=source, field=where)
        elif value <= 0:
            raise ConfigError(f"must be positive (got {value})", source=source, field=where,
                              fix="latencies, energies, leakage and area are > 0")
        changes[key] = value
    return dataclasses.replace(tech, name=f"{tech.name}+overrides", **changes)
