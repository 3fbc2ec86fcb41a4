"""``add``: the element-wise sum of two activations (a residual connection), on the vector unit.
Forward: one add per element. backward_data hands the incoming error to both inputs (a copy per
element); no weights."""
from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from accelsim.workload.kinds.base import LayerKind, PhaseIO, layer_kind
from accelsim.workload.lowering import VectorWork
from accelsim.workload.sizes import Extent

_IO = {"forward": PhaseIO((("in", "ifmap"), ("in_b", "filter")), (("out", "ofmap"),)),
       "backward_data": PhaseIO((("err", "ifmap"),), (("err_in", "ofmap"), ("err_in_b", "ofmap")))}


@layer_kind
class Add(LayerKind):
    """Element-wise sum of two activations (a residual connection), on the vector unit.

    Its backward_data hands the incoming error to both inputs (a copy of the error tensor).
    """
    kind: Literal["add"] = "add"
    has_weights: ClassVar[bool] = False
    channels: Extent
    in_h: Extent = 1
    in_w: Extent = 1
    input_b: str = Field(description="the layer whose output is the second summand")

    def input_elements(self) -> int:
        return self.channels * self.in_h * self.in_w

    output_elements = input_elements

    def operand_b_elements(self) -> int | None:
        return self.input_elements()

    def lower(self, phase, batch):
        return VectorWork(batch * self.output_elements(), 1)

    def io(self, phase):
        return _IO[phase]
