"""What the spatial kinds (conv2d, depthwise_conv2d, pool) share: adapting a layer with a kernel,
stride and padding to the input it gets, and the batch normalisation after a convolution."""
from __future__ import annotations

from accelsim.accuracy.elementwise import BatchNorm
from accelsim.accuracy.kinds.base import (
    LayerContext,
    LayerPlan,
    LayerTranslator,
    check_channels,
    he_uniform,
)


class SpatialTranslator(LayerTranslator):
    """A layer reading (C, H, W): its kernel, stride and padding as written, its input size that
    of the layers before."""
    #: the field holding the channels it reads
    channels_field: str = "channels"

    def input_shape(self, layer) -> tuple:
        return (getattr(layer, self.channels_field), layer.in_h, layer.in_w)

    def kernel(self, ctx: LayerContext) -> tuple:
        """The kernel (h, w) on the adapted input; as written unless a kind adapts it."""
        return (ctx.layer.kernel_h, ctx.layer.kernel_w)

    def adapt(self, ctx: LayerContext) -> tuple:
        """The checked, noted adaptation: (kernel, stride, padding, output (h, w))."""
        layer, shape = ctx.layer, ctx.shape
        if len(shape) != 3:
            raise ctx.error(f"{layer.kind} layer after a linear layer",
                            "put conv2d/pool layers before the linear layers")
        channels, h, w = shape
        written = getattr(layer, self.channels_field)
        if ctx.first and written != channels:
            ctx.notes.append(f"{layer.name}: input channels {written} -> {channels} "
                             "(digits are grey)")
        elif not ctx.first:
            check_channels(ctx, self.channels_field, shape)
        if (layer.in_h, layer.in_w) != (h, w):
            ctx.notes.append(f"{layer.name}: input {layer.in_h}x{layer.in_w} -> {h}x{w}")
        if layer.output_rule != "standard":
            ctx.notes.append(f"{layer.name}: output_rule {layer.output_rule} -> standard")
        kernel, pad, stride = self.kernel(ctx), (layer.padding, layer.padding), layer.stride
        oh = (h + 2 * pad[0] - kernel[0]) // stride + 1
        ow = (w + 2 * pad[1] - kernel[1]) // stride + 1
        if kernel[0] > h + 2 * pad[0] or kernel[1] > w + 2 * pad[1] or oh < 1 or ow < 1:
            raise ctx.error(f"kernel {kernel[0]}x{kernel[1]} (stride {stride}, padding "
                            f"{pad[0]}) does not fit the adapted {h}x{w} input",
                            "use smaller kernels/strides or more padding for 8x8 digits")
        return kernel, stride, pad, (oh, ow)


class ConvTranslator(SpatialTranslator):
    """A weighted convolution, followed by a batch normalisation when the workload asks."""
    weighted = True

    def out_channels(self, ctx: LayerContext) -> int:
        raise NotImplementedError

    def fan_in(self, plan: LayerPlan) -> int:
        return plan.in_shape[0] * plan.kernel[0] * plan.kernel[1]

    def plan(self, ctx: LayerContext) -> list[LayerPlan]:
        kernel, stride, pad, (oh, ow) = self.adapt(ctx)
        conv = LayerPlan(self.kind, ctx.layer.name, ctx.shape, (self.out_channels(ctx), oh, ow),
                         kernel, stride, pad, relu=ctx.relu and not ctx.batch_norm, builder=self)
        if not ctx.batch_norm:
            return [conv]
        return [conv, LayerPlan(BATCH_NORM.kind, f"{ctx.layer.name}.bn", conv.out_shape,
                                conv.out_shape, relu=ctx.relu, builder=BATCH_NORM)]

    def weights(self, plan: LayerPlan, rng):
        return he_uniform(rng, plan.out_shape[0], self.fan_in(plan))


class BatchNormStep:
    """The batch normalisation the network builder adds after a convolution (not a workload
    kind: ``batch_norm: true`` asks for it)."""
    kind = "batch_norm"
    crossbar = False

    def build(self, plan: LayerPlan, rng):
        return BatchNorm(plan.name, plan.out_shape[0], plan.relu)


BATCH_NORM = BatchNormStep()
