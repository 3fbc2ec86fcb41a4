"""Closed-form timing and action counts of the crossbar training kernels (docs/design.md §6).

For a layer placed on tiles (:class:`~accelsim.hardware.crossbar.mapping.TileMapping`) and ``V`` input
vectors (batch × vectors per sample), with ``passes`` = 1 (PWM) or ``dac_bits`` (bit-serial),
``t_conv = 1 / adc_rate_gsps`` and all tiles of the layer working in parallel:

* **forward VMM** (inputs on rows, outputs on columns), per vector
  ``passes · (read_ns + t_conv · ceil(busiest tile's weight columns / column ADCs))``;
  ADC conversions ``V · passes · Σ weight columns``; DAC drives ``V · passes · Σ rows``.
* **backward transpose MVM** (inputs on columns, outputs on rows), per vector
  ``passes · (read_ns + t_conv · ceil(busiest tile's rows / row ADCs))``;
  ADC conversions ``V · passes · Σ rows``; DAC drives ``V · passes · (cells_per_weight · Σ weight
  columns + one reference-column drive per tile)``; plus the digital scatter (col2im) of conv
  layers and, for reference-column encoding, the Σδ that drives the reference column.
* **outer-product update** (x on rows, δ on columns, all lines pulsed in parallel): one update
  event per vector pair (``update.scheme`` per_sample or pulse_train; batch_summed: one per
  vector position of the step), ``slots · write_pulse_ns`` each (packed blocks one after another);
  ``V · weights · mean_pulses`` write pulses; row and column pulse drivers counted as DAC drives.
* **programming** (one time, before training): row by row, all columns of a row in parallel; a
  row takes ``max(states − 1, ceil(program_pulses))`` pulse slots (its farthest target from the
  reset state), tiles in parallel; energy from the mean ``program_pulses`` per programmed cell.

ADC outputs are assigned round-robin to a tile's ADCs, so a tile with ``n`` outputs and ``a`` ADCs
serialises ``ceil(n / a)`` conversions. Digital partial-sum accumulation and shift-add run in the
tile periphery, pipelined behind the conversions (counted, not on the critical path). Conversion of
vector *v* does not overlap the array read of vector *v + 1* (no sample-and-hold pipelining).

Counts use the schema ``{"crossbar": {adc_conversions, dac_drives, cell_reads, write_pulses,
shift_adds, digital_accumulations}}``; ``cell_reads`` counts conducting cells (every cell at the
crossing of a driven row and a used column, per pass), whose energy is V²·G·t per read.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from accelsim.core.timebase import ns_to_cycles
from accelsim.hardware.crossbar.config import CrossbarConfig
from accelsim.hardware.crossbar.mapping import TileMapping

COUNT_KEYS = ("adc_conversions", "dac_drives", "cell_reads", "write_pulses", "shift_adds",
              "digital_accumulations")


@dataclass(frozen=True)
class KernelCost:
    """Time and actions of one kernel over one layer (all its tiles, all its vectors)."""
    kernel: str
    layer: str
    vectors: int
    latency_ns: float
    cycles: int
    macs: int
    adc_conversions: int = 0
    dac_drives: int = 0
    cell_reads: int = 0
    write_pulses: float = 0
    shift_adds: int = 0
    digital_accumulations: int = 0

    def counts(self) -> dict[str, dict[str, float]]:
        """Action counts in the energy schema."""
        return {"crossbar": {k: getattr(self, k) for k in COUNT_KEYS}}


def _cost(kernel: str, m: TileMapping, cfg: CrossbarConfig, clock_ghz: float, vectors: int,
          latency_ns: float, macs: int, **counts) -> KernelCost:
    return KernelCost(kernel, m.layer, vectors, latency_ns, ns_to_cycles(latency_ns, clock_ghz),
                      macs, **counts)


def _reads_per_pass(m: TileMapping, cfg: CrossbarConfig) -> int:
    return cfg.cells_per_weight * m.crosspoints + cfg.reference_columns * m.rows_driven


def forward_vmm(m: TileMapping, cfg: CrossbarConfig, batch: int, clock_ghz: float) -> KernelCost:
    v = batch * m.matrix.vectors_per_sample
    p = cfg.passes
    per_vector = p * (cfg.read_ns + cfg.adc_conversion_ns
                      * math.ceil(m.max_weight_cols_used / cfg.col_adcs))
    conversions = v * p * m.weight_cols_used
    return _cost("forward_vmm", m, cfg, clock_ghz, v, v * per_vector, v * m.matrix.weights,
                 adc_conversions=conversions, dac_drives=v * p * m.rows_driven,
                 cell_reads=v * p * _reads_per_pass(m, cfg),
                 shift_adds=conversions if cfg.input_mode == "bit_serial" else 0,
                 digital_accumulations=v * m.forward_accumulations_per_vector)


def backward_mvm(m: TileMapping, cfg: CrossbarConfig, batch: int, clock_ghz: float) -> KernelCost:
    v = batch * m.matrix.vectors_per_sample
    p = cfg.passes
    per_vector = p * (cfg.read_ns + cfg.adc_conversion_ns * math.ceil(m.max_rows_used / cfg.row_adcs))
    conversions = v * p * m.rows_driven
    ref = cfg.reference_columns
    drives = cfg.cells_per_weight * m.weight_cols_used + ref * m.tiles
    reference_sums = ref * (m.weight_cols_used - m.tiles)  # Σδ per tile for its reference column
    accumulations = (v * (m.backward_accumulations_per_vector + reference_sums)
                     + batch * m.matrix.col2im_adds_per_sample)
    return _cost("backward_mvm", m, cfg, clock_ghz, v, v * per_vector, v * m.matrix.weights,
                 adc_conversions=conversions, dac_drives=v * p * drives,
                 cell_reads=v * p * _reads_per_pass(m, cfg),
                 shift_adds=conversions if cfg.input_mode == "bit_serial" else 0,
                 digital_accumulations=accumulations)


def _whole(x: float) -> float | int:
    return int(x) if float(x).is_integer() else x


def outer_product_update(m: TileMapping, cfg: CrossbarConfig, batch: int,
                         clock_ghz: float) -> KernelCost:
    rule = cfg.update
    samples = 1 if rule.scheme == "batch_summed" else batch  # batch_summed: one pulse step
    v = samples * m.matrix.vectors_per_sample
    per_event = m.max_blocks_in_tile * rule.slots * cfg.write_pulse_ns
    return _cost("update", m, cfg, clock_ghz, v, v * per_event, v * m.matrix.weights,
                 dac_drives=v * (m.rows_driven + m.weight_cols_used),
                 write_pulses=_whole(v * m.matrix.weights * rule.mean_pulses))


def program_weights(m: TileMapping, cfg: CrossbarConfig, clock_ghz: float) -> KernelCost:
    """One-time programming of the layer's weights (reported apart from the training step).
    Differential pairs pulse one cell per weight from reset; with a reference column every used
    cell, the reference column included, is programmed (zero weight is a mid-range level)."""
    pulses = cfg.update.program_pulses
    if cfg.weight_encoding == "differential":
        cells = m.matrix.weights
    else:
        cells = m.crosspoints + m.rows_driven
    slots_per_row = max(cfg.update.states - 1, math.ceil(pulses))
    latency = m.max_rows_used * slots_per_row * cfg.write_pulse_ns
    return _cost("program", m, cfg, clock_ghz, 0, latency, 0, write_pulses=_whole(cells * pulses))
