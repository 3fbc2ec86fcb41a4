"""conv2d trains as :class:`~accelsim.accuracy.network.Conv2D`: channels scaled, crossbar-mappable."""
from __future__ import annotations

from accelsim.accuracy.kinds.base import trainable
from accelsim.accuracy.kinds.spatial import ConvTranslator
from accelsim.accuracy.network import Conv2D


@trainable
class Conv2dTranslator(ConvTranslator):
    kind = "conv2d"
    crossbar = True
    channels_field = "in_channels"

    def widths(self, layer) -> list[int]:
        return [layer.in_channels, layer.out_channels]

    def linear_bottleneck(self, source_kind: str, source_is_bottleneck: bool) -> bool:
        # a conv2d reading a depthwise_conv2d is MobileNetV2's linear projection
        return source_kind == "depthwise_conv2d"

    def out_channels(self, ctx) -> int:
        return ctx.scaling.channels(ctx.layer.out_channels)

    def build(self, plan, rng):
        return Conv2D(plan.name, self.weights(plan, rng), plan.relu, plan.in_shape, plan.kernel,
                      plan.stride, plan.padding)
