"""Derive the STT-MRAM counterpart of an SRAM hardware config, at iso-capacity or iso-area.

Every SRAM scratchpad buffer (or each one named) is moved to the STT-MRAM technology at the same node (the preset
``stt_mram_<node>nm`` unless another is named), optionally written at a given write operating
point. Everything else (banks, ports, word width, interleaving, what each buffer holds, arrays,
DRAM) is kept, and technology overrides of the SRAM buffer are dropped (they describe SRAM).

- iso-capacity: each buffer keeps its ``capacity_bytes``.
- iso-area: each buffer gets the largest capacity whose STT-MRAM area is not above the SRAM
  buffer's area, using the linear area model of the technology table
  (``area_mm2 × capacity / reference_capacity``, :mod:`accelsim.energy.area`), rounded down to a
  whole number of ``banks × interleave`` granules (whole words in every bank).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import yaml

from accelsim.core.errors import ConfigError
from accelsim.energy.area import buffer_area_mm2
from accelsim.hardware.config import HardwareConfig
from accelsim.hardware.memory.mram_write import MramWritePoint
from accelsim.hardware.memory.technology import (
    TECHNOLOGIES,
    counterpart,
    resolve_technology,
)

Iso = Literal["capacity", "area"]


@dataclass(frozen=True)
class BufferChange:
    """What the derivation did to one buffer (areas from the linear area model)."""
    buffer: str
    from_technology: str
    to_technology: str
    from_capacity_bytes: int
    to_capacity_bytes: int
    from_area_mm2: float
    to_area_mm2: float


def derive_mram(hw: HardwareConfig, iso: Iso, *, technology: str | None = None,
                write_point: MramWritePoint | None = None, name: str | None = None,
                buffers: list[str] | None = None,
                source: str | None = None) -> tuple[HardwareConfig, list[BufferChange]]:
    """The STT-MRAM counterpart of ``hw`` and the per-buffer changes. All SRAM buffers are
    converted, or only those named in ``buffers`` (a heterogeneous config)."""
    if iso not in ("capacity", "area"):
        raise ConfigError(f"unknown iso mode {iso!r}", source=source, fix="capacity or area")
    names = [b.name for b in hw.scratchpad]
    for wanted in buffers or ():
        if wanted not in names:
            raise ConfigError(f"no scratchpad buffer {wanted!r}", source=source,
                              field="buffers", fix="valid buffers: " + ", ".join(names))
    data = hw.model_dump(mode="python")
    changes = []
    for buf, out in zip(hw.scratchpad, data["scratchpad"]):
        if buffers is not None and buf.name not in buffers:
            continue
        where = f"scratchpad.{buf.name}.technology"
        sram = resolve_technology(buf.technology, buf.technology_overrides, source=source,
                                  field=where)
        if sram.kind != "sram":
            continue
        target = (TECHNOLOGIES.get(technology, source=source, field="target technology")
                  if technology else counterpart(sram, "stt_mram", source=source, field=where))
        if target.kind != "stt_mram":
            raise ConfigError(f"target technology {target.name!r} is {target.kind}",
                              source=source, field="target technology",
                              fix="name an stt_mram_* technology")
        resolve_technology(target.name, source=source, field=where, write_point=write_point)
        from_area = buffer_area_mm2(sram.area_mm2, sram.reference_capacity_bytes,
                                    buf.capacity_bytes)
        capacity = buf.capacity_bytes
        if iso == "area":
            capacity = _iso_area_capacity(from_area, target, buf.banks * buf.interleave,
                                          source, buf.name)
        out.update(technology=target.name, technology_overrides={}, capacity_bytes=capacity,
                   mram_write=write_point.model_dump() if write_point else None)
        changes.append(BufferChange(
            buf.name, sram.name, target.name, buf.capacity_bytes, capacity, from_area,
            buffer_area_mm2(target.area_mm2, target.reference_capacity_bytes, capacity)))
    if not changes:
        raise ConfigError("no SRAM scratchpad buffer to convert", source=source,
                          field="scratchpad", fix="derive from a config with SRAM buffers")
    data["name"] = name or f"{hw.name}-stt-iso-{iso}"
    return HardwareConfig.model_validate(data), changes


def _iso_area_capacity(area_mm2: float, target, granule_bytes: int, source: str | None,
                       buf_name: str) -> int:
    mm2_per_byte = target.area_mm2 / target.reference_capacity_bytes
    granules = math.floor(area_mm2 / mm2_per_byte / granule_bytes)
    if granules < 1:
        raise ConfigError(f"the SRAM area {area_mm2:.4g} mm² holds less than one "
                          f"{granule_bytes}-byte granule of {target.name}", source=source,
                          field=f"scratchpad.{buf_name}.capacity_bytes",
                          fix="use iso-capacity or a larger buffer")
    return granules * granule_bytes


def to_yaml(hw: HardwareConfig) -> str:
    """A hardware config file that loads back to ``hw``."""
    return yaml.safe_dump(hw.model_dump(mode="json", exclude_none=True), sort_keys=False,
                          allow_unicode=True)
