"""Closed-form cycles and action counts of the crossbar kernels."""
import math

import pytest

from accelsim.hardware.crossbar.config import crossbar_from_dict
from accelsim.hardware.crossbar.kernels import (
    backward_mvm,
    forward_vmm,
    outer_product_update,
    program_weights,
)
from accelsim.hardware.crossbar.mapping import WeightMatrix, map_matrix

pytestmark = pytest.mark.closed_form

BATCH = 8
TILE = {"rows": 128, "cols": 128, "cols_per_adc": 8, "rows_per_adc": 16, "adc_rate_gsps": 0.8,
        "read_ns": 12.0, "write_pulse_ns": 25.0}


def one_tile_layer(**over):
    """A 100-in, 50-out linear layer that fits one tile."""
    cfg = crossbar_from_dict({**TILE, **over})
    return cfg, map_matrix(WeightMatrix("fc", 100, 50, 1, 1), cfg)


@pytest.mark.parametrize("clock_ghz", [1.0, 0.7])
def test_forward_vmm_single_tile_pwm(clock_ghz):
    cfg, m = one_tile_layer()
    k = forward_vmm(m, cfg, BATCH, clock_ghz)
    # 16 column ADCs; 50 weight columns -> 4 conversions on the busiest ADC, 1.25 ns each
    per_vector = 12.0 + math.ceil(50 / 16) * 1.25
    assert k.latency_ns == pytest.approx(BATCH * per_vector)
    assert k.cycles == math.ceil(BATCH * per_vector * clock_ghz - 1e-9)
    assert k.counts() == {"crossbar": {
        "adc_conversions": BATCH * 50, "dac_drives": BATCH * 100, "cell_reads": BATCH * 2 * 100 * 50,
        "write_pulses": 0, "shift_adds": 0, "digital_accumulations": 0}}
    assert k.macs == BATCH * 100 * 50


def test_backward_mvm_single_tile_pwm():
    cfg, m = one_tile_layer()
    k = backward_mvm(m, cfg, BATCH, 1.0)
    # 128 / 16 = 8 row ADCs; 100 rows -> 13 conversions on the busiest
    assert k.latency_ns == pytest.approx(BATCH * (12.0 + 13 * 1.25))
    assert k.cycles == math.ceil(BATCH * (12.0 + 13 * 1.25))
    c = k.counts()["crossbar"]
    assert c["adc_conversions"] == BATCH * 100
    assert c["dac_drives"] == BATCH * 2 * 50           # both columns of each pair are driven
    assert c["cell_reads"] == BATCH * 2 * 100 * 50
    assert c["digital_accumulations"] == 0 and c["shift_adds"] == 0


def test_bit_serial_reference_column_single_tile():
    cfg, m = one_tile_layer(weight_encoding="reference_column", input_mode="bit_serial", dac_bits=4)
    f = forward_vmm(m, cfg, BATCH, 1.0)
    assert f.latency_ns == pytest.approx(BATCH * 4 * (12.0 + math.ceil(50 / 16) * 1.25))
    c = f.counts()["crossbar"]
    assert c["adc_conversions"] == c["shift_adds"] == BATCH * 4 * 50
    assert c["dac_drives"] == BATCH * 4 * 100
    assert c["cell_reads"] == BATCH * 4 * (100 * 50 + 100)   # weight cells + reference column
    b = backward_mvm(m, cfg, BATCH, 1.0)
    c = b.counts()["crossbar"]
    assert b.latency_ns == pytest.approx(BATCH * 4 * (12.0 + 13 * 1.25))
    assert c["adc_conversions"] == c["shift_adds"] == BATCH * 4 * 100
    assert c["dac_drives"] == BATCH * 4 * (50 + 1)            # + the reference column
    assert c["digital_accumulations"] == BATCH * 49           # Σδ driving the reference column


@pytest.mark.parametrize("update, mean, slots", [
    ({}, 1.0, 1),
    ({"average_pulses_per_update": 2.5}, 2.5, 3),
    ({"rule": "states", "states": 97, "update_fraction": 0.05}, 4.8, 5),
    ({"average_pulses_per_update": 2.5, "slots_per_update": 31}, 2.5, 31),
])
def test_update_single_tile(update, mean, slots):
    cfg, m = one_tile_layer(update=update)
    k = outer_product_update(m, cfg, BATCH, 1.0)
    assert k.latency_ns == pytest.approx(BATCH * slots * 25.0)
    assert k.cycles == BATCH * slots * 25
    c = k.counts()["crossbar"]
    assert c["write_pulses"] == pytest.approx(BATCH * 100 * 50 * mean)
    assert c["dac_drives"] == BATCH * (100 + 50)
    assert c["adc_conversions"] == c["cell_reads"] == 0


def test_programming_single_tile():
    cfg, m = one_tile_layer(update={"states": 64})
    k = program_weights(m, cfg, 1.0)
    assert k.latency_ns == pytest.approx(100 * 63 * 25.0)   # row by row, farthest level
    assert k.write_pulses == pytest.approx(100 * 50 * 31.5)
    ref_cfg, ref_m = one_tile_layer(weight_encoding="reference_column")
    assert program_weights(ref_m, ref_cfg, 1.0).write_pulses == pytest.approx((100 * 50 + 100) * 31.5)


