"""``depthwise_conv2d``: one R×S filter per channel (channel multiplier 1), lowered to C
independent GEMMs (``count = C``) with one filter each: forward (N·P·Q, R·S, 1), backward_data
(N·H·W, R·S, 1), backward_weight (R·S, N·P·Q, 1); the update is over its C·R·S weights."""
from __future__ import annotations

from typing import ClassVar, Literal


from accelsim.workload.kinds.base import SpatialKind, layer_kind
from accelsim.workload.lowering import GemmShape, WeightMatrix
from accelsim.workload.sizes import Extent


@layer_kind
class DepthwiseConv2d(SpatialKind):
    """Depthwise convolution: one R×S filter per channel (channel multiplier 1)."""
    kind: Literal["depthwise_conv2d"] = "depthwise_conv2d"
    has_weights: ClassVar[bool] = True
    channels: Extent

    @property
    def input_channels(self) -> int:
        return self.channels

    def output_elements(self) -> int:
        return self.channels * self.out_h * self.out_w

    def weight_elements(self) -> int:
        return self.channels * self.kernel_h * self.kernel_w

    def lower(self, phase, batch):
        rs = self.kernel_h * self.kernel_w
        pq, hw = self.out_h * self.out_w, self.in_h * self.in_w
        c = self.channels
        return {"forward": GemmShape(batch * pq, rs, 1, c),
                "backward_data": GemmShape(batch * hw, rs, 1, c),
                "backward_weight": GemmShape(rs, batch * pq, 1, c)}[phase]

    def weight_matrix(self):
        return WeightMatrix(self.name, self.kernel_h * self.kernel_w, 1, self.channels,
                            self.out_h * self.out_w, self.col2im_adds())
