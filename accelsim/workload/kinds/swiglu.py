"""``swiglu``: Llama's gated FFN product ``y = silu(gate)·up``, gate from ``input``, up from
``input_b`` (each tokens × features), on the vector unit. backward_data reads both saved inputs
and writes both errors: ``d_up = dy·silu(gate)``, ``d_gate = dy·up·σ(1 + gate(1 − σ))`` (no
weights). Operations per output element: docs/transformers.md."""
from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from accelsim.workload.kinds.base import ElementwiseKind, PhaseIO, layer_kind

_IO = {"forward": PhaseIO((("in", "ifmap"), ("in_b", "filter")), (("out", "ofmap"),)),
       "backward_data": PhaseIO((("err", "ifmap"), ("in", "filter"), ("in_b", "filter")),
                                (("err_in", "ofmap"), ("err_in_b", "ofmap")))}


@layer_kind
class SwiGlu(ElementwiseKind):
    """silu(gate) · up."""
    kind: Literal["swiglu"] = "swiglu"
    has_weights: ClassVar[bool] = False
    OPS: ClassVar[dict[str, int]] = {"forward": 6, "backward_data": 11}
    input_b: str = Field(description="the layer whose output is the 'up' operand")

    def operand_b_elements(self) -> int | None:
        return self.tokens * self.features

    def io(self, phase):
        return _IO[phase]
