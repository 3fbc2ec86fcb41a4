"""Placement of weight matrices on tiles: ceil-divisions, packing, col2im, layer assignment."""
import math

import numpy as np
import pytest

from accelsim.core.errors import ConfigError
from accelsim.hardware.crossbar.config import crossbar_from_dict
from accelsim.hardware.crossbar.mapping import WeightMatrix, map_matrix, plan
from accelsim.workload.layers import Workload


def enumerate_grid(rows, cols, tile_rows, tile_wcols):
    """Brute force: the (rows used, weight columns used) of every tile, cutting the matrix."""
    tiles = []
    for r0 in range(0, rows, tile_rows):
        for c0 in range(0, cols, tile_wcols):
            tiles.append((min(tile_rows, rows - r0), min(tile_wcols, cols - c0)))
    return tiles


SHAPES = [(1, 1), (128, 64), (129, 64), (128, 65), (300, 10), (1152, 256), (4608, 512),
          (27, 64), (576, 1000), (77, 3)]


@pytest.mark.parametrize("rows, cols", SHAPES)
@pytest.mark.parametrize("encoding", ["differential", "reference_column"])
def test_grid_tiles_and_accumulations_match_ceil_divisions(rows, cols, encoding):
    cfg = crossbar_from_dict({"rows": 128, "cols": 128, "weight_encoding": encoding})
    m = map_matrix(WeightMatrix("x", rows, cols, 1, 1), cfg)
    tw = cfg.weight_cols
    assert tw == (64 if encoding == "differential" else 127)
    if rows <= 128 and cols <= tw:
        assert m.tiles == 1
        return
    rb, cb = math.ceil(rows / 128), math.ceil(cols / tw)
    assert (m.row_blocks, m.col_blocks, m.tiles) == (rb, cb, rb * cb)
    assert m.forward_accumulations_per_vector == (rb - 1) * cols
    assert m.backward_accumulations_per_vector == (cb - 1) * rows
    tiles = enumerate_grid(rows, cols, 128, tw)
    assert len(tiles) == m.tiles
    assert m.rows_driven == sum(r for r, _ in tiles)
    assert m.weight_cols_used == sum(c for _, c in tiles)
    assert m.crosspoints == sum(r * c for r, c in tiles) == rows * cols
    assert m.max_rows_used == max(r for r, _ in tiles)
    assert m.max_weight_cols_used == max(c for _, c in tiles)


@pytest.mark.parametrize("copies, rows, cols", [(32, 9, 1), (960, 9, 1), (100, 25, 1),
                                                (7, 64, 32), (3, 128, 64), (12, 40, 20)])
