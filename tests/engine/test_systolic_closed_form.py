"""Closed-form checks of the systolic-array model (docs/design.md §4)."""
from math import ceil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accelsim.hardware.compute.systolic_timing import map_gemm

pytestmark = pytest.mark.closed_form


@pytest.mark.parametrize("df,expect", [
    ("os", lambda R, C, M, K, N: ceil(M / R) * ceil(N / C) * (K + R + C - 2)),
    ("ws", lambda R, C, M, K, N: ceil(K / R) * ceil(N / C) * (2 * R + C + M - 2)),
    ("is", lambda R, C, M, K, N: ceil(K / R) * ceil(M / C) * (2 * R + C + N - 2)),
])
@given(R=st.integers(1, 64), C=st.integers(1, 64), M=st.integers(1, 500),
       K=st.integers(1, 500), N=st.integers(1, 500))
def test_cycles_equal_closed_form(df, expect, R, C, M, K, N):
    assert map_gemm(df, R, C, M, K, N).compute_cycles == expect(R, C, M, K, N)


@given(df=st.sampled_from(["os", "ws", "is"]), R=st.integers(1, 33), C=st.integers(1, 33),
       M=st.integers(1, 200), K=st.integers(1, 200), N=st.integers(1, 200))
def test_fold_groups_cover_every_fold_once(df, R, C, M, K, N):
    mp = map_gemm(df, R, C, M, K, N)
    groups = mp.fold_groups()
    assert sum(g.count for g in groups) == mp.folds
    used = sum(g.rows_used * g.cols_used * g.count for g in groups)
    assert used == mp.sr * mp.sc  # every mapped element of Sr×Sc is on exactly one PE once
    assert sum(g.count for g in groups if g.first_col_fold) == mp.row_folds
    assert sum(g.count for g in groups if g.first_row_fold) == mp.col_folds


def test_sram_access_counts_follow_the_scalesim_table():
    M, K, N, R, C = 100, 70, 50, 16, 8
    rf_ws, cf_ws = ceil(K / R), ceil(N / C)
    assert map_gemm("ws", R, C, M, K, N).array_access_elements() == {
        "a_read": cf_ws * M * K, "b_read": K * N, "c_write": rf_ws * M * N}
    rf_os, cf_os = ceil(M / R), ceil(N / C)
    assert map_gemm("os", R, C, M, K, N).array_access_elements() == {
        "a_read": cf_os * M * K, "b_read": rf_os * K * N, "c_write": M * N}
    rf_is, cf_is = ceil(K / R), ceil(M / C)
    assert map_gemm("is", R, C, M, K, N).array_access_elements() == {
        "a_read": M * K, "b_read": cf_is * K * N, "c_write": rf_is * M * N}


@given(df=st.sampled_from(["os", "ws", "is"]), R=st.integers(1, 33), C=st.integers(1, 33),
       M=st.integers(1, 200), K=st.integers(1, 200), N=st.integers(1, 200))
def test_last_row_fold_marks_exactly_one_row_fold_per_column_fold(df, R, C, M, K, N):
    mp = map_gemm(df, R, C, M, K, N)
    groups = mp.fold_groups()
    assert sum(g.count for g in groups if g.last_row_fold) == mp.col_folds
    both = sum(g.count for g in groups if g.last_row_fold and g.first_row_fold)
    assert both == (mp.col_folds if mp.row_folds == 1 else 0)


@pytest.mark.parametrize("df", ["os", "ws", "is"])
@given(R=st.integers(2, 16), C=st.integers(2, 16), M=st.integers(1, 80), K=st.integers(1, 80),
       N=st.integers(1, 80))
@settings(max_examples=25, deadline=None)
def test_fold_overlap_closed_form(df, R, C, M, K, N):
    """With overlapped folds a GEMM costs one whole fold plus T (ws/is: max(T, R), the preload
    of the next stationary tile) per further fold; a single fold costs exactly the closed form."""
    mp = map_gemm(df, R, C, M, K, N)
    per = mp.t if df == "os" else max(mp.t, R)
    assert mp.overlapped_cycles() == mp.cycles_per_fold + (mp.folds - 1) * per
    assert mp.overlapped_cycles() <= mp.compute_cycles
    if mp.folds == 1:
        assert mp.overlapped_cycles() == mp.compute_cycles
