"""The GPT-2 124M training step has 3·B·T·(12·L·d² + V·d) + 6·L·B·T²·d MACs over all its rows
(issue 12 acceptance), built without any importer."""
import pytest
from gpt2kit import gpt2

from accelsim.workload.graph import build_graph, op_nodes
from accelsim.workload.lowering import work_from_dict

pytestmark = pytest.mark.closed_form


def _macs(g, match=lambda layer: True):
    return sum(work_from_dict(g.nodes[n]["work"]).macs for n in op_nodes(g)
               if match(g.nodes[n]["layer"]))


def test_gpt2_124m_step_macs_exactly():
    L, d, V, T, B = 12, 768, 50257, 1024, 1
    g = build_graph(gpt2())
    assert 3 * B * T * (12 * L * d * d + V * d) + 6 * L * B * T * T * d == 437_472_460_800
    assert _macs(g) == 437_472_460_800


def test_skip_masked_counts_the_blocks_on_and_below_the_diagonal():
    """docs/transformers.md: with skip_masked the attention GEMMs compute nb(nb+1)/2 of the nb²
    blocks of mask_block × mask_block scores, nb = T / mask_block."""
    L, d, V, T, B, blk = 12, 768, 50257, 1024, 1, 128
    nb = T // blk
    g = build_graph(gpt2(skip_masked=True, mask_block=blk))
    dense_attention = 6 * L * B * T * T * d
    assert _macs(g, lambda n: ".attn" in n and "attn_" not in n) == \
        dense_attention * nb * (nb + 1) // (2 * nb * nb)
    assert _macs(g) == 3 * B * T * (12 * L * d * d + V * d) + dense_attention * (nb + 1) // (2 * nb)


def test_phases_of_the_tied_head_and_the_embeddings():
    g = build_graph(gpt2(layers=1, tokens=16, vocab=100, d=32, heads=2))
    phases = {(g.nodes[n]["layer"], g.nodes[n]["phase"]) for n in op_nodes(g)}
    assert ("lm_head", "update") not in phases and ("wte", "update") in phases
    assert ("wte", "backward_data") not in phases
    # the head's weight gradient accumulates into the embedding's, then one update
    assert g.has_edge("lm_head/backward_weight", "wte/backward_weight")
    assert [u for u, _ in g.in_edges("wte/update")] != []
    w = {d["tensor"] for _, _, d in g.in_edges("lm_head/forward", data=True)}
    assert "w:wte" in w
