"""``cross_entropy``: the softmax cross-entropy loss over ``vocab`` logits per token (input: the
LM head), on the vector unit; output: one loss per token.

Forward: max, exp, sum and log over each token's logits, saving the log-sum-exp (1 per token).
backward_data recomputes the probabilities from the saved logits and the log-sum-exp and
subtracts the one-hot target, ``dlogits = softmax(x) − onehot``. Operations per logit:
docs/transformers.md. (The LM head GEMM itself is the ``linear`` layer before it.)
"""
from __future__ import annotations

from typing import ClassVar, Literal


from accelsim.workload.kinds.base import LayerKind, PhaseIO, Saved, layer_kind
from accelsim.workload.lowering import VectorWork
from accelsim.workload.sizes import Features, Tokens

_IO = {"forward": PhaseIO((("in", "ifmap"),), (("out", "ofmap"), ("saved:lse", "ofmap"))),
       "backward_data": PhaseIO((("err", "ifmap"), ("in", "filter"), ("saved:lse", "filter")),
                                (("err_in", "ofmap"),))}


@layer_kind
class CrossEntropy(LayerKind):
    """Softmax cross-entropy over the vocabulary."""
    kind: Literal["cross_entropy"] = "cross_entropy"
    has_weights: ClassVar[bool] = False
    OPS: ClassVar[dict[str, int]] = {"forward": 4, "backward_data": 3}
    vocab: Features
    tokens: Tokens

    def input_elements(self) -> int:
        return self.tokens * self.vocab

    def output_elements(self) -> int:
        return self.tokens

    def lower(self, phase, batch):
        return VectorWork(batch * self.tokens * self.vocab, self.OPS[phase])

    def io(self, phase):
        return _IO[phase]

    def saved(self):
        return {"lse": Saved(self.tokens)}
