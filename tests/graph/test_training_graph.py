"""The training dataflow graph: operations, typed tensor edges, liveness, JSON playback."""
import networkx as nx
from testkit import machine, small_cnn

from accelsim.api import simulate
from accelsim.workload.graph import build_graph, op_nodes, read_graph, write_graph


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


def test_every_error_comes_from_the_op_that_writes_it(root):
    """Gradients flow along the real dependencies: each error edge leaves the operation that
    writes that error tensor, and only the network's outputs feed the loss (residual adds merge
    the main path and the shortcut; attention's K and V get their gradients from dB = Aᵀ·dC)."""
    from accelsim.workload.loader import load_workload
    for name in ("resnet18", "resnet50", "mobilenetv2", "bert_base_encoder", "gpt2"):
        g = build_graph(load_workload(root / f"workloads/{name}.yaml"))
        for u, v, d in g.edges(data=True):
            if d["kind"] == "error" and u != "loss":
                assert d["tensor"] in {w["tensor"] for w in g.nodes[u]["writes"]}, (u, v)
        assert len(list(g.predecessors("loss"))) == 1, name
    g = build_graph(load_workload(root / "workloads/bert_base_encoder.yaml"))
    assert ("attn.scores/backward_weight", "qkv/backward_weight") in g.edges  # dK
    assert ("attn/backward_weight", "qkv/backward_weight") in g.edges  # dV


def test_residual_add_sends_the_error_to_both_summands(root):
    from accelsim.workload.loader import load_workload
    g = build_graph(load_workload(root / "workloads/resnet18.yaml"))
    writes = {w["tensor"] for w in g.nodes["layer2.0.add/backward_data"]["writes"]}
    assert writes == {"err:layer2.0.conv2", "err:layer2.0.downsample"}
    assert g.nodes["layer2.0.add/forward"]["work"]["type"] == "vector"
