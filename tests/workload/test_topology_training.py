"""Training on a SCALE-Sim topology: the rows are the layers of one network in order, so every
row but the first gets a backward_data whose error input is the next row's backward_data, while
each row still reads its own input from DRAM (issue 9.1)."""
import pytest
from testkit import machine

from accelsim.api import load_graph, simulate

pytestmark = pytest.mark.closed_form

# name, IFMAP H, IFMAP W, filter H, filter W, channels, filters, stride (shapes need not chain)
ROWS = [("c1", 18, 18, 3, 3, 3, 8, 1), ("c2", 16, 16, 3, 3, 8, 16, 2),
        ("c3", 9, 9, 3, 3, 16, 16, 1), ("c4", 8, 8, 1, 1, 16, 32, 1),
        ("c5", 6, 6, 3, 3, 32, 10, 1)]
BATCH = 4


def _write(tmp_path):
    path = tmp_path / "five.csv"
    lines = ["Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, "
             "Num Filter, Strides,"]
    lines += [", ".join(map(str, r)) + "," for r in ROWS]
    path.write_text("\n".join(lines) + "\n")
    return path


def _expected_macs():
    """MACs by hand: P = ceil((H − R + s)/s) (SCALE-Sim's rule, no padding);
    forward and backward_weight N·P·Q·C·R·S·K, backward_data N·H·W·K·R·S·C (lowering.py)."""
    out = {}
    for i, (name, h, w, r, s, c, k, st) in enumerate(ROWS):
        p, q = -(-(h - r + st) // st), -(-(w - s + st) // st)
        fwd = BATCH * p * q * c * r * s * k
        out[(name, "forward")] = fwd
        out[(name, "backward_weight")] = fwd
        if i:
            out[(name, "backward_data")] = BATCH * h * w * k * r * s * c
        out[(name, "update")] = 0
    return out


def test_five_row_topology_trains_all_four_phases(tmp_path):
    g = load_graph(_write(tmp_path), "training", batch=BATCH)
    run = simulate(machine(rows=8, cols=8, capacity=256 * 1024), g)
    got = {(r.layer, r.phase): r.macs for r in run.result.rows}
    assert got == _expected_macs()
    phases = {r.phase for r in run.result.rows}
    assert phases == {"forward", "backward_data", "backward_weight", "update"}
    ops = {(r.layer, r.phase): r.vector_ops for r in run.result.rows if r.phase == "update"}
    for name, h, w, r, s, c, k, st in ROWS:  # sgd_momentum: 2 operations per weight
        assert ops[(name, "update")] == 2 * k * c * r * s


def test_error_flows_from_the_next_row_and_inputs_stay_independent(tmp_path):
    g = load_graph(_write(tmp_path), "training", batch=BATCH)
    names = [r[0] for r in ROWS]
    for name, nxt in zip(names, names[1:]):
        for phase in ("backward_data", "backward_weight"):
            node = f"{name}/{phase}"
            if node not in g:
                continue
            srcs = [u for u, _, d in g.in_edges(node, data=True) if d["kind"] == "error"]
            assert srcs == [f"{nxt}/backward_data"]
    # the last row's error comes from the loss, which reads only the last row's output
    assert [u for u, _, d in g.in_edges("c5/backward_data", data=True)
            if d["kind"] == "error"] == ["loss"]
    assert [u for u, _ in g.in_edges("loss")] == ["c5/forward"]
    for name in names:  # every row reads its own input from DRAM
        assert [u for u, _, d in g.in_edges(f"{name}/forward", data=True)
                if d["kind"] == "activation"] == [f"input@{name}"]
    assert "c1/backward_data" not in g
