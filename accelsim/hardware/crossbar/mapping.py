"""Mapping layers' weight matrices onto crossbar tiles.

A weight layer is ``copies`` independent weight matrices of ``rows × cols`` (rows = the reduction
length, the inputs of the forward pass; cols = the outputs), as each layer kind's
``weight_matrix()`` gives it:

===================  =================  ==========  ==========  ==========================
layer                rows               cols        copies      input vectors per sample
===================  =================  ==========  ==========  ==========================
conv2d               C·R·S              K           1           P·Q (one per output pixel)
depthwise_conv2d     R·S                1           C           P·Q
linear               in_features        out         1           tokens
gemm (weights)       k                  n           count       m
===================  =================  ==========  ==========  ==========================

Pooling and weight-free GEMMs have no stationary weights and never map to tiles.

Two placements, both closed-form:

* **grid**: a matrix larger than one tile is cut into ``row_blocks = ceil(rows / tile_rows)`` ×
  ``col_blocks = ceil(cols / weight_cols)`` tiles (weight_cols = weight columns per tile, see
  the encoding in :mod:`~accelsim.hardware.crossbar.config`). Partial sums of the row blocks are added
  digitally in the forward pass (``(row_blocks − 1)·cols`` adds per input vector), and those of the
  column blocks in the backward pass (``(col_blocks − 1)·rows``).
* **packed**: copies that fit in one tile are placed on its diagonal, ``min(tile_rows // rows,
  weight_cols // cols)`` per tile, so a depthwise layer does not waste a tile per channel. The
  blocks share the tile's row and column lines: a read drives all of them at once, but an update
  must pulse one block at a time (a row of block *i* and a column of block *j* would otherwise
  coincide on an off-block cell).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from accelsim.core.errors import ConfigError
from accelsim.hardware.crossbar.config import CrossbarConfig
from accelsim.workload.layers import Workload
from accelsim.workload.lowering import WeightMatrix

__all__ = ["CrossbarPlan", "TileMapping", "WeightMatrix", "map_matrix", "plan", "plan_layers"]


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


@dataclass(frozen=True)
class TileMapping:
    """A weight matrix placed on tiles. Sums run over the layer's tiles, per input vector."""
    matrix: WeightMatrix
    packed: bool
    copies_per_tile: int     # packed: blocks on a full tile's diagonal; grid: 1
    row_blocks: int
    col_blocks: int
    tiles: int
    max_rows_used: int       # busiest tile: rows driven (forward) / converted (backward)
    max_weight_cols_used: int  # busiest tile: weight columns converted (forward)
    max_blocks_in_tile: int  # update sub-events per tile (packed blocks are pulsed one at a time)
    rows_driven: int         # Σ rows used over tiles
    weight_cols_used: int    # Σ weight columns used over tiles
    crosspoints: int         # Σ rows used × weight columns used (incl. off-block cells if packed)

    @property
    def layer(self) -> str:
        return self.matrix.layer

    @property
    def forward_accumulations_per_vector(self) -> int:
        m = self.matrix
        return m.copies * (self.row_blocks - 1) * m.cols

    @property
    def backward_accumulations_per_vector(self) -> int:
        m = self.matrix
        return m.copies * (self.col_blocks - 1) * m.rows


def map_matrix(matrix: WeightMatrix, cfg: CrossbarConfig) -> TileMapping:
    """Place one weight matrix on tiles of ``cfg`` (closed form, see the module docstring)."""
    tr, tw = cfg.rows, cfg.weight_cols
    r, c, n = matrix.rows, matrix.cols, matrix.copies
    if r <= tr and c <= tw:
        per_tile = min(tr // r, tw // c)
        tiles = _ceil_div(n, per_tile)
        full, rest = divmod(n, per_tile)
        sum_sq = full * per_tile ** 2 + rest ** 2
        busiest = min(per_tile, n)
        return TileMapping(matrix, packed=per_tile > 1, copies_per_tile=per_tile, row_blocks=1,
                           col_blocks=1, tiles=tiles, max_rows_used=busiest * r,
                           max_weight_cols_used=busiest * c, max_blocks_in_tile=busiest,
                           rows_driven=n * r, weight_cols_used=n * c, crosspoints=sum_sq * r * c)
    rb, cb = _ceil_div(r, tr), _ceil_div(c, tw)
    return TileMapping(matrix, packed=False, copies_per_tile=1, row_blocks=rb, col_blocks=cb,
                       tiles=n * rb * cb, max_rows_used=min(r, tr), max_weight_cols_used=min(c, tw),
                       max_blocks_in_tile=1, rows_driven=n * cb * r, weight_cols_used=n * rb * c,
                       crosspoints=n * r * c)


@dataclass(frozen=True)
class CrossbarPlan:
    """Which layers run on crossbar tiles, and how they are placed."""
    mappings: dict[str, TileMapping]
    overflowed: tuple[str, ...] = ()   # requested layers sent to the digital array (on_overflow)
    notes: tuple[str, ...] = field(default=())

    @property
    def tiles_used(self) -> int:
        return sum(m.tiles for m in self.mappings.values())

    def runs_on_crossbar(self, layer_name: str) -> bool:
        return layer_name in self.mappings


def plan(workload: Workload, cfg: CrossbarConfig, source: str | None = None) -> CrossbarPlan:
    """Assign a workload's layers to tiles (see :func:`plan_layers`)."""
    return plan_layers([(layer.name, layer.kind, layer.weight_matrix()) for layer in workload.layers],
                       cfg, workload.name, source)


def plan_layers(layers: list[tuple[str, str, WeightMatrix | None]], cfg: CrossbarConfig,
                workload_name: str, source: str | None = None, notes: tuple[str, ...] = ()
                ) -> CrossbarPlan:
    """Assign layers ``(name, kind, weight matrix or None)`` to tiles in order; weights stay in
    place for the whole run, so every mapped layer keeps its tiles."""
    names = [name for name, _, _ in layers]
    listed = [] if cfg.layers == "all" else list(cfg.layers)
    for key, values in (("crossbar.layers", listed), ("crossbar.exclude_layers", cfg.exclude_layers)):
        for name in values:
            if name not in names:
                raise ConfigError(f"layer {name!r} is not in workload {workload_name!r}",
                                  source=source, field=key, fix="valid layers: " + ", ".join(names))
    mappings: dict[str, TileMapping] = {}
    overflowed: list[str] = []
    free = cfg.tiles
    for name, kind, matrix in layers:
        if not cfg.maps(name):
            continue
        if matrix is None:
            if name in listed:
                raise ConfigError(f"layer {name!r} ({kind}) has no stationary weights to store in "
                                  "a crossbar", source=source, field="crossbar.layers",
                                  fix="list only conv2d, depthwise_conv2d, linear or weighted gemm "
                                  "layers")
            continue
        mapping = map_matrix(matrix, cfg)
        if mapping.tiles > free:
            if cfg.on_overflow == "digital":
                overflowed.append(name)
                continue
            raise ConfigError(
                f"layer {name!r} ({matrix.copies}×{matrix.rows}×{matrix.cols} weights) needs "
                f"{mapping.tiles} tiles of {cfg.rows}×{cfg.cols} but only {free} of the "
                f"{cfg.tiles} configured tiles remain", source=source, field="crossbar.tiles",
                fix=f"raise crossbar.tiles to at least {cfg.tiles - free + mapping.tiles}, keep "
                "layers digital with crossbar.exclude_layers, or set crossbar.on_overflow: digital")
        free -= mapping.tiles
        mappings[name] = mapping
    return CrossbarPlan(mappings, tuple(overflowed), notes)
