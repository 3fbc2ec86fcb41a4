"""Each dataflow is one registered object: its mapping, fold cycles and step traffic."""
import pytest

from accelsim.core.errors import ConfigError
from accelsim.hardware.compute.config import SystolicArray
from accelsim.hardware.compute.dataflows import DATAFLOWS
from accelsim.hardware.compute.systolic_timing import FoldGroup, map_gemm

pytestmark = pytest.mark.closed_form


def test_registry_holds_the_three_dataflows():
    assert DATAFLOWS.names() == ["is", "os", "ws"]


@pytest.mark.parametrize("name, spans", [("os", (6, 7, 5)), ("ws", (5, 7, 6)), ("is", (5, 6, 7))])
def test_spans_and_fold_cycles(name, spans):
    df = DATAFLOWS.get(name)
    assert df.spans(6, 5, 7) == spans  # M 6, K 5, N 7
    t = spans[2]
    preload = 0 if name == "os" else 4  # ws/is preload the stationary tile (R cycles)
    assert df.cycles_per_fold(4, 3, t) == t + 4 + 3 - 2 + preload
    assert df.overlapped_fold_cycles(4, 2) == (2 if name == "os" else 4)


def test_step_traffic_by_hand():
    """A 3×2 fold, 5 cycles, first chunk, in row fold 1 (partial sums read back)."""
    g = FoldGroup(rows_used=3, cols_used=2, count=1, first_col_fold=True, first_row_fold=False,
                  last_row_fold=True)
    os_ = DATAFLOWS.get("os").step_traffic(g, 5, True, True)
    assert (os_.a, os_.b, os_.c, os_.psum) == (15, 10, 6, 0)
    ws = DATAFLOWS.get("ws").step_traffic(g, 5, True, False)
    assert (ws.a, ws.b, ws.c, ws.psum, ws.final_c) == (15, 6, 10, 10, True)
    is_ = DATAFLOWS.get("is").step_traffic(g, 5, False, False)
    assert (is_.a, is_.b, is_.c, is_.psum, is_.first_b) == (0, 15, 10, 10, True)


def test_mapping_uses_the_registry():
    mp = map_gemm("ws", 4, 4, 10, 9, 5)
    assert (mp.sr, mp.sc, mp.t, mp.row_folds, mp.col_folds) == (9, 5, 10, 3, 2)
    with pytest.raises(ConfigError, match="unknown dataflow 'rs'"):
        map_gemm("rs", 4, 4, 1, 1, 1)


def test_config_names_a_registered_dataflow():
    with pytest.raises(ValueError, match="use one of: is, os, ws"):
        SystolicArray(rows=4, cols=4, dataflow="rs")
