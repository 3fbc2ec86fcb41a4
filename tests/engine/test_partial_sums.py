"""Partial sums at accumulator precision (docs/design.md §5): a linear layer 256 -> 128 at batch
1024 in int8 on a 128×128 ws array, every count derived by hand below."""
import pytest

import testkit
from accelsim.engine.run import simulate
from accelsim.results.writer import layer_rows
from accelsim.workload.graph import build_graph
from accelsim.workload.layers import Formats, Workload

pytestmark = pytest.mark.closed_form

M, K, N = 1024, 256, 128          # batch × in_features × out_features
R = C = 128
WORD = 8                          # testkit.machine's word_bytes
INT8 = {k: "int8" for k in ("activation", "weight", "error", "weight_gradient",
                            "optimizer_state", "mac")}


def _forward_row(capacity: int, accumulator: str | None = None, dataflow: str = "ws") -> dict:
    formats = dict(INT8, **({"accumulator": accumulator} if accumulator else {}))
    wl = Workload.model_validate({"name": "fc", "batch": M, "formats": formats, "layers": [
        {"kind": "linear", "name": "fc", "in_features": K, "out_features": N}]})
    [row] = layer_rows(simulate(testkit.machine(R, C, dataflow, capacity=capacity),
                                build_graph(wl, "forward")))
    return row


def test_accumulator_defaults_follow_the_mac_format():
    assert Formats(mac="int8").accumulator == "int32"
    assert Formats(mac="bf16").accumulator == "fp32"
    assert Formats().accumulator == "fp32"
    assert Formats(mac="int8", accumulator="fp16").accumulator == "fp16"


@pytest.mark.parametrize("accumulator,acc_bytes", [(None, 4), ("fp16", 2)])
def test_two_row_folds_write_and_read_back_one_psum_tile_at_accumulator_width(accumulator,
                                                                              acc_bytes):
    # ws maps K on the rows: ceil(256/128) = 2 row folds, N = 128 on the columns: 1 column fold,
    # M = 1024 streams in time. Row fold 0 writes M×N partial sums; row fold 1 reads them back,
    # adds its half of K and writes the final M×N output once, at int8 (1 B).
    row = _forward_row(capacity=1 << 20, accumulator=accumulator)
    psum = M * N * acc_bytes                         # 524,288 B with the int32 default
    final = M * N * 1
    assert row["psum_write_bytes"] == psum and row["psum_read_bytes"] == psum
    # everything fits: the output buffer sees the partial sums plus the final output written
    # once, and reads the partial sums back plus the final output on its way to DRAM
    assert row["buffer_ofmap_write_words"] == (psum + final) // WORD
    assert row["buffer_ofmap_read_words"] == (psum + final) // WORD
    assert row["dram_write_bytes"] == final
    assert row["dram_read_bytes"] == M * K + K * N     # int8 input and weights, once each


def test_streamed_partial_sums_spill_to_dram_at_accumulator_width():
    # a 64 KiB output buffer cannot hold the 128 KiB output: C streams, so row fold 0's partial
    # sums go to DRAM (4 B each) and come back for row fold 1, which writes the final output
    row = _forward_row(capacity=64 * 1024)
    psum, final = M * N * 4, M * N
    assert row["psum_write_bytes"] == psum and row["psum_read_bytes"] == psum
    assert row["dram_write_bytes"] == psum + final
    assert row["dram_read_bytes"] == M * K + K * N + psum
    # buffer side: psum write + psum fill + final write; psum read + psum drain + final drain
    assert row["buffer_ofmap_write_words"] == (2 * psum + final) // WORD
    assert row["buffer_ofmap_read_words"] == (2 * psum + final) // WORD


@pytest.mark.parametrize("dataflow,row_folds", [("is", 2), ("os", 1)])
def test_partial_sums_follow_the_row_folds_of_each_dataflow(dataflow, row_folds):
    # is also maps K (256) on the rows: 2 row folds, so the same M×N partial sums at 4 B; os
    # accumulates every output in its PE over the whole of K: no partial sum leaves the array
    row = _forward_row(capacity=1 << 20, dataflow=dataflow)
    psum = (row_folds - 1) * M * N * 4
    assert row["psum_write_bytes"] == row["psum_read_bytes"] == psum
    assert row["buffer_ofmap_write_words"] == (psum + M * N) // WORD
