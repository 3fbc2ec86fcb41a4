"""``embedding``: a learned table of ``vocab`` × ``dim`` read by ``tokens`` indices per sample.

Forward is a gather on the vector unit (one copy per output element): it reads only the
``min(batch·tokens, vocab)`` rows it needs, not the whole table. Its input is token (or position)
indices, which need no gradient, so it has no backward_data. backward_weight is a scatter-add of
the output error into the dense vocab × dim weight gradient (one add per output element; the
gradient tensor is written whole, i.e. zeroed and scattered into). With a tied LM head
(``linear`` with ``tied_to``), the head's weight gradient accumulates into the same gradient
tensor, and the one update is the embedding's.
"""
from __future__ import annotations

from typing import ClassVar, Literal


from accelsim.workload.kinds.base import LayerKind, PhaseIO, layer_kind
from accelsim.workload.lowering import VectorWork
from accelsim.workload.sizes import Features, Tokens

_IO = {"forward": PhaseIO((("in", "ifmap"), ("weight_rows", "filter")), (("out", "ofmap"),)),
       "backward_weight": PhaseIO((("err", "ifmap"), ("in", "filter")), (("wgrad", "ofmap"),))}


@layer_kind
class Embedding(LayerKind):
    """An embedding table (gather forward, scatter-add weight gradient)."""
    kind: Literal["embedding"] = "embedding"
    has_weights: ClassVar[bool] = True
    vocab: Features
    dim: Features
    tokens: Tokens

    def input_elements(self) -> int:
        return self.tokens

    def output_elements(self) -> int:
        return self.tokens * self.dim

    def weight_elements(self) -> int:
        return self.vocab * self.dim

    def gathered_weight_elements(self, batch: int) -> int:
        """Elements of the table that one forward pass reads."""
        return min(batch * self.tokens, self.vocab) * self.dim

    def phases(self, first):
        return ("forward", "backward_weight", "update")

    def lower(self, phase, batch):
        return VectorWork(batch * self.tokens * self.dim, 1)

    def io(self, phase):
        return _IO[phase]
