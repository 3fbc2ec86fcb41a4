"""Scratchpad memory technologies: a preset library with cited numbers, field overrides, and
the STT-MRAM write operating point.

Each preset describes one memory macro (its reference capacity) per 64-bit access, from the NVSim
and CACTI runs of docs/design.md §5 and §13 ([T-NVSim], [T-CACTI]; ReadEDP
optimisation, LOP devices, 350 K). Latency and energy per access are those of the macro; leakage
and area scale linearly with the capacity actually configured (a documented approximation, made
in :mod:`accelsim.energy`).

An STT-MRAM preset also records the MTJ cell write it was characterised with
(``cell_write_pulse_ns``, ``cell_write_energy_pj_per_bit``, at the nominal write current). A
write operating point (:class:`~accelsim.hardware.memory.mram_write.MramWritePoint`) then changes the
write latency to ``periphery + pulse`` and the write energy to ``periphery + bits × cell energy``
with the cell energy ∝ i²·t (a point that leaves ``pulse_ns`` unset keeps the preset's cell
pulse); the periphery parts (preset value minus the cell part) are unchanged, since the MTJ cell
does not scale with the CMOS node but the drivers and decoders do not change with the pulse
([T-NVSim] cell model). The write error rate is the model's WER per toggled bit.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from accelsim.core.errors import ConfigError
from accelsim.core.ranges import DOC, Plausible
from accelsim.core.registry import Registry
from accelsim.hardware.memory.mram_write import MramWritePoint, write_error_rate


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
    cell_write_pulse_ns: float | None = None           # MTJ only: pulse of the write energy
    cell_write_energy_pj_per_bit: float | None = None  # MTJ only: cell part of write_energy_pj
    source: str = ""
    notes: str = field(default="", compare=False)


TECHNOLOGIES: Registry[MemoryTechnology] = Registry("memory technology")

MB = 1 << 20
KB = 1 << 10

_NVSIM22 = ("NVSim 22 nm LOP, ReadEDP, 350 K, 1 MB, 64-bit word (our run [T-NVSim]; "
            "docs/design.md §5)")
_NVSIM32 = ("NVSim 32 nm LOP, ReadEDP, 350 K, 256 KB, 64-bit word (our run [T-NVSim]; "
            "docs/design.md §5)")

for _t in (
    MemoryTechnology("sram_22nm", "sram", 22, MB, 0.63, 0.44, 7.2, 7.2, 26.6, 0.77,
                     source=_NVSIM22, notes="CACTI gives 140-195 mW leakage for the same macro"),
    MemoryTechnology("stt_mram_22nm", "stt_mram", 22, MB, 1.95, 10.39, 20.6, 70.0, 4.2, 0.42,
                     write_error_rate=3.7e-11, cell_write_pulse_ns=10.0,
                     cell_write_energy_pj_per_bit=1.0,
                     source=_NVSIM22 + "; cell 54 F², 80 µA / 10 ns / 1 pJ (NVSim sample cell)"),
    MemoryTechnology("stt_mram_22nm_half_pulse", "stt_mram", 22, MB, 1.95, 5.39, 20.6, 38.0, 4.2,
                     0.42, write_error_rate=7.4e-5, cell_write_pulse_ns=5.0,
                     cell_write_energy_pj_per_bit=0.5,
                     source=_NVSIM22 + "; 5 ns / 0.5 pJ cell write (half pulse)"),
    MemoryTechnology("sram_32nm", "sram", 32, 256 * KB, 0.30, 0.25, 12.6, 12.6, 24.6, 0.46,
                     source=_NVSIM32, notes="CACTI-HP gives 72.7 mW leakage"),
    MemoryTechnology("stt_mram_32nm", "stt_mram", 32, 256 * KB, 1.68, 10.56, 17.0, 72.2, 2.8, 0.28,
                     write_error_rate=3.7e-11, cell_write_pulse_ns=10.0,
                     cell_write_energy_pj_per_bit=1.0, source=_NVSIM32 + "; NVSim sample cell"),
):
    TECHNOLOGIES.add(_t.name, _t)

_MTJ_FIELDS = ("cell_write_pulse_ns", "cell_write_energy_pj_per_bit")
_NUMERIC = {f.name for f in dataclasses.fields(MemoryTechnology)
            if f.type in ("float", "int") and f.name not in ("node_nm",)} | set(_MTJ_FIELDS)


def resolve_technology(preset: str, overrides: dict | None = None, *, source: str | None = None,
                       field: str | None = None,
                       write_point: MramWritePoint | None = None) -> MemoryTechnology:
    """A preset with validated field overrides (unknown field or non-positive value → error),
    then the STT-MRAM write operating point, if any (see :func:`apply_write_point`).

    ``field`` names the buffer's technology field (``scratchpad.<name>.technology``); errors in
    the write point are reported at the sibling field ``mram_write``.
    """
    tech = TECHNOLOGIES.get(preset, source=source, field=field)
    if overrides:
        tech = _apply_overrides(tech, overrides, source, field)
    if write_point is not None:
        if "write_error_rate" in (overrides or {}):
            where = f"{field}.technology_overrides.write_error_rate" if field else None
            raise ConfigError("write_error_rate is derived from mram_write; both are set",
                              source=source, field=where,
                              fix="remove the write_error_rate override or the mram_write point")
        wp_field = (field.rsplit(".", 1)[0] + ".mram_write") if field else "mram_write"
        tech = apply_write_point(tech, write_point, source=source, field=wp_field)
    return tech


def _apply_overrides(tech: MemoryTechnology, overrides: dict, source: str | None,
                     field: str | None) -> MemoryTechnology:
    changes = {}
    for key, value in overrides.items():
        where = f"{field}.technology_overrides.{key}" if field else key
        if key not in _NUMERIC:
            raise ConfigError(f"unknown technology field {key!r}", source=source, field=where,
                              fix="valid fields: " + ", ".join(sorted(_NUMERIC)))
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"must be a number (got {value!r})", source=source, field=where)
        plausible = override_range(key)
        if problem := plausible.problem(value):
            raise ConfigError(problem, source=source, field=where,
                              fix=f"use a value in range (each range and its source: {DOC})")
        if key in _MTJ_FIELDS and tech.kind != "stt_mram":
            raise ConfigError(f"{key} describes an MTJ cell but {tech.name!r} is {tech.kind}",
                              source=source, field=where, fix="remove it or use an stt_mram_* "
                              "technology")
        changes[key] = value
    tech = dataclasses.replace(tech, name=f"{tech.name}+overrides", **changes)
    if tech.cell_write_pulse_ns is not None:
        _periphery(tech, source, field)  # the cell part must fit inside the write totals
    return tech


#: plausible ranges of technology-field overrides, by the unit their name ends in
OVERRIDE_RANGES = {
    "_ns": Plausible(0, 1e5, "memory macro latencies are 0.1-100 ns; 100 µs", "ns", True),
    "_pj": Plausible(0, 1e6, "a 64-bit macro access costs 1-1000 pJ", "pJ", True),
    "_pj_per_bit": Plausible(0, 1e4, "an MTJ cell write costs 0.1-10 pJ per bit", "pJ", True),
    "_mw": Plausible(0, 1e6, "a macro leaks µW to W; 1 kW", "mW", True),
    "_mm2": Plausible(0, 1e5, "a macro is < 100 mm²; a whole wafer 70,000 mm²", "mm²", True),
    "_bytes": Plausible(1, 1 << 36, "a macro of 1 B to 64 GiB", "B"),
    "_bits": Plausible(1, 1 << 15, "an access of 1 bit to 4 KiB", "bits"),
    "_rate": Plausible(0, 1, "a probability"),
}


def override_range(key: str) -> Plausible:
    """The plausible range of technology field ``key`` (by its unit suffix)."""
    for suffix, plausible in sorted(OVERRIDE_RANGES.items(), key=lambda kv: -len(kv[0])):
        if key.endswith(suffix):
            return plausible
    raise KeyError(key)  # every numeric field has a unit suffix (tested)


def _periphery(tech: MemoryTechnology, source: str | None, field: str | None
               ) -> tuple[float, float]:
    """(write latency, write energy) of the periphery: the totals minus the MTJ cell part."""
    latency_ns = tech.write_latency_ns - tech.cell_write_pulse_ns
    energy_pj = tech.write_energy_pj - tech.access_bits * tech.cell_write_energy_pj_per_bit
    if latency_ns < 0 or energy_pj < 0:
        raise ConfigError(
            f"technology {tech.name!r}: the MTJ cell write ({tech.cell_write_pulse_ns:g} ns, "
            f"{tech.cell_write_energy_pj_per_bit:g} pJ/bit × {tech.access_bits} bits) exceeds "
            f"the write totals ({tech.write_latency_ns:g} ns, {tech.write_energy_pj:g} pJ)",
            source=source, field=field,
            fix="write_latency_ns >= cell_write_pulse_ns and write_energy_pj >= access_bits × "
                "cell_write_energy_pj_per_bit")
    return latency_ns, energy_pj


def apply_write_point(tech: MemoryTechnology, point: MramWritePoint, *,
                      source: str | None = None, field: str | None = None) -> MemoryTechnology:
    """``tech`` written at ``point``: write latency = periphery + pulse; write energy =
    periphery + access_bits × cell energy, the cell energy scaled by (V/V_nom)²·t from the cell
    write the preset was characterised with (nominal current); write error rate from the WER
    model. A point without a pulse uses the preset's own cell pulse (``cell_write_pulse_ns``).
    Reading, leakage and area are unchanged. An SRAM technology → ConfigError."""
    if tech.kind != "stt_mram" or tech.cell_write_pulse_ns is None:
        raise ConfigError(f"a write operating point applies to STT-MRAM, but technology "
                          f"{tech.name!r} is {tech.kind}", source=source, field=field,
                          fix="remove mram_write or use an stt_mram_* technology")
    point = point.resolved(pulse_ns=tech.cell_write_pulse_ns)
    wer = write_error_rate(point, source=source, field=field)
    periphery_ns, periphery_pj = _periphery(tech, source, field)
    cell_pj_per_bit = (tech.cell_write_energy_pj_per_bit * point.voltage_scale ** 2
                       * point.pulse_ns / tech.cell_write_pulse_ns)
    return dataclasses.replace(
        tech,
        name=f"{tech.name}+write(v={point.voltage_scale:g},pulse_ns={point.pulse_ns:g})",
        write_latency_ns=periphery_ns + point.pulse_ns,
        write_energy_pj=periphery_pj + tech.access_bits * cell_pj_per_bit,
        write_error_rate=wer,
        cell_write_pulse_ns=point.pulse_ns,
        cell_write_energy_pj_per_bit=cell_pj_per_bit)


def counterpart(tech: MemoryTechnology, kind: str, *, source: str | None = None,
                field: str | None = None) -> MemoryTechnology:
    """The preset of ``kind`` at the same node that is the baseline for comparisons: named
    ``<kind>_<node>nm`` (e.g. ``stt_mram_22nm`` for ``sram_22nm``)."""
    name = f"{kind}_{tech.node_nm}nm"
    if name not in TECHNOLOGIES:
        same = [n for n in TECHNOLOGIES.names() if TECHNOLOGIES.get(n).kind == kind]
        raise ConfigError(f"no {kind} preset at {tech.node_nm} nm (looked for {name!r})",
                          source=source, field=field,
                          fix="name a target technology explicitly; available: "
                              + ", ".join(same))
    return TECHNOLOGIES.get(name)