def brute_force(matrix, cfg, batch):
    """Enumerate the tiles of a grid placement and add up each tile's work per vector."""
    tw = cfg.weight_cols
    tiles = [(min(cfg.rows, matrix.rows - r0), min(tw, matrix.cols - c0))
             for r0 in range(0, matrix.rows, cfg.rows) for c0 in range(0, matrix.cols, tw)]
    v, p, t = batch * matrix.vectors_per_sample, cfg.passes, 1 / cfg.adc_rate_gsps
    fwd_ns = v * max(p * (cfg.read_ns + t * math.ceil(c / cfg.col_adcs)) for _, c in tiles)
    bwd_ns = v * max(p * (cfg.read_ns + t * math.ceil(r / cfg.row_adcs)) for r, _ in tiles)
    fwd_conv = v * p * sum(c for _, c in tiles)
    bwd_conv = v * p * sum(r for r, _ in tiles)
    reads = v * p * sum(r * (cfg.cells_per_weight * c + cfg.reference_columns) for r, c in tiles)
    # forward: each output column sums its row blocks; backward: each row sums its column blocks
    row_blocks = len(range(0, matrix.rows, cfg.rows))
    col_blocks = len(range(0, matrix.cols, tw))
    fwd_acc = v * (row_blocks - 1) * matrix.cols
    bwd_acc = v * (col_blocks - 1) * matrix.rows
    return fwd_ns, bwd_ns, fwd_conv, bwd_conv, reads, fwd_acc, bwd_acc, len(tiles)


@pytest.mark.parametrize("rows, cols", [(300, 10), (1152, 256), (129, 65), (4608, 512)])
@pytest.mark.parametrize("over", [{}, {"weight_encoding": "reference_column", "cols_per_adc": 32},
                                  {"input_mode": "bit_serial", "dac_bits": 8}])
def test_multi_tile_layer_matches_tile_enumeration(rows, cols, over):
    cfg = crossbar_from_dict({**TILE, **over})
    matrix = WeightMatrix("big", rows, cols, 1, 3)
    m = map_matrix(matrix, cfg)
    fwd_ns, bwd_ns, fwd_conv, bwd_conv, reads, fwd_acc, bwd_acc, n = brute_force(matrix, cfg, BATCH)
    f, b = forward_vmm(m, cfg, BATCH, 1.0), backward_mvm(m, cfg, BATCH, 1.0)
    assert m.tiles == n
    assert f.latency_ns == pytest.approx(fwd_ns) and b.latency_ns == pytest.approx(bwd_ns)
    assert (f.adc_conversions, b.adc_conversions) == (fwd_conv, bwd_conv)
    assert f.cell_reads == b.cell_reads == reads
    assert f.digital_accumulations == fwd_acc
    ref_sums = cfg.reference_columns * BATCH * 3 * (sum(
        min(cfg.weight_cols, cols - c0) - 1 for c0 in range(0, cols, cfg.weight_cols))
        * len(range(0, rows, cfg.rows)))
    assert b.digital_accumulations == bwd_acc + ref_sums


def test_packed_update_pulses_blocks_one_after_another():
    cfg = crossbar_from_dict(TILE)
    m = map_matrix(WeightMatrix("dw", 9, 1, 64, 16), cfg)   # 14 blocks per tile, 5 tiles
    k = outer_product_update(m, cfg, 2, 1.0)
    assert k.latency_ns == pytest.approx(2 * 16 * 14 * 25.0)
    assert k.write_pulses == 2 * 16 * 64 * 9
    f = forward_vmm(m, cfg, 2, 1.0)
    assert f.adc_conversions == 2 * 16 * 64 and f.dac_drives == 2 * 16 * 64 * 9
    assert f.latency_ns == pytest.approx(2 * 16 * (12.0 + math.ceil(14 / 16) * 1.25))


@pytest.mark.parametrize("update, events, slots", [
    ({"scheme": "per_sample"}, BATCH, 1),            # one pulse step per sample
    ({"scheme": "pulse_train"}, BATCH, 31),          # a BL-slot train per sample
    ({"scheme": "pulse_train", "pulse_train_length": 7}, BATCH, 7),
    ({"scheme": "batch_summed"}, 1, 1),              # the summed batch, pulsed once
])
def test_update_scheme_sets_events_and_slots(update, events, slots):
    cfg, m = one_tile_layer(update=update)
    k = outer_product_update(m, cfg, BATCH, 1.0)
    assert k.latency_ns == pytest.approx(events * slots * 25.0)
    assert k.counts()["crossbar"]["write_pulses"] == pytest.approx(events * 100 * 50 * 1.0)


def test_update_scheme_reaches_the_functional_model():
    cfg, _ = one_tile_layer(update={"scheme": "pulse_train", "pulse_train_length": 15})
    params = cfg.device_parameters()
    assert params["update_scheme"] == "pulse_train" and params["pulse_train_length"] == 15
    assert "update_rounding" not in params                  # unset: the profile's
    cfg, _ = one_tile_layer(update={"rounding": "deterministic"})
    assert cfg.device_parameters()["update_rounding"] == "deterministic"
    assert cfg.resolved_device().update_rounding == "deterministic"
