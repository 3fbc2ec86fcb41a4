"""Depthwise packing: several independent matrix-vector GEMMs block-diagonally in one fold.

A depthwise conv lowers to ``count = C`` independent GEMMs (M, K, 1), one per channel
(:mod:`accelsim.workload.kinds.depthwise_conv2d`). The default mapping (``depthwise:
per_channel``, SCALE-Sim's) plays each as its own GEMM: a fold holds one channel, so a ws fold of
a 3×3 depthwise layer uses 9 × 1 of a 128×128 array. ``depthwise: packed`` plays ``g`` channels
as one GEMM (M, g·K, g) whose B operand is block-diagonal: channel j's K filter taps sit in rows
j·K..(j+1)·K−1 of column j, zeros elsewhere; A is the g channels' M×K operands side by side
(dense), C the M×g results (dense). Any ``count`` GEMMs with N = 1 are packed this way (the
depthwise lowering and a ``gemm`` layer of that shape alike); phases are packed the same way
(forward (N·P·Q, R·S, 1), backward_data (N·H·W, R·S, 1), backward_weight (R·S, N·P·Q, 1)).

Channels per fold, ``g`` (the dataflow's ``channels_per_fold``; spans of (M, g·K, g) from
:mod:`accelsim.hardware.compute.dataflows`):

* **os** — Sr = M, Sc = g, T = g·K: one channel per column, so ``g = min(C, count)``. Column j
  sees all g·K streamed A values but only its K-long block of B is non-zero, so a fold costs
  g·K + R + C − 2 cycles for g channels instead of g folds of K + R + C − 2: the fill and drain
  are shared, the streaming is not.
* **ws** — Sr = g·K, Sc = g, T = M: the K×1 filters stacked down the rows, one per column, so
  ``g = min(⌊R/K⌋, C, count)`` (14 channels of a 3×3 layer on 128 rows). One fold of
  2R + C + M − 2 cycles replaces g such folds.
* **is** — Sr = g·K, Sc = M, T = g: the channels' K×M input tiles stacked down the rows (dense),
  the block-diagonal B streamed (channel j's taps at time j), so ``g = min(⌊R/K⌋, count)``.

When K > R (ws, is) ``g = 1`` and the mapping is the per-channel one. ``count`` channels make
⌊count/g⌋ full packs and one of the remaining ``count mod g``.

Traffic: the zero blocks of B are not stored or read — the array zero-fills them — so B's buffer
reads, DRAM fetches and SCALE-Sim access counts are those of its non-zero elements: 1/g of the
packed operand's (exact, as a pack is one row and one column fold in ws, one column fold in os).
A and C move as for any GEMM. ``macs`` stays the useful work (count·M·K); ``mac_slots`` counts
the PE-cycles of the array rectangle the folds occupy (Sr·Sc·T per GEMM, the zero-weight MACs of
the block-diagonal tile included), which equals ``macs`` when nothing is packed.
"""
from __future__ import annotations

from dataclasses import dataclass

from accelsim.hardware.compute.dataflows import Dataflow
from accelsim.workload.lowering import GemmShape


@dataclass(frozen=True)
class Pack:
    """``gemm.count`` GEMMs as mapped, each ``channels`` GEMMs (m, k/channels, 1) packed
    block-diagonally (``channels = 1``: plain GEMMs, B dense)."""
    gemm: GemmShape
    channels: int = 1

    @property
    def mac_slots(self) -> int:
        """PE-cycles of the array rectangle the packed GEMMs occupy (Sr·Sc·T each)."""
        return self.gemm.macs


def packs(work: GemmShape, flow: Dataflow, rows: int, cols: int, packed: bool) -> list[Pack]:
    """The GEMMs an array plays for ``work``: the work itself, or its channels packed."""
    g = min(work.count, flow.channels_per_fold(rows, cols, work.k)) if packed and work.n == 1 \
        else 1
    if g == 1:
        return [Pack(work)]
    full, rest = divmod(work.count, g)
    out = [Pack(GemmShape(work.m, g * work.k, g, full), g)]
    if rest:
        out.append(Pack(GemmShape(work.m, rest * work.k, rest, 1), rest))
    return out