def test_packed_copies_share_tiles(copies, rows, cols):
    cfg = crossbar_from_dict({"rows": 128, "cols": 128})
    m = map_matrix(WeightMatrix("dw", rows, cols, copies, 1), cfg)
    per_tile = min(128 // rows, 64 // cols)
    assert m.copies_per_tile == per_tile
    assert m.tiles == math.ceil(copies / per_tile)
    blocks = [min(per_tile, copies - i) for i in range(0, copies, per_tile)]
    assert m.crosspoints == sum((b * rows) * (b * cols) for b in blocks)
    assert m.rows_driven == copies * rows and m.weight_cols_used == copies * cols
    assert m.max_blocks_in_tile == max(blocks)
    assert m.forward_accumulations_per_vector == m.backward_accumulations_per_vector == 0


def brute_col2im(c, h, w, k, stride, pad):
    """Scatter-add a patch per output pixel into the input gradient, counting adds."""
    p = (h + 2 * pad - k) // stride + 1
    q = (w + 2 * pad - k) // stride + 1
    hits = np.zeros((h, w), dtype=int)
    for i in range(p):
        for j in range(q):
            for r in range(k):
                for s in range(k):
                    y, x = i * stride - pad + r, j * stride - pad + s
                    if 0 <= y < h and 0 <= x < w:
                        hits[y, x] += 1
    return c * int(np.maximum(hits - 1, 0).sum())


@pytest.mark.parametrize("h, k, stride, pad", [(8, 3, 1, 1), (7, 3, 2, 1), (9, 1, 2, 0),
                                               (12, 7, 2, 3), (5, 5, 1, 0), (11, 3, 3, 0)])
def test_col2im_adds_match_brute_force(h, k, stride, pad):
    wl = Workload.model_validate({"name": "w", "layers": [
        {"kind": "conv2d", "name": "c", "in_h": h, "in_w": h, "kernel": k, "stride": stride,
         "padding": pad, "in_channels": 3, "out_channels": 4}]})
    assert wl.layers[0].col2im_adds() == brute_col2im(3, h, h, k, stride, pad)


def _workload():
    return Workload.model_validate({"name": "net", "batch": 2, "layers": [
        {"kind": "conv2d", "name": "conv1", "in_h": 16, "in_w": 16, "kernel": 3, "padding": 1,
         "in_channels": 3, "out_channels": 64},
        {"kind": "depthwise_conv2d", "name": "dw", "in_h": 16, "in_w": 16, "kernel": 3,
         "padding": 1, "channels": 64},
        {"kind": "pool", "name": "pool", "in_h": 16, "in_w": 16, "kernel": 2, "stride": 2,
         "channels": 64},
        {"kind": "conv2d", "name": "conv2", "in_h": 8, "in_w": 8, "kernel": 3, "padding": 1,
         "in_channels": 64, "out_channels": 128},
        {"kind": "gemm", "name": "attn", "m": 4, "k": 8, "n": 4, "has_weights": False},
        {"kind": "linear", "name": "fc", "in_features": 512, "out_features": 10},
    ]})


def test_weight_matrices_of_each_layer_kind():
    wl = _workload()
    mats = {layer.name: layer.weight_matrix() for layer in wl.layers}
    assert (mats["conv1"].rows, mats["conv1"].cols, mats["conv1"].vectors_per_sample) == (27, 64, 256)
    assert (mats["dw"].rows, mats["dw"].cols, mats["dw"].copies) == (9, 1, 64)
    assert (mats["fc"].rows, mats["fc"].cols, mats["fc"].vectors_per_sample) == (512, 10, 1)
    assert mats["pool"] is None and mats["attn"] is None


def test_plan_all_skips_weightless_layers_and_honours_exclusions():
    cfg = crossbar_from_dict({"tiles": 64, "exclude_layers": ["conv1", "fc"]})
    p = plan(_workload(), cfg)
    assert list(p.mappings) == ["dw", "conv2"]
    assert p.tiles_used == p.mappings["dw"].tiles + p.mappings["conv2"].tiles
    assert p.runs_on_crossbar("conv2") and not p.runs_on_crossbar("fc")


def test_plan_errors():
    wl = _workload()
    with pytest.raises(ConfigError, match="not in workload") as exc:
        plan(wl, crossbar_from_dict({"layers": ["conv9"]}), source="m.yaml")
    assert exc.value.field == "crossbar.layers" and "conv1" in exc.value.fix
    with pytest.raises(ConfigError, match="no stationary weights"):
        plan(wl, crossbar_from_dict({"layers": ["pool"]}))
    with pytest.raises(ConfigError, match="not in workload") as exc:
        plan(wl, crossbar_from_dict({"exclude_layers": ["x"]}))
    assert exc.value.field == "crossbar.exclude_layers"


def test_layer_too_large_without_fallback_is_an_error():
    wl = _workload()
    # conv1 1 tile; dw 64 copies of 9x1, 14 per tile -> 5; conv2 576x128 -> 5 x 2 = 10; fc 4 x 1
    cfg = crossbar_from_dict({"tiles": 10})
    with pytest.raises(ConfigError) as exc:
        plan(wl, cfg, source="m.yaml")
    msg = str(exc.value)
    assert "'conv2'" in msg and "needs 10 tiles" in msg and "only 4 of the 10" in msg
    assert exc.value.field == "crossbar.tiles" and "on_overflow" in exc.value.fix
    fallback = plan(wl, crossbar_from_dict({"tiles": 10, "on_overflow": "digital"}))
    assert fallback.overflowed == ("conv2",)
    assert list(fallback.mappings) == ["conv1", "dw", "fc"] and fallback.tiles_used == 10
