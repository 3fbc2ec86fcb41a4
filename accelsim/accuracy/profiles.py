"""Training protocols as named profiles: how a crossbar network is trained around its devices.

A profile fixes what the device presets do not: the learning-rate schedule, the initial weight
mapping (the largest initial weight as a fraction of the conductance range) and which of the
non-idealities beyond the device's own (read noise, device-to-device variation, stuck cells, the
converters) are on. The device's own non-idealities (states, nonlinearity, cycle-to-cycle noise,
on/off ratio) are always on. Fields the user sets explicitly (``parameters:`` of an errors file or
a crossbar section, the tile's converters of a timing run) override the profile's.

``accelsim`` (the default) trains as accelsim always has: cosine decay, initial weights on the
central half of the range, every preset non-ideality on, stochastic pulse rounding.

``neurosim`` follows MLP_NeuroSim V3.0 (github neurosim/MLP_NeuroSim_V3.0, commit 58a5f0c):

- constant learning rate: ``Train.cpp`` applies ``alpha1``/``alpha2`` (``Param.cpp``) unchanged
  at every image, with ``optimization_type = "SGD"``;
- full-range initial weights: ``WeightInitialize`` (``Mapping.cpp``) draws weights uniformly from
  {−1, −2/3, …, 1} = [minWeight, maxWeight], the device's whole conductance range;
- only the device's own non-idealities: ``RealDevice`` (``Cell.cpp``) has ``readNoise = false``
  and ``conductanceRangeVar = false`` (no device-to-device variation) and no stuck cells;
- its converter precision: ``numBitPartialSum = 8`` (8-bit ADC) with full scale
  ``IsumMax − IsumMin`` (``Train.cpp``: every row at full weight), i.e. ``adc_range`` = the rows
  summed per conversion. Its 1-bit inputs (``numBitInput = 1``) drive only the forward read of
  black-and-white images and sigmoid-thresholded hidden units; its backward pass and weight
  update use full-precision values, which accelsim's one DAC setting for all three kernels
  cannot express, so the profile leaves the DAC unquantised;
- deterministic pulse counts: ``RealDevice::Write`` rounds the wanted step to whole pulses with
  ``truncate`` (threshold 0.5, ``formula.cpp``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from accelsim.core.registry import Registry
from accelsim.accuracy.trainer import SCHEDULES


@dataclass(frozen=True)
class TrainingProfile:
    name: str
    description: str
    schedule: str = "cosine"                 # a key of trainer.SCHEDULES
    init_range_fraction: float = 0.5         # max |initial weight| / w_max
    read_noise: bool = True
    device_to_device: bool = True
    stuck_cells: bool = True
    converters: dict[str, Any] = field(default_factory=dict)  # adc_bits, dac_bits overrides
    adc_full_scale_rows: bool = False        # ADC full scale = rows summed per conversion
    update_rounding: str | None = None       # None: the device preset's (stochastic)

    def __post_init__(self):
        if self.schedule not in SCHEDULES:
            raise ValueError(f"profile {self.name}: unknown schedule {self.schedule!r}")

    def device_overrides(self, rows_per_tile: int) -> dict[str, Any]:
        """Device parameters this profile sets (below the user's explicit ones)."""
        out: dict[str, Any] = {"init_range_fraction": self.init_range_fraction, **self.converters}
        if not self.read_noise:
            out["read_noise_sigma"] = 0.0
        if not self.device_to_device:
            out["d2d_sigma"] = 0.0
        if not self.stuck_cells:
            out.update(stuck_at_gmin_fraction=0.0, stuck_at_gmax_fraction=0.0)
        if self.adc_full_scale_rows:
            out["adc_range"] = float(rows_per_tile)
        if self.update_rounding is not None:
            out["update_rounding"] = self.update_rounding
        return out

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "schedule": self.schedule,
                "init_range_fraction": self.init_range_fraction, "read_noise": self.read_noise,
                "device_to_device": self.device_to_device, "stuck_cells": self.stuck_cells,
                "converters": dict(self.converters),
                "adc_full_scale_rows": self.adc_full_scale_rows,
                "update_rounding": self.update_rounding}


PROFILES: Registry[TrainingProfile] = Registry("training profile")
DEFAULT_PROFILE = "accelsim"

PROFILES.add("accelsim", TrainingProfile(
    "accelsim", "accelsim's default: cosine decay, initial weights on the central half of the "
    "range, every preset non-ideality on (read noise, d2d, stuck cells, 8-bit converters)"))
PROFILES.add("neurosim", TrainingProfile(
    "neurosim", "MLP_NeuroSim V3.0: constant rate, full-range initial weights, only the device's "
    "own non-idealities, 8-bit ADC over the full column range, deterministic pulse counts",
    schedule="constant", init_range_fraction=1.0, read_noise=False, device_to_device=False,
    stuck_cells=False, converters={"adc_bits": 8, "dac_bits": None}, adc_full_scale_rows=True,
    update_rounding="deterministic"))
