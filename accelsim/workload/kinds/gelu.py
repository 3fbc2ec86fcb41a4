"""``gelu``: the GELU activation (tanh approximation, as GPT-2 and BERT use it), on the vector
unit. Forward ``y = ½x(1 + tanh(√(2/π)(x + 0.044715x³)))``; backward_data recomputes the tanh
from the saved input and multiplies the error by the derivative (no weights). Operations per
element: docs/transformers.md."""
from __future__ import annotations

from typing import ClassVar, Literal

from accelsim.workload.kinds.base import ElementwiseKind, PhaseIO, layer_kind

ACTIVATION_IO = {"forward": PhaseIO((("in", "ifmap"),), (("out", "ofmap"),)),
                 "backward_data": PhaseIO((("err", "ifmap"), ("in", "filter")),
                                          (("err_in", "ofmap"),))}


@layer_kind
class Gelu(ElementwiseKind):
    """GELU, tanh approximation."""
    kind: Literal["gelu"] = "gelu"
    has_weights: ClassVar[bool] = False
    OPS: ClassVar[dict[str, int]] = {"forward": 8, "backward_data": 13}

    def io(self, phase):
        return ACTIVATION_IO[phase]
