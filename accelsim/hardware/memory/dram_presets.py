"""DRAM presets (timing and energy per standard), each with its source.

Timing and organisation only, from DRAMSim3's shipped configs (reference/notes/memory_energy.md
§4.2). Energies live in the energy tables (count first, price second).
"""
from __future__ import annotations

from dataclasses import dataclass

from accelsim.core.registry import Registry


@dataclass(frozen=True)
class DramPreset:
    name: str
    channels: int
    bandwidth_gb_per_s_per_channel: float  # GB/s (1e9 bytes/s)
    latency_ns: float                  # idle read latency, tRCD + tCL (+ controller assumption)
    row_bytes: int                     # bytes opened by one activation, per channel
    banks_per_channel: int
    t_rc_ns: float                     # activate-to-activate, same bank
    source: str


DRAM_PRESETS: Registry[DramPreset] = Registry("DRAM preset")

for _p in (
    DramPreset("ddr4_3200", 1, 25.6, 27.7, 8192, 16, 46.6,
               "DRAMSim3 DDR4_8Gb_x8_3200.ini (tCK 0.625 ns, CL=tRCD=22, tRC=74 tCK); IDD-method "
               "core energy without I/O (memory_energy.md §4.3); precharge standby per rank"),
    DramPreset("lpddr4_2400", 1, 19.2, 36.0, 8192, 8, 60.0,
               "DRAMSim3 LPDDR4_8Gb_x16_2400.ini, 4×x16 channel; latency tRCD+tCL ≈ 36 ns"),
    DramPreset("hbm2", 8, 32.0, 28.0, 2048, 16, 48.0,
               "DRAMSim3 HBM2_8Gb_x128.ini (tCK 1 ns, CL=tRCD=14, tRC=48); 8 channels = 256 GB/s "
               "per stack"),
):
    DRAM_PRESETS.add(_p.name, _p)
