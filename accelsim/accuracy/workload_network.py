"""Build the trainable network of a workload YAML, adapted to the digits data set.

The timing model and the accuracy model run the same networks: ``--network mlp`` and ``cnn`` are
``workloads/digits_mlp.yaml`` and ``workloads/digits_cnn.yaml``, and any other workload made of
supported layer kinds (conv2d, depthwise_conv2d, linear, pool, add) trains too, residual
networks included: ``workloads/resnet18.yaml`` and ``workloads/mobilenetv2.yaml`` train with their
own block structure (every layer and every ``input``/``input_b`` connection as written).

Adaptation to digits (8×8×1 input, 10 classes), each change reported as a note and the scaling
recorded (:class:`Scaling`):

- the first layer reads the 1×8×8 image (a ``linear`` first layer reads it flattened, 64 features);
- spatial sizes follow from the layers before, with each layer's kernel, stride and padding as
  written (ResNet-18 on 8×8 runs its stages at 4×4, 2×2, 1×1, 1×1, 1×1); a pool whose kernel
  covers its whole input without padding (global average pooling) covers the adapted input;
- channels are divided by the smallest power of two ``d`` that brings the widest layer to at most
  :data:`MAX_CHANNELS`, rounded up and at least ``min(c, MIN_CHANNELS)``, so equal widths stay
  equal and residual adds and depthwise layers keep matching (``d = 1`` leaves every width as
  written; ResNet-18: ``d = 8``, 64…512 → 8…64 channels); hidden linear widths scale alike;
- the ``in_features`` of a linear layer follow from the layers before; the last layer must be
  ``linear`` and gets 10 outputs;
- a workload with ``batch_norm: true`` gets a batch normalisation (``NAME.bn``) after every
  conv2d and depthwise_conv2d, as torchvision's ResNet and MobileNetV2 have.

ReLU (fused into the layer's output, after its batch normalisation) follows every conv2d,
depthwise_conv2d and linear layer (except the last) whose output is not a summand of an ``add``,
and every add: the residual sum is taken before the nonlinearity, as in ResNet's second conv and
projection shortcut. A conv2d reading a depthwise_conv2d is a linear bottleneck (MobileNetV2's
projection): it has no ReLU, and neither has an add whose first summand it is. (MobileNetV2 uses
ReLU6; the functional model uses ReLU.) Gemm layers are not supported.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from accelsim.accuracy.dataset import CLASSES
from accelsim.accuracy.elementwise import Add as AddLayer
from accelsim.accuracy.elementwise import BatchNorm
from accelsim.accuracy.network import Conv2D, Dense, DepthwiseConv2D
from accelsim.accuracy.network import Pool as PoolLayer
from accelsim.accuracy.network_graph import INPUT as INPUT_INDEX
from accelsim.accuracy.network_graph import Network
from accelsim.core import shipped
from accelsim.core.errors import ConfigError
from accelsim.core.shipped import shipped_dir
from accelsim.workload.layers import (
    INPUT,
    Add,
    Conv2d,
    DepthwiseConv2d,
    Linear,
    Pool,
    Workload,
)
from accelsim.workload.loader import load_workload

DIGITS_SHAPE = (1, 8, 8)

SUPPORTED_KINDS = ("conv2d", "depthwise_conv2d", "linear", "pool", "add")
WEIGHT_KINDS = ("conv2d", "depthwise_conv2d", "linear")
#: kinds a crossbar can hold: their kernels are dense matrix products (depthwise is per channel)
CROSSBAR_KINDS = ("conv2d", "linear")
BUILTIN_NETWORKS = {"mlp": "digits_mlp.yaml", "cnn": "digits_cnn.yaml",
                    "mnist_mlp": "mnist_mlp.yaml"}
WORKLOADS_DIR = shipped_dir("workload")
MAX_CHANNELS = 64
MIN_CHANNELS = 8
#: batch of a batch-normalised network whose workload batch is smaller (statistics need samples)
NORM_BATCH = 32


def load_network_workload(network: str) -> tuple[Workload, str]:
    """The workload named ``mlp``/``cnn`` or read from a YAML path, and its file name."""
    if network in BUILTIN_NETWORKS:
        path = WORKLOADS_DIR / BUILTIN_NETWORKS[network]
        if not path.exists():
            raise ConfigError(f"built-in network {network!r} needs {path}, which is missing",
                              source="--network", fix="run from an accelsim source checkout or "
                              "pass the workload YAML path")
    else:
        path = shipped.resolve(network, "workload")
        if path.suffix.lower() not in (".yaml", ".yml"):
            raise ConfigError(f"unknown network {network!r}", source="--network",
                              fix="use mlp, cnn or a workload .yaml file")
    return load_workload(path), str(path)


@dataclass(frozen=True)
class LayerPlan:
    """One layer of the adapted network; shapes are per sample (C, H, W) or (features,).

    ``inputs`` names the plans it reads (``"input"``: the network input)."""
    kind: str
    name: str
    in_shape: tuple
    out_shape: tuple
    kernel: tuple = (1, 1)
    stride: int = 1
    padding: tuple = (0, 0)
    mode: str = "max"
    relu: bool = False
    inputs: tuple = ()


@dataclass(frozen=True)
class Scaling:
    """How the workload was scaled to the data set (recorded in accuracy.json)."""
    channel_divisor: int
    workload_input: tuple
    trained_input: tuple

    def channels(self, c: int) -> int:
        return max(min(c, MIN_CHANNELS), -(-c // self.channel_divisor))

    def as_dict(self) -> dict:
        return {"channel_divisor": self.channel_divisor, "max_channels": MAX_CHANNELS,
                "min_channels": MIN_CHANNELS, "workload_input": list(self.workload_input),
                "trained_input": list(self.trained_input)}


def training_batch(workload: Workload, plans: list[LayerPlan], notes: list[str]) -> int:
    """The workload's batch, or :data:`NORM_BATCH` for a batch-normalised network whose workload
    batch is smaller (an ImageNet workload at batch 1); the change is noted."""
    if workload.batch >= NORM_BATCH or not any(p.kind == "batch_norm" for p in plans):
        return workload.batch
    notes.append(f"batch {workload.batch} -> {NORM_BATCH} (batch normalisation)")
    return NORM_BATCH


def _widths(workload: Workload) -> list[int]:
    widths = []
    for layer in workload.layers:
        if isinstance(layer, Conv2d):
            widths += [layer.in_channels, layer.out_channels]
        elif isinstance(layer, (DepthwiseConv2d, Pool, Add)):
            widths.append(layer.channels)
    return widths


def scaling_of(workload: Workload, input_shape: tuple = DIGITS_SHAPE) -> Scaling:
    """The channel divisor and input sizes of ``workload`` on inputs of ``input_shape``."""
    widest = max(_widths(workload), default=1)
    divisor = 1 << max(0, math.ceil(math.log2(widest / MAX_CHANNELS))) if widest > MAX_CHANNELS \
        else 1
    first = workload.layers[0]
    if isinstance(first, Conv2d):
        shape = (first.in_channels, first.in_h, first.in_w)
    elif isinstance(first, (DepthwiseConv2d, Pool)):
        shape = (first.channels, first.in_h, first.in_w)
    else:
        shape = (getattr(first, "in_features", 0),)
    trained = (int(np.prod(input_shape)),) if isinstance(first, Linear) else tuple(input_shape)
    return Scaling(divisor, shape, trained)


def plan_network(workload: Workload, source: str, input_shape: tuple = DIGITS_SHAPE
                 ) -> tuple[list[LayerPlan], list[str]]:
    """The adapted layer list of ``workload`` for inputs of ``input_shape`` (C, H, W) and notes
    on what was adapted."""
    input_shape = tuple(input_shape)
    scaling = scaling_of(workload, input_shape)
    notes: list[str] = []
    if scaling.channel_divisor > 1:
        notes.append(f"channels divided by {scaling.channel_divisor} (at least "
                     f"{MIN_CHANNELS}), widest {max(_widths(workload))} -> "
                     f"{scaling.channels(max(_widths(workload)))}")
    summed, bottleneck = set(), set()
    kinds, previous = {INPUT: "input"}, INPUT
    for layer in workload.layers:
        source = layer.input or previous
        if isinstance(layer, Add):
            summed.update((source, layer.input_b))
        if isinstance(layer, Conv2d) and kinds[source] == "depthwise_conv2d" or \
                isinstance(layer, Add) and source in bottleneck:
            bottleneck.add(layer.name)
        kinds[layer.name], previous = layer.kind, layer.name
    weight_layers = [l for l in workload.layers if l.kind in WEIGHT_KINDS]
    plans: list[LayerPlan] = []
    output = {INPUT: (INPUT, input_shape)}  # workload layer name -> (plan name, shape)
    previous = INPUT
    for index, layer in enumerate(workload.layers):
        where = f"layers[{index}]({layer.name})"
        if layer.kind not in SUPPORTED_KINDS:
            raise ConfigError(f"layer kind {layer.kind!r} is not supported by the functional "
                              "accuracy model", source=source, field=where,
                              fix="use layers of kinds: " + ", ".join(SUPPORTED_KINDS))
        src, shape = output[layer.input or previous]
        last = index == len(workload.layers) - 1
        relu = layer.name not in bottleneck and (isinstance(layer, Add) or layer.name not in summed)
        if isinstance(layer, Linear):
            new = [_linear(layer, shape, last, relu and layer is not weight_layers[-1], scaling,
                           notes, source, where, first=index == 0)]
        elif last:
            raise ConfigError(f"the last layer is {layer.kind!r}; it must be linear to give the "
                              f"{CLASSES} class scores", source=source, field=where,
                              fix="end the workload with a linear layer")
        elif isinstance(layer, Add):
            new = [_add(layer, shape, output[layer.input_b], relu, scaling, source, where)]
        else:
            new = _spatial(layer, shape, index == 0, relu, workload.batch_norm, scaling, notes,
                           source, where)
        new[0] = _with_inputs(new[0], (src,) if not isinstance(layer, Add)
                              else (src, output[layer.input_b][0]))
        for k in range(1, len(new)):
            new[k] = _with_inputs(new[k], (new[k - 1].name,))
        plans += new
        output[layer.name] = (new[-1].name, new[-1].out_shape)
        previous = layer.name
    return plans, notes


def _with_inputs(plan: LayerPlan, inputs: tuple) -> LayerPlan:
    return LayerPlan(**{**plan.__dict__, "inputs": inputs})


def _linear(layer: Linear, shape, last, relu, scaling, notes, source, where, first) -> LayerPlan:
    if layer.tokens != 1:
        raise ConfigError(f"linear layer with tokens={layer.tokens} is not supported",
                          source=source, field=where, fix="use tokens: 1")
    features = int(np.prod(shape))
    if len(shape) == 1 and not first and scaling.channels(layer.in_features) != features:
        raise ConfigError(f"in_features {layer.in_features} does not match the previous "
                          f"layer's {features} outputs", source=source, field=f"{where}.in_features",
                          fix=f"set in_features: {features}")
    if layer.in_features != features:
        notes.append(f"{layer.name}: in_features {layer.in_features} -> {features}")
    out = layer.out_features
    if last and out != CLASSES:
        notes.append(f"{layer.name}: out_features {out} -> {CLASSES} (digits classes)")
        out = CLASSES
    elif not last and scaling.channels(out) != out:
        out = scaling.channels(out)
    return LayerPlan("linear", layer.name, (features,), (out,), relu=relu)


def _add(layer: Add, shape, other, relu, scaling, source, where) -> LayerPlan:
    if other[1] != shape:
        raise ConfigError(f"adds {'x'.join(map(str, shape))} and "
                          f"{'x'.join(map(str, other[1]))} outputs after adaptation to digits",
                          source=source, field=where,
                          fix="give both summands the same channels and spatial size")
    _check_channels(layer, "channels", shape, scaling, source, where)
    return LayerPlan("add", layer.name, shape, shape, relu=relu)


def _check_channels(layer, field, shape, scaling, source, where):
    wanted = scaling.channels(getattr(layer, field))
    if len(shape) == 3 and wanted != shape[0]:
        raise ConfigError(f"{field} {getattr(layer, field)} does not match the previous layer's "
                          "channels", source=source, field=f"{where}.{field}",
                          fix="chain channel counts as the layers before give them")


def _spatial(layer, shape, first, relu, batch_norm, scaling, notes, source, where) -> list:
    if len(shape) != 3:
        raise ConfigError(f"{layer.kind} layer after a linear layer", source=source, field=where,
                          fix="put conv2d/pool layers before the linear layers")
    channels, h, w = shape
    field = "in_channels" if isinstance(layer, Conv2d) else "channels"
    if first and getattr(layer, field) != channels:
        notes.append(f"{layer.name}: input channels {getattr(layer, field)} -> {channels} "
                     "(digits are grey)")
    elif not first:
        _check_channels(layer, field, shape, scaling, source, where)
    if (layer.in_h, layer.in_w) != (h, w):
        notes.append(f"{layer.name}: input {layer.in_h}x{layer.in_w} -> {h}x{w}")
    if layer.output_rule != "standard":
        notes.append(f"{layer.name}: output_rule {layer.output_rule} -> standard")
    kernel, pad, stride = (layer.kernel_h, layer.kernel_w), (layer.padding, layer.padding), layer.stride
    if isinstance(layer, Pool) and kernel == (layer.in_h, layer.in_w) and not layer.padding \
            and kernel != (h, w):
        notes.append(f"{layer.name}: global pooling {kernel[0]}x{kernel[1]} -> {h}x{w}")
        kernel = (h, w)
    oh = (h + 2 * pad[0] - kernel[0]) // stride + 1
    ow = (w + 2 * pad[1] - kernel[1]) // stride + 1
    if kernel[0] > h + 2 * pad[0] or kernel[1] > w + 2 * pad[1] or oh < 1 or ow < 1:
        raise ConfigError(f"kernel {kernel[0]}x{kernel[1]} (stride {stride}, padding {pad[0]}) "
                          f"does not fit the adapted {h}x{w} input", source=source, field=where,
                          fix="use smaller kernels/strides or more padding for 8x8 digits")
    if isinstance(layer, Pool):
        return [LayerPlan("pool", layer.name, shape, (channels, oh, ow), kernel, stride, pad,
                          layer.mode)]
    out = scaling.channels(layer.out_channels) if isinstance(layer, Conv2d) else channels
    conv = LayerPlan(layer.kind, layer.name, shape, (out, oh, ow), kernel, stride, pad,
                     relu=relu and not batch_norm)
    if not batch_norm:
        return [conv]
    return [conv, LayerPlan("batch_norm", f"{layer.name}.bn", conv.out_shape, conv.out_shape,
                            relu=relu)]


_WEIGHT_LAYER = {"linear": Dense, "conv2d": Conv2D, "depthwise_conv2d": DepthwiseConv2D}


def build_network(plans: list[LayerPlan], rng: np.random.Generator) -> Network:
    """The network of ``plans`` with He-uniform weights ``U(±√(6/fan_in))`` and zero biases."""
    index = {INPUT: INPUT_INDEX, **{p.name: i for i, p in enumerate(plans)}}
    inputs = [tuple(index[n] for n in p.inputs) if p.inputs else (i - 1,)
              for i, p in enumerate(plans)]
    return Network(build_layers(plans, rng), inputs)


def build_layers(plans: list[LayerPlan], rng: np.random.Generator) -> list:
    """The layers of ``plans`` in order (weights drawn from ``rng`` in that order)."""
    layers = []
    for plan in plans:
        if plan.kind == "pool":
            layers.append(PoolLayer(plan.name, plan.in_shape, plan.kernel, plan.stride,
                                    plan.padding, plan.mode))
            continue
        if plan.kind == "add":
            layers.append(AddLayer(plan.name, plan.relu))
            continue
        if plan.kind == "batch_norm":
            layers.append(BatchNorm(plan.name, plan.out_shape[0], plan.relu))
            continue
        taps = plan.kernel[0] * plan.kernel[1]
        fan_in = {"linear": int(np.prod(plan.in_shape)), "depthwise_conv2d": taps}.get(
            plan.kind, plan.in_shape[0] * taps)
        bound = np.sqrt(6.0 / fan_in)
        rows = plan.out_shape[0]
        weight = rng.uniform(-bound, bound, (rows, fan_in)).astype(np.float32)
        if plan.kind == "linear":
            layers.append(Dense(plan.name, weight, plan.relu))
        else:
            layers.append(_WEIGHT_LAYER[plan.kind](plan.name, weight, plan.relu, plan.in_shape,
                                                   plan.kernel, plan.stride, plan.padding))
    return layers
