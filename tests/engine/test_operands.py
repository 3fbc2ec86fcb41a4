"""The operand server returns what it spills, and the engine writes exactly that back."""
from testkit import machine, small_cnn

from accelsim.api import simulate
from accelsim.engine.operands import OperandServer
from accelsim.workload.graph import build_graph, op_nodes


def test_spills_are_dirty_tensors_of_the_server_and_rows_report_them():
    # a scratchpad too small to keep the forward activations until backward: they spill
    hw = machine(8, 8, "ws", capacity=2048)
    g = build_graph(small_cnn(batch=4), "training")
    server = OperandServer(hw, g, op_nodes(g))
    sizes = {d["tensor"]: d["bytes"] for _, _, d in g.in_edges(data=True)}
    spilled = 0
    for op in op_nodes(g):
        operands, spills = server.serve(op)
        for s in spills:
            assert s.nbytes > 0 and s.kind in {"activation", "error", "weight_gradient",
                                               "weight", "optimizer_state"}
            assert s.nbytes in sizes.values()   # a whole tensor goes back to DRAM
        modes = {o.mode for ops in operands.values() for o in ops}
        assert modes <= {"resident", "cache", "writeback", "stream"}
        spilled += sum(s.nbytes for s in spills)
        server.finish(op)
    assert spilled > 0
    rows = simulate(hw, g).result.rows
    assert sum(r.spill_bytes for r in rows) > 0
    for r in rows:
        assert r.dram_write_bytes >= r.spill_bytes
