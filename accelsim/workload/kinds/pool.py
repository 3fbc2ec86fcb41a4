"""``pool``: max or average pooling on the vector unit (no weights). Forward: one operation per
window element for every output; backward_data: the same per input-gradient element, reading the
saved input (which locates the max, or the window) besides the error."""
from __future__ import annotations

from typing import ClassVar, Literal


from accelsim.workload.kinds.base import PhaseIO, SpatialKind, layer_kind
from accelsim.workload.lowering import VectorWork
from accelsim.workload.sizes import Extent

_IO = {"forward": PhaseIO((("in", "ifmap"),), (("out", "ofmap"),)),
       "backward_data": PhaseIO((("err", "ifmap"), ("in", "filter")), (("err_in", "ofmap"),))}


@layer_kind
class Pool(SpatialKind):
    """Max or average pooling, run on the vector unit (no weights)."""
    kind: Literal["pool"] = "pool"
    has_weights: ClassVar[bool] = False
    channels: Extent
    mode: Literal["max", "avg"] = "max"

    @property
    def input_channels(self) -> int:
        return self.channels

    def output_elements(self) -> int:
        return self.channels * self.out_h * self.out_w

    def lower(self, phase, batch):
        window = self.kernel_h * self.kernel_w
        if phase == "forward":
            return VectorWork(batch * self.output_elements(), window)
        return VectorWork(batch * self.input_elements(), window)

    def io(self, phase):
        return _IO[phase]
