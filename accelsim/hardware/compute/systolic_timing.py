"""Systolic-array timing: a GEMM mapped onto an R×C array as folds (one model, any dataflow).

The dataflow (:mod:`accelsim.hardware.compute.dataflows`) puts Sr of the GEMM's dimensions on the
array's rows, Sc on its columns and T in time. ``folds = ceil(Sr/R)·ceil(Sc/C)``; a partial fold
costs as much as a full one; without overlap each fold drains before the next starts and costs
the dataflow's cycles per fold (SCALE-Sim 3.0.0's compute model exactly; SCALE-Sim prints one
less, a 0-based cycle index).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from math import ceil

from accelsim.hardware.compute.dataflows import DATAFLOWS


@dataclass(frozen=True)
class FoldGroup:
    """``count`` folds of the same shape: ``rows_used`` of R rows and ``cols_used`` of C columns."""
    rows_used: int
    cols_used: int
    count: int
    first_col_fold: bool  # whether these folds are in column fold 0 (first touch of A in os/ws)
    first_row_fold: bool  # whether these folds are in row fold 0 (first touch of B in os; psums)
    last_row_fold: bool = False  # whether these folds are in the last row fold (final sums)


@dataclass(frozen=True)
class SystolicMapping:
    dataflow: str
    rows: int
    cols: int
    m: int
    k: int
    n: int
    sr: int
    sc: int
    t: int
    row_folds: int
    col_folds: int
    cycles_per_fold: int

    @property
    def folds(self) -> int:
        return self.row_folds * self.col_folds

    @property
    def compute_cycles(self) -> int:
        """Stall-free cycles of one GEMM."""
        return self.folds * self.cycles_per_fold

    @property
    def overlapped_fold_cycles(self) -> int:
        """Cycles per fold when consecutive folds overlap (double-buffered PE registers): the
        next fold's operands enter as soon as the previous fold's have, so a fold costs its T
        streaming cycles — and, for ws/is, at least the R cycles that preload its stationary
        tile behind the previous fold."""
        return DATAFLOWS.get(self.dataflow).overlapped_fold_cycles(self.rows, self.t)

    def overlapped_cycles(self, gemms: int = 1) -> int:
        """Stall-free cycles of ``gemms`` back-to-back GEMMs with overlapped folds: one whole
        fold (fill, stream, drain), and every further fold at the overlapped rate."""
        return self.cycles_per_fold + (gemms * self.folds - 1) * self.overlapped_fold_cycles

    @property
    def fold_overhead_cycles(self) -> int:
        """Fill and drain cycles of a fold on top of its T streaming cycles."""
        return self.cycles_per_fold - self.t

    def fold_groups(self) -> list[FoldGroup]:
        """Folds grouped by shape and by whether they are in the first column fold, the first
        row fold and the last row fold (≤ 16 groups)."""
        def classes(total: int, per: int, mark_last: bool) -> list[tuple[int, int, bool, bool]]:
            # (used, number of folds, is the first fold, is the last fold) over folds 0..n-1
            n = -(-total // per)
            out: dict[tuple[int, bool, bool], int] = {}
            for used, lo, hi in ((per, 0, total // per), (total % per, total // per, n)):
                if hi <= lo or not used:
                    continue
                cuts = sorted({lo, hi, *(x for x in (1, n - 1) if lo < x < hi)})
                for a, b in zip(cuts, cuts[1:]):
                    key = (used, a == 0, mark_last and b == n)
                    out[key] = out.get(key, 0) + b - a
            return [(u, c, first, last) for (u, first, last), c in out.items()]

        groups = []
        for cu, n_c, first_c, _ in classes(self.sc, self.cols, False):
            for ru, n_r, first_r, last_r in classes(self.sr, self.rows, True):
                groups.append(FoldGroup(ru, cu, n_c * n_r, first_c, first_r, last_r))
        return groups

    def array_access_elements(self) -> dict[str, int]:
        """Array-side SRAM accesses in elements, as SCALE-Sim counts them (docs/design.md §4 table,
        without SCALE-Sim's questioned extra R+C OFMAP writes per os fold)."""
        return DATAFLOWS.get(self.dataflow).array_access_elements(
            self.m, self.k, self.n, self.row_folds, self.col_folds)


@lru_cache(maxsize=65536)
def map_gemm(dataflow: str, rows: int, cols: int, m: int, k: int, n: int) -> SystolicMapping:
    df = DATAFLOWS.get(dataflow, field="dataflow")
    sr, sc, t = df.spans(m, k, n)
    return SystolicMapping(dataflow, rows, cols, m, k, n, sr, sc, t, ceil(sr / rows),
                           ceil(sc / cols), df.cycles_per_fold(rows, cols, t))
