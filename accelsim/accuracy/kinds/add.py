"""add trains as :class:`~accelsim.accuracy.elementwise.Add`: its summands take no ReLU of their
own, the sum does (ResNet's residual), unless its first summand is a linear bottleneck."""
from __future__ import annotations

from accelsim.accuracy.elementwise import Add
from accelsim.accuracy.kinds.base import LayerPlan, LayerTranslator, check_channels, trainable


@trainable
class AddTranslator(LayerTranslator):
    kind = "add"
    sums_inputs = True

    def widths(self, layer) -> list[int]:
        return [layer.channels]

    def reads(self, layer, source: str) -> tuple:
        return (source, layer.input_b)

    def linear_bottleneck(self, source_kind: str, source_is_bottleneck: bool) -> bool:
        return source_is_bottleneck

    def plan(self, ctx) -> list[LayerPlan]:
        shape, other = ctx.shape, ctx.outputs[ctx.layer.input_b][1]
        if other != shape:
            raise ctx.error(f"adds {'x'.join(map(str, shape))} and "
                            f"{'x'.join(map(str, other))} outputs after adaptation to digits",
                            "give both summands the same channels and spatial size")
        check_channels(ctx, "channels", shape)
        return [LayerPlan(self.kind, ctx.layer.name, shape, shape, relu=ctx.relu, builder=self)]

    def build(self, plan, rng):
        return Add(plan.name, plan.relu)
