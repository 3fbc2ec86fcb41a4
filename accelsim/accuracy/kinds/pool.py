"""pool trains as :class:`~accelsim.accuracy.network.Pool`; a global pool (kernel covering its
whole input, no padding) covers the adapted input."""
from __future__ import annotations

from accelsim.accuracy.kinds.base import LayerPlan, trainable
from accelsim.accuracy.kinds.spatial import SpatialTranslator
from accelsim.accuracy.network import Pool


@trainable
class PoolTranslator(SpatialTranslator):
    kind = "pool"

    def widths(self, layer) -> list[int]:
        return [layer.channels]

    def kernel(self, ctx) -> tuple:
        layer, (_, h, w) = ctx.layer, ctx.shape
        kernel = (layer.kernel_h, layer.kernel_w)
        if kernel == (layer.in_h, layer.in_w) and not layer.padding and kernel != (h, w):
            ctx.notes.append(f"{layer.name}: global pooling {kernel[0]}x{kernel[1]} -> {h}x{w}")
            return (h, w)
        return kernel

    def plan(self, ctx) -> list[LayerPlan]:
        kernel, stride, pad, (oh, ow) = self.adapt(ctx)
        return [LayerPlan(self.kind, ctx.layer.name, ctx.shape, (ctx.shape[0], oh, ow), kernel,
                          stride, pad, ctx.layer.mode, builder=self)]

    def build(self, plan, rng):
        return Pool(plan.name, plan.in_shape, plan.kernel, plan.stride, plan.padding, plan.mode)
