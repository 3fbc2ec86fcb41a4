"""``conv2d``: 2-D convolution, C input channels, K filters of C×R×S (GEMM lowering: the table
in :mod:`accelsim.workload.lowering`): forward (N·P·Q, C·R·S, K), backward_data (N·H·W, K·R·S, C),
backward_weight (C·R·S, N·P·Q, K), then the optimizer update over its K·C·R·S weights."""
from __future__ import annotations

from typing import ClassVar, Literal


from accelsim.workload.kinds.base import SpatialKind, layer_kind
from accelsim.workload.lowering import GemmShape, WeightMatrix
from accelsim.workload.sizes import Extent


@layer_kind
class Conv2d(SpatialKind):
    """2-D convolution, C input channels, K filters of C×R×S."""
    kind: Literal["conv2d"] = "conv2d"
    has_weights: ClassVar[bool] = True
    channels_field: ClassVar[str] = "in_channels"
    in_channels: Extent
    out_channels: Extent

    @property
    def input_channels(self) -> int:
        return self.in_channels

    def output_elements(self) -> int:
        return self.out_channels * self.out_h * self.out_w

    def weight_elements(self) -> int:
        return self.out_channels * self.in_channels * self.kernel_h * self.kernel_w

    def lower(self, phase, batch):
        c, k = self.in_channels, self.out_channels
        rs = self.kernel_h * self.kernel_w
        pq, hw = self.out_h * self.out_w, self.in_h * self.in_w
        return {"forward": GemmShape(batch * pq, c * rs, k),
                "backward_data": GemmShape(batch * hw, k * rs, c),
                "backward_weight": GemmShape(c * rs, batch * pq, k)}[phase]

    def weight_matrix(self):
        return WeightMatrix(self.name, self.in_channels * self.kernel_h * self.kernel_w,
                            self.out_channels, 1, self.out_h * self.out_w, self.col2im_adds())
