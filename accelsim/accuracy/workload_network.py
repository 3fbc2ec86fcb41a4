"""Build the trainable network of a workload YAML, adapted to the digits data set.

The timing model and the accuracy model run the same networks: ``--network mlp`` and ``cnn`` are
``workloads/digits_mlp.yaml`` and ``workloads/digits_cnn.yaml``, and any other workload made of
supported layer kinds can be trained too.

Adaptation to digits (8×8×1 input, 10 classes), each change reported as a note:

- the first layer reads the 1×8×8 image (a ``linear`` first layer reads it flattened, 64 features);
- spatial sizes (``in_h``, ``in_w``) and the ``in_features`` of a linear layer after a spatial one
  follow from the layers before; channel counts must chain as written;
- the last layer must be ``linear`` and gets 10 outputs.

Every conv2d and linear layer except the last has a ReLU on its output. Pooling keeps its mode.
Layers must run in sequence (an ``input`` naming another than the previous layer is refused).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from accelsim.accuracy.dataset import CLASSES
from accelsim.accuracy.network import Conv2D, Dense
from accelsim.accuracy.network import Pool as PoolLayer
from accelsim.core import shipped
from accelsim.core.errors import ConfigError
from accelsim.core.shipped import shipped_dir
from accelsim.workload.layers import Conv2d, Linear, Pool, Workload
from accelsim.workload.loader import load_workload

DIGITS_SHAPE = (1, 8, 8)

SUPPORTED_KINDS = ("conv2d", "linear", "pool")
BUILTIN_NETWORKS = {"mlp": "digits_mlp.yaml", "cnn": "digits_cnn.yaml",
                    "mnist_mlp": "mnist_mlp.yaml"}
WORKLOADS_DIR = shipped_dir("workload")


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
    """One layer of the adapted network; shapes are per sample (C, H, W) or (features,)."""
    kind: str
    name: str
    in_shape: tuple
    out_shape: tuple
    kernel: tuple = (1, 1)
    stride: int = 1
    padding: tuple = (0, 0)
    mode: str = "max"
    relu: bool = False


def plan_network(workload: Workload, source: str, input_shape: tuple = DIGITS_SHAPE
                 ) -> tuple[list[LayerPlan], list[str]]:
    """The adapted layer list of ``workload`` for inputs of ``input_shape`` (C, H, W) and notes
    on what was adapted."""
    plans: list[LayerPlan] = []
    notes: list[str] = []
    shape: tuple = tuple(input_shape)
    previous = None
    weight_layers = [l for l in workload.layers if l.kind in ("conv2d", "linear")]
    for index, layer in enumerate(workload.layers):
        where = f"layers[{index}]({layer.name})"
        if layer.kind not in SUPPORTED_KINDS:
            raise ConfigError(f"layer kind {layer.kind!r} is not supported by the functional "
                              "accuracy model", source=source, field=where,
                              fix="use layers of kinds: " + ", ".join(SUPPORTED_KINDS))
        if layer.input is not None and layer.input != previous:
            raise ConfigError(f"reads {layer.input!r}, not the previous layer; the functional "
                              "model trains sequential networks only", source=source, field=where,
                              fix="remove 'input' or make the network a plain sequence")
        last = index == len(workload.layers) - 1
        if isinstance(layer, Linear):
            plan = _linear(layer, shape, last, bool(weight_layers) and layer is not
                           weight_layers[-1], notes, source, where, first=index == 0)
        elif last:
            raise ConfigError(f"the last layer is {layer.kind!r}; it must be linear to give the "
                              f"{CLASSES} class scores", source=source, field=where,
                              fix="end the workload with a linear layer")
        else:
            plan = _spatial(layer, shape, index == 0, notes, source, where)
        plans.append(plan)
        shape, previous = plan.out_shape, layer.name
    return plans, notes


def _linear(layer: Linear, shape, last, relu, notes, source, where, first) -> LayerPlan:
    if layer.tokens != 1:
        raise ConfigError(f"linear layer with tokens={layer.tokens} is not supported",
                          source=source, field=where, fix="use tokens: 1")
    features = int(np.prod(shape))
    if len(shape) == 1 and not first and layer.in_features != features:
        raise ConfigError(f"in_features {layer.in_features} does not match the previous "
                          f"layer's {features} outputs", source=source, field=f"{where}.in_features",
                          fix=f"set in_features: {features}")
    if layer.in_features != features:
        notes.append(f"{layer.name}: in_features {layer.in_features} -> {features}")
    out = layer.out_features
    if last and out != CLASSES:
        notes.append(f"{layer.name}: out_features {out} -> {CLASSES} (digits classes)")
        out = CLASSES
    return LayerPlan("linear", layer.name, (features,), (out,), relu=relu)


def _spatial(layer, shape, first, notes, source, where) -> LayerPlan:
    if len(shape) != 3:
        raise ConfigError(f"{layer.kind} layer after a linear layer", source=source, field=where,
                          fix="put conv2d/pool layers before the linear layers")
    channels, h, w = shape
    wanted = layer.in_channels if isinstance(layer, Conv2d) else layer.channels
    if wanted != channels:
        if not first:
            field = "in_channels" if isinstance(layer, Conv2d) else "channels"
            raise ConfigError(f"{field} {wanted} does not match the previous layer's {channels} "
                              "channels", source=source, field=f"{where}.{field}",
                              fix=f"set {field}: {channels}")
        notes.append(f"{layer.name}: input channels {wanted} -> {channels} (digits are grey)")
    if (layer.in_h, layer.in_w) != (h, w):
        notes.append(f"{layer.name}: input {layer.in_h}x{layer.in_w} -> {h}x{w}")
    if layer.output_rule != "standard":
        notes.append(f"{layer.name}: output_rule {layer.output_rule} -> standard")
    kernel, pad, stride = (layer.kernel_h, layer.kernel_w), (layer.padding, layer.padding), layer.stride
    oh = (h + 2 * pad[0] - kernel[0]) // stride + 1
    ow = (w + 2 * pad[1] - kernel[1]) // stride + 1
    if kernel[0] > h + 2 * pad[0] or kernel[1] > w + 2 * pad[1] or oh < 1 or ow < 1:
        raise ConfigError(f"kernel {kernel[0]}x{kernel[1]} (stride {stride}, padding {pad[0]}) "
                          f"does not fit the adapted {h}x{w} input", source=source, field=where,
                          fix="use smaller kernels/strides or more padding for 8x8 digits")
    if isinstance(layer, Pool):
        return LayerPlan("pool", layer.name, shape, (channels, oh, ow), kernel, stride, pad,
                         layer.mode)
    return LayerPlan("conv2d", layer.name, shape, (layer.out_channels, oh, ow), kernel, stride,
                     pad, relu=True)


def build_layers(plans: list[LayerPlan], rng: np.random.Generator) -> list:
    """Layers with He-uniform weights ``U(±√(6/fan_in))`` and zero biases."""
    layers = []
    for plan in plans:
        if plan.kind == "pool":
            layers.append(PoolLayer(plan.name, plan.in_shape, plan.kernel, plan.stride,
                                    plan.padding, plan.mode))
            continue
        fan_in = int(np.prod(plan.in_shape)) if plan.kind == "linear" else \
            plan.in_shape[0] * plan.kernel[0] * plan.kernel[1]
        bound = np.sqrt(6.0 / fan_in)
        weight = rng.uniform(-bound, bound, (plan.out_shape[0], fan_in)).astype(np.float32)
        if plan.kind == "linear":
            layers.append(Dense(plan.name, weight, plan.relu))
        else:
            layers.append(Conv2D(plan.name, weight, plan.relu, plan.in_shape, plan.kernel,
                                 plan.stride, plan.padding))
    return layers
