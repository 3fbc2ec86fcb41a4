"""Silicon area of the crossbar tiles, from the tile preset's cited component areas.

Per tile: ``rows × cols`` cells of ``cell_area_f2`` F² at the machine's node; one ADC per
``cols_per_adc`` columns plus one per ``rows_per_adc`` rows (the transpose direction); a driver on
every row and every column (forward inputs on rows, backward inputs on columns); and, for
bit-serial input, one shift-and-add unit per ADC. The ADC area is the preset's, at the preset's
ADC resolution: overriding ``adc_bits`` does not rescale it (stated in the report's ``notes``).
Digital accumulators, buffers and interconnect are not included (they belong to the scratchpad and
vector-unit models).
"""
from __future__ import annotations

from accelsim.hardware.crossbar.config import CrossbarConfig


def tile_area_um2(cfg: CrossbarConfig, node_nm: int) -> dict[str, float]:
    """Area breakdown of one tile in µm² at the machine's ``node_nm``, with ``total_um2``."""
    preset = cfg.tile_preset
    f_um = node_nm * 1e-3
    adcs = cfg.col_adcs + cfg.row_adcs
    parts = {
        "cells_um2": cfg.rows * cfg.cols * preset.cell_area_f2 * f_um ** 2,
        "adcs_um2": adcs * preset.adc_area_um2,
        "drivers_um2": (cfg.rows + cfg.cols) * preset.dac_area_um2_per_line,
        "shift_add_um2": adcs * preset.shift_add_area_um2 if cfg.input_mode == "bit_serial" else 0.0,
    }
    parts["total_um2"] = sum(parts.values())
    return parts


def area_report(cfg: CrossbarConfig, node_nm: int, tiles_used: int | None = None) -> dict:
    """Area of all configured tiles (and of the ones a workload uses), in mm²."""
    per_tile = tile_area_um2(cfg, node_nm)
    notes = []
    if node_nm != cfg.tile_preset.node_nm:
        notes.append(f"converter areas are the preset's at {cfg.tile_preset.node_nm} nm; the "
                     f"machine is at {node_nm} nm (only the cell area follows the node)")
    if cfg.adc_bits != cfg.tile_preset.adc_bits:
        notes.append(f"ADC area is the preset's {cfg.tile_preset.adc_bits}-bit ADC; adc_bits "
                     f"{cfg.adc_bits} is not rescaled")
    report = {"preset": cfg.preset, "tile_um2": per_tile,
              "tiles": cfg.tiles, "total_mm2": per_tile["total_um2"] * cfg.tiles * 1e-6,
              "notes": notes}
    if tiles_used is not None:
        report["tiles_used"] = tiles_used
        report["used_mm2"] = per_tile["total_um2"] * tiles_used * 1e-6
    return report
