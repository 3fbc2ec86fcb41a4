"""``fused: flash`` removes the S×S score tensors from the saved activations (issue 12): the
graph saves exactly the P tensors less; where they spilled, the DRAM writes fall by exactly
their size; the backward recompute adds exactly the score GEMM's MACs."""
import pytest
from gpt2kit import gpt2

from accelsim.api import simulate
from accelsim.hardware.config import HardwareConfig
from accelsim.workload.graph import build_graph, op_nodes

pytestmark = pytest.mark.closed_form


L, T, D, H = 2, 64, 32, 2
P_BYTES = H * T * T * 2  # one attention layer's P, bf16, batch 1


def _graph(fused):
    return build_graph(gpt2(layers=L, tokens=T, vocab=64, d=D, heads=H, fused=fused,
                            mask_block=16))


def saved_activations(g) -> dict[str, int]:
    """Tensors a forward operation writes that a backward operation reads: tensor -> bytes."""
    out = {}
    for n in op_nodes(g):
        if g.nodes[n]["phase"] == "forward":
            continue
        for u, _, d in g.in_edges(n, data=True):
            while g.nodes[u].get("kind") == "relay":
                u = next(iter(g.predecessors(u)))
            if g.nodes[u].get("phase") == "forward":
                out[d["tensor"]] = d["bytes"]
    return out


def test_flash_saves_exactly_the_score_tensors_less():
    none, flash = saved_activations(_graph("none")), saved_activations(_graph("flash"))
    gone = {t: b for t, b in none.items() if t not in flash}
    assert gone == {f"act:h.{i}.attn.softmax": P_BYTES for i in range(L)}
    assert set(flash) <= set(none)


def test_flash_adds_the_recompute_macs():
    def macs(g):
        return sum(g.nodes[n]["work"].get("m", 0) * g.nodes[n]["work"].get("k", 0)
                   * g.nodes[n]["work"].get("n", 0) * g.nodes[n]["work"].get("count", 1)
                   for n in op_nodes(g) if g.nodes[n]["work"]["type"] == "gemm")
    assert macs(_graph("flash")) - macs(_graph("none")) == L * H * T * T * (D // H)


def _machine(capacity):
    """One shared scratchpad (no copies between operand buffers), half of it resident."""
    return HardwareConfig.model_validate({
        "name": "one_spad", "arrays": [{"rows": 8, "cols": 8, "dataflow": "ws"}],
        "vector_unit": {"lanes": 8}, "dram": {"preset": "ddr4_3200"},
        "scratchpad": [{"name": "spad", "holds": ["ifmap", "filter", "ofmap"],
                        "capacity_bytes": capacity, "banks": 4, "word_bytes": 8,
                        "technology": "sram_22nm", "resident_fraction": 0.5}]})


@pytest.mark.parametrize("capacity, spilled", [(512 * 1024, True), (768 * 1024, False)])
def test_dram_bytes_fall_by_the_spilled_scores(capacity, spilled):
    rows = {f: simulate(_machine(capacity), _graph(f)).result.rows for f in ("none", "flash")}

    def total(f, key):
        return sum(getattr(r, key) for r in rows[f])
    fall = L * P_BYTES if spilled else 0  # 256 KB resident: the saved P tensors are evicted
    assert total("none", "spill_bytes") - total("flash", "spill_bytes") == fall
    assert total("none", "dram_write_bytes") - total("flash", "dram_write_bytes") == fall
    assert total("flash", "spill_bytes") == 0
    assert total("flash", "macs") - total("none", "macs") == L * H * T * T * (D // H)
