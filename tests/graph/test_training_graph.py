"""The training dataflow graph: operations, typed tensor edges, liveness, JSON playback."""
import networkx as nx

from accelsim.api import simulate
from accelsim.workload.graph import build_graph, op_nodes, read_graph, write_graph
from testkit import machine, small_cnn


def test_phases_and_edges():
    g = build_graph(small_cnn(), "training")
    ops = op_nodes(g)
    assert "c1/backward_data" not in ops  # first layer
    assert {"c2/forward", "c2/backward_data", "c2/backward_weight", "c2/update"} <= set(ops)
    assert "p/update" not in ops and "p/backward_weight" not in ops
    kinds = {d["kind"] for _, _, d in g.edges(data=True)}
    assert kinds == {"activation", "weight", "error", "weight_gradient", "optimizer_state"}
    # the forward activation of c1 is read by c2's forward and again by c2's backward_weight
    readers = {v for _, v, d in g.out_edges("c1/forward", data=True) if d["tensor"] == "act:c1"}
    assert readers == {"c2/forward", "c2/backward_weight"}
    assert nx.is_directed_acyclic_graph(g)
    for _, _, d in g.edges(data=True):
        assert d["bytes"] > 0 and d["role"] in ("ifmap", "filter", "ofmap")


def test_json_round_trip_plays_back_identically(tmp_path):
    g = build_graph(small_cnn(), "training")
    path = tmp_path / "g.json"
    write_graph(g, path)
    g2 = read_graph(path)
    hw = machine(8, 8, "os", banks=2)
    a = simulate(hw, g).result
    b = simulate(hw, g2).result
    assert [(r.layer, r.phase, r.total_cycles) for r in a.rows] == \
        [(r.layer, r.phase, r.total_cycles) for r in b.rows]
