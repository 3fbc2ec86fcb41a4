"""Build the trainable network of a workload YAML, adapted to the digits data set.

The timing model and the accuracy model run the same networks: ``--network mlp`` and ``cnn`` are
``workloads/digits_mlp.yaml`` and ``workloads/digits_cnn.yaml``, and any other workload made of
supported layer kinds (conv2d, depthwise_conv2d, linear, pool, add) trains too, residual
networks included: ``workloads/resnet18.yaml`` and ``workloads/mobilenetv2.yaml`` train with their
own block structure (every layer and every ``input``/``input_b`` connection as written).
Each trainable kind is a translator registered in :mod:`accelsim.accuracy.kinds` under its YAML
``kind`` (its scaling, trainable layer and ReLU rule); this module only walks the workload.

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

import numpy as np

import accelsim.accuracy.kinds  # noqa: F401  (registers every trainable kind)
from accelsim.accuracy.kinds.base import (
    MAX_CHANNELS,
    MIN_CHANNELS,
    TRAINABLE_KINDS,
    LayerContext,
    LayerPlan,
    Scaling,
    with_inputs,
)
from accelsim.accuracy.kinds.spatial import BATCH_NORM
from accelsim.accuracy.dataset import CLASSES
from accelsim.accuracy.network_graph import INPUT as INPUT_INDEX
from accelsim.accuracy.network_graph import Network
from accelsim.core import shipped
from accelsim.core.errors import ConfigError
from accelsim.core.shipped import shipped_dir
from accelsim.workload.layers import INPUT, Workload
from accelsim.workload.loader import load_workload

DIGITS_SHAPE = (1, 8, 8)

BUILTIN_NETWORKS = {"mlp": "digits_mlp.yaml", "cnn": "digits_cnn.yaml",
                    "mnist_mlp": "mnist_mlp.yaml"}
WORKLOADS_DIR = shipped_dir("workload")
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


def normalised(plans: list[LayerPlan]) -> bool:
    """Whether the adapted network has batch normalisation."""
    return any(p.builder is BATCH_NORM for p in plans)


def crossbar_layers(plans: list[LayerPlan]) -> list[str]:
    """The plans a crossbar can hold (their kernels are dense matrix products)."""
    return [p.name for p in plans if p.builder.crossbar]


def training_batch(workload: Workload, plans: list[LayerPlan], notes: list[str]) -> int:
    """The workload's batch, or :data:`NORM_BATCH` for a batch-normalised network whose workload
    batch is smaller (an ImageNet workload at batch 1); the change is noted."""
    if workload.batch >= NORM_BATCH or not normalised(plans):
        return workload.batch
    notes.append(f"batch {workload.batch} -> {NORM_BATCH} (batch normalisation)")
    return NORM_BATCH


def _translators(workload: Workload, source: str) -> list:
    """The translator of every layer, or the error naming the first untrainable one."""
    translators = []
    for index, layer in enumerate(workload.layers):
        if layer.kind not in TRAINABLE_KINDS:
            raise ConfigError(f"layer kind {layer.kind!r} is not supported by the functional "
                              "accuracy model", source=source,
                              field=f"layers[{index}]({layer.name})",
                              fix="use layers of kinds: " + ", ".join(TRAINABLE_KINDS.names()))
        translators.append(TRAINABLE_KINDS.get(layer.kind))
    return translators


def _widths(workload: Workload, translators: list) -> list[int]:
    return [w for layer, t in zip(workload.layers, translators) for w in t.widths(layer)]


def scaling_of(workload: Workload, source: str, input_shape: tuple = DIGITS_SHAPE) -> Scaling:
    """The channel divisor and input sizes of ``workload`` (read from ``source``) on inputs of
    ``input_shape``."""
    translators = _translators(workload, source)
    widest = max(_widths(workload, translators), default=1)
    divisor = 1 << max(0, math.ceil(math.log2(widest / MAX_CHANNELS))) if widest > MAX_CHANNELS \
        else 1
    first = translators[0]
    shape = first.input_shape(workload.layers[0])
    trained = (int(np.prod(input_shape)),) if first.flat_input else tuple(input_shape)
    return Scaling(divisor, shape, trained)


def _relu_rule(workload: Workload, translators: list) -> tuple[set, set]:
    """The layers whose outputs are summands and the linear bottlenecks (neither takes a ReLU;
    a summing layer takes its own unless it is a bottleneck)."""
    summed, bottleneck = set(), set()
    kinds, previous = {INPUT: "input"}, INPUT
    for layer, translator in zip(workload.layers, translators):
        source = layer.input or previous
        if translator.sums_inputs:
            summed.update(translator.reads(layer, source))
        if translator.linear_bottleneck(kinds[source], source in bottleneck):
            bottleneck.add(layer.name)
        kinds[layer.name], previous = layer.kind, layer.name
    return summed, bottleneck


def plan_network(workload: Workload, source: str, input_shape: tuple = DIGITS_SHAPE
                 ) -> tuple[list[LayerPlan], list[str]]:
    """The adapted layer list of ``workload`` for inputs of ``input_shape`` (C, H, W) and notes
    on what was adapted."""
    input_shape = tuple(input_shape)
    translators = _translators(workload, source)
    scaling = scaling_of(workload, source, input_shape)
    notes: list[str] = []
    if scaling.channel_divisor > 1:
        widest = max(_widths(workload, translators))
        notes.append(f"channels divided by {scaling.channel_divisor} (at least "
                     f"{MIN_CHANNELS}), widest {widest} -> {scaling.channels(widest)}")
    summed, bottleneck = _relu_rule(workload, translators)
    weighted = [l for l, t in zip(workload.layers, translators) if t.weighted]
    scoring = [k for k, t in TRAINABLE_KINDS.items() if t.gives_scores]
    plans: list[LayerPlan] = []
    output = {INPUT: (INPUT, input_shape)}  # workload layer name -> (plan name, shape)
    previous = INPUT
    for index, (layer, translator) in enumerate(zip(workload.layers, translators)):
        where = f"layers[{index}]({layer.name})"
        reads = translator.reads(layer, layer.input or previous)
        last = index == len(workload.layers) - 1
        if last and not translator.gives_scores:
            raise ConfigError(f"the last layer is {layer.kind!r}; it must be "
                              f"{' or '.join(scoring)} to give the {CLASSES} class scores",
                              source=source, field=where,
                              fix=f"end the workload with a {' or '.join(scoring)} layer")
        relu = layer.name not in bottleneck and (translator.sums_inputs
                                                 or layer.name not in summed)
        ctx = LayerContext(layer, output[reads[0]][1], output, index == 0, last,
                           bool(weighted) and layer is weighted[-1], relu, workload.batch_norm,
                           scaling, notes, source, where)
        new = translator.plan(ctx)
        new[0] = with_inputs(new[0], tuple(output[name][0] for name in reads))
        for k in range(1, len(new)):
            new[k] = with_inputs(new[k], (new[k - 1].name,))
        plans += new
        output[layer.name] = (new[-1].name, new[-1].out_shape)
        previous = layer.name
    return plans, notes


def build_network(plans: list[LayerPlan], rng: np.random.Generator) -> Network:
    """The network of ``plans`` with He-uniform weights ``U(±√(6/fan_in))`` and zero biases."""
    index = {INPUT: INPUT_INDEX, **{p.name: i for i, p in enumerate(plans)}}
    inputs = [tuple(index[n] for n in p.inputs) if p.inputs else (i - 1,)
              for i, p in enumerate(plans)]
    return Network(build_layers(plans, rng), inputs)


def build_layers(plans: list[LayerPlan], rng: np.random.Generator) -> list:
    """The layers of ``plans`` in order (weights drawn from ``rng`` in that order)."""
    return [plan.build(rng) for plan in plans]
