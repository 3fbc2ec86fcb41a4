"""depthwise_conv2d trains as :class:`~accelsim.accuracy.network.DepthwiseConv2D` (one filter
per channel, so its channels are those it reads)."""
from __future__ import annotations

from accelsim.accuracy.kinds.base import trainable
from accelsim.accuracy.kinds.spatial import ConvTranslator
from accelsim.accuracy.network import DepthwiseConv2D


@trainable
class DepthwiseConv2dTranslator(ConvTranslator):
    kind = "depthwise_conv2d"

    def widths(self, layer) -> list[int]:
        return [layer.channels]

    def out_channels(self, ctx) -> int:
        return ctx.shape[0]

    def fan_in(self, plan) -> int:
        return plan.kernel[0] * plan.kernel[1]

    def build(self, plan, rng):
        return DepthwiseConv2D(plan.name, self.weights(plan, rng), plan.relu, plan.in_shape,
                               plan.kernel, plan.stride, plan.padding)
