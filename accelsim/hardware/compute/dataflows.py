"""Systolic-array dataflows: each one object in :data:`DATAFLOWS`, under its config name.

A dataflow says how an R×C array maps a GEMM (M, K, N) — which GEMM dimension lies on the rows
(Sr), on the columns (Sc) and in time (T) — what one fold costs, which operand stays in the PEs
(the *stationary* one) and which stream through them, and how many elements of each operand one
step of a fold moves. Operand names: ``a`` is the M×K operand (SCALE-Sim's IFMAP), ``b`` the K×N
operand (filter), ``c`` the M×N result (OFMAP).

========  ====  ====  ====  ======================  ==========  ===================
dataflow  Sr    Sc    T     cycles per fold         stationary  streamed (per T)
========  ====  ====  ====  ======================  ==========  ===================
os        M     N     K     T + R + C − 2           c (stays)   a (R wide), b (C)
ws        K     N     M     2R + C + T − 2          b           a (R wide), c (C)
is        K     M     N     2R + C + T − 2          a           b (R wide), c (C)
========  ====  ====  ====  ======================  ==========  ===================

``channels per fold`` is how many of ``count`` independent GEMMs with N = 1 (a depthwise conv's
channels) one fold holds under ``depthwise: packed`` (:mod:`accelsim.hardware.compute.packing`):
os ``min(C, count)`` (a channel per column), ws ``min(⌊R/K⌋, C, count)`` (a K×1 filter block
per column, the blocks stacked down the rows), is ``min(⌊R/K⌋, count)`` (the channels' K×M
input tiles stacked down the rows); never less than 1.

ws and is spend R extra cycles preloading the stationary tile; this equals SCALE-Sim 3.0.0's
compute model. With overlapped folds (double-buffered PE registers) a fold after the first costs
T (os) or max(T, R) (ws, is: the next stationary tile preloads behind the current fold).

Adding a dataflow is one new subclass of :class:`Dataflow` registered here, plus its tests.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from accelsim.core.registry import Registry

if TYPE_CHECKING:
    from accelsim.hardware.compute.systolic_timing import FoldGroup


@dataclass(frozen=True)
class StepTraffic:
    """Elements one step (``t`` cycles of one fold) moves between the array and its buffers."""
    a: int                 # elements of A read
    b: int                 # elements of B read
    c: int                 # elements of C written
    psum: int              # partial sums of C read back (accumulating onto earlier row folds)
    first_a: bool          # whether this is A's first touch (a cached A is fetched here)
    first_b: bool          # whether this is B's first touch
    final_c: bool          # whether the C written here is final (a written-back C drains here)


class Dataflow:
    """The behaviour of one dataflow (see the module table)."""
    name: str = ""
    stationary: str | None = None             # "a" | "b" | None (os: the outputs stay)
    streamed: tuple[tuple[str, str], ...] = ()  # (operand, "rows" | "cols"): elements per T step
    outputs_stay: bool = False                # C accumulates in the PEs as one tile per fold

    def spans(self, m: int, k: int, n: int) -> tuple[int, int, int]:
        """(Sr, Sc, T) of a GEMM."""
        raise NotImplementedError

    def cycles_per_fold(self, rows: int, cols: int, t: int) -> int:
        """Cycles of one fold with no overlap: fill, T streaming cycles, drain."""
        raise NotImplementedError

    def overlapped_fold_cycles(self, rows: int, t: int) -> int:
        """Cycles of a fold whose fill and drain overlap its neighbours'."""
        raise NotImplementedError

    def channels_per_fold(self, rows: int, cols: int, k: int) -> int:
        """How many independent (M, K, 1) GEMMs fit block-diagonally in one fold (module table)."""
        raise NotImplementedError

    def step_traffic(self, fold: FoldGroup, t: int, first: bool, last: bool) -> StepTraffic:
        """Traffic of a step of ``t`` cycles of a fold of ``fold``'s shape and position;
        ``first``/``last``: whether the step is the fold's first/last chunk of T."""
        raise NotImplementedError

    def array_access_elements(self, m: int, k: int, n: int, row_folds: int, col_folds: int
                              ) -> dict[str, int]:
        """Array-side buffer accesses of a whole GEMM in elements, as SCALE-Sim counts them
        (without its questioned extra R+C OFMAP writes per os fold)."""
        raise NotImplementedError


DATAFLOWS: Registry[Dataflow] = Registry("dataflow")


def _register(cls: type[Dataflow]) -> type[Dataflow]:
    DATAFLOWS.add(cls.name, cls())
    return cls


@_register
class OutputStationary(Dataflow):
    """Each PE accumulates one output; A streams along the rows, B along the columns."""
    name = "os"
    streamed = (("a", "rows"), ("b", "cols"))
    outputs_stay = True

    def spans(self, m, k, n):
        return m, n, k

    def cycles_per_fold(self, rows, cols, t):
        return t + rows + cols - 2

    def overlapped_fold_cycles(self, rows, t):
        return t

    def channels_per_fold(self, rows, cols, k):
        return cols

    def step_traffic(self, fold, t, first, last):
        ru, cu = fold.rows_used, fold.cols_used
        return StepTraffic(a=ru * t, b=cu * t,
                           c=ru * cu if last else 0, psum=0,
                           first_a=fold.first_col_fold, first_b=fold.first_row_fold, final_c=True)

    def array_access_elements(self, m, k, n, row_folds, col_folds):
        return {"a_read": col_folds * m * k, "b_read": row_folds * k * n, "c_write": m * n}


class _PreloadedStationary(Dataflow):
    """ws and is: a stationary tile is preloaded (R cycles) and results leave every step; row
    folds after the first accumulate onto the partial sums of the earlier ones."""

    def cycles_per_fold(self, rows, cols, t):
        return 2 * rows + cols + t - 2

    def overlapped_fold_cycles(self, rows, t):
        return max(t, rows)


@_register
class WeightStationary(_PreloadedStationary):
    """A K×N tile of B stays in the PEs; A streams in, C streams out."""
    name = "ws"
    stationary = "b"
    streamed = (("a", "rows"), ("c", "cols"))

    def spans(self, m, k, n):
        return k, n, m

    def channels_per_fold(self, rows, cols, k):
        return max(1, min(rows // k, cols))

    def step_traffic(self, fold, t, first, last):
        ru, cu = fold.rows_used, fold.cols_used
        return StepTraffic(a=ru * t, b=ru * cu if first else 0,
                           c=cu * t, psum=0 if fold.first_row_fold else cu * t,
                           first_a=fold.first_col_fold, first_b=True, final_c=fold.last_row_fold)

    def array_access_elements(self, m, k, n, row_folds, col_folds):
        return {"a_read": col_folds * m * k, "b_read": k * n, "c_write": row_folds * m * n}


@_register
class InputStationary(_PreloadedStationary):
    """A K×M tile of A stays in the PEs; B streams in, C streams out."""
    name = "is"
    stationary = "a"
    streamed = (("b", "rows"), ("c", "cols"))

    def spans(self, m, k, n):
        return k, m, n

    def channels_per_fold(self, rows, cols, k):
        return max(1, rows // k)

    def step_traffic(self, fold, t, first, last):
        ru, cu = fold.rows_used, fold.cols_used
        return StepTraffic(a=ru * cu if first else 0, b=ru * t,
                           c=cu * t, psum=0 if fold.first_row_fold else cu * t,
                           first_a=True, first_b=fold.first_col_fold, final_c=fold.last_row_fold)

    def array_access_elements(self, m, k, n, row_folds, col_folds):
        return {"a_read": m * k, "b_read": col_folds * k * n, "c_write": row_folds * m * n}
