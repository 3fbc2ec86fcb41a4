"""Attention in an ONNX graph, recognised as one ``attention`` layer.

A model with a fused QKV projection (GPT-2's ``c_attn``; a module that projects once and splits)
exports as ``MatMul(Q, Kᵀ)`` where Q and K are both views of that one projection, then a scale
and maybe a mask, a ``Softmax``, and ``MatMul(P, V)`` with V a view of the same projection. The
attention layer kind models exactly that (it reads the fused projection), so the three become
one layer: ``tokens``, ``heads`` and ``head_dim`` from the score GEMM, ``kv_heads = heads``,
``causal: true`` when a mask (``Where``, or an ``Add`` of a constant) sits between the scores and
the softmax, ``skip_masked: false``, ``fused: none``. The view, scale and mask operators inside
the pattern are absorbed into the layer. A score GEMM that does not end in this pattern is
reported as unsupported.

(Q, K and V from separate projections are ordinary weight-free GEMMs and a softmax: see
:mod:`.onnx_ops`.)
"""
from __future__ import annotations

from dataclasses import dataclass

from accelsim.workload.importers.onnx_nodes import EPILOGUE, SHAPE_ONLY, Unsupported


@dataclass
class Scores:
    """A Q·Kᵀ of one fused projection, on its way through the softmax to the context GEMM."""
    source: str  # the fused QKV layer
    node: str  # the score GEMM's node name
    heads: int
    tokens: int
    head_dim: int
    masked: bool = False
    softmax: bool = False
    done: bool = False


def start(walk, node, a_in: str, b_in: str, count: int, m: int, k: int, n: int) -> None:
    """``MatMul(Q, Kᵀ)`` with both operands from one layer: hold it until the context GEMM."""
    if m != n:
        raise Unsupported("Q·Kᵀ of one projection with unequal query and key lengths")
    scores = Scores(walk.src(a_in), node.name, count, m, k)
    walk.scores[node.output[0]] = scores
    walk.score_list.append(scores)


def carry(walk, node, tensor: str) -> bool:
    """A one-input node on held scores: the scale, mask, softmax or a view. False if ``tensor``
    is not held scores."""
    scores = walk.scores.get(tensor)
    if scores is None:
        return False
    if node.op_type == "Softmax" and not scores.softmax:
        scores.softmax = True
    elif node.op_type in EPILOGUE and not scores.softmax:
        scores.masked |= node.op_type in ("Where", "Add", "Sub")
    elif node.op_type not in SHAPE_ONLY:
        raise Unsupported("inside attention, between Q·Kᵀ and the context GEMM")
    for out in node.output:
        walk.scores[out] = scores
    return True


def finish(walk, node, p_in: str, v_in: str) -> bool:
    """``MatMul(P, V)`` on held probabilities: emit the attention layer. False if ``p_in`` is
    not held scores."""
    scores = walk.scores.get(p_in)
    if scores is None:
        return False
    if not scores.softmax or walk.src(v_in) != scores.source:
        raise Unsupported("context GEMM outside the attention pattern")
    width = next(layer for layer in walk.layers.layers if layer["name"] == scores.source).get(
        "out_features")
    if width != 3 * scores.heads * scores.head_dim:
        raise Unsupported(f"attention over a projection of width {width}, not "
                          f"3·{scores.heads} heads·{scores.head_dim}")
    walk.emit(node, "attention", {
        "tokens": scores.tokens, "heads": scores.heads, "kv_heads": scores.heads,
        "head_dim": scores.head_dim, "causal": scores.masked, "skip_masked": False,
        "fused": "none"}, scores.source)
    scores.done = True
    return True


def unfinished(walk) -> list[str]:
    """The score GEMMs that never reached a context GEMM."""
    return [s.node for s in walk.score_list if not s.done]
