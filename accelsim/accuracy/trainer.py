"""Mini-batch training of an adapted network with memory errors and crossbar kernels injected.

One training step (the tensors a training accelerator writes to its memories, in order):

1. the input batch and every layer's output are stored (kind ``activation``); the next layer and
   the backward pass read the stored copy;
2. the loss gradient and every layer's input error are stored (kind ``error``);
3. each weight layer's gradients (``weight_gradient``), momentum (``optimizer_state``) and new
   weights and biases (``weight``) are stored; weights therefore keep any flip until overwritten.

A layer mapped to a crossbar keeps its weight matrix on the devices: forward, backward and update
run on :mod:`accelsim.accuracy.crossbar_ops` and its weights and weight gradients never pass the
digital memories. It is updated in place with plain SGD (an outer-product array holds no gradient
for momentum) at ``lr / (1 − momentum)``, the steady-state step of the digital optimiser. Its bias
stays digital.

The learning-rate schedule (``TrainConfig.schedule``, set by the training profile,
:mod:`accelsim.accuracy.profiles`) applies to digital and in-place updates alike: ``cosine``
decays over all steps, ``lr·(1 + cos(π·step/steps))/2``, so the final epoch's accuracy is not a
snapshot of a noisy iterate; ``constant`` keeps ``lr`` (NeuroSim, aihwkit).

Test accuracy is measured after every epoch on the fixed test split, with the trained weights as
stored (crossbar layers read through their converters and noise) and no new memory errors.

Random streams are separate children of ``SeedSequence(seed)``: initial weights, batch order,
memory errors and crossbar noise. A run without errors and crossbars draws nothing from the last
two, so it is bit-identical to the ideal run with the same seed.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from threadpoolctl import threadpool_limits

from accelsim.accuracy.crossbar_ops import make_crossbar
from accelsim.accuracy.dataset import Dataset
from accelsim.accuracy.network import SGDMomentum, WeightLayer, softmax_cross_entropy
from accelsim.accuracy.network_graph import Network
from accelsim.accuracy.protection import Protection
from accelsim.accuracy.storage import TensorMemory
from accelsim.accuracy.kinds.base import LayerPlan
from accelsim.accuracy.workload_network import build_network
from accelsim.core.formats import TENSOR_KINDS
from accelsim.hardware.crossbar.devices import CrossbarDevice


@dataclass(frozen=True)
class TrainConfig:
    epochs: int = 10
    batch: int = 32
    lr: float = 0.05
    momentum: float = 0.9
    seed: int = 0
    crossbar_lr: float | None = None  # default lr / (1 − momentum)
    schedule: str = "cosine"          # a key of SCHEDULES
    drop_last: bool = False  # skip an epoch's incomplete last batch (batch-normalised networks)

    def steps_per_epoch(self, samples: int) -> int:
        return samples // self.batch if self.drop_last else -(-samples // self.batch)

    @property
    def in_place_lr(self) -> float:
        """Learning rate of the in-place (crossbar) update."""
        return self.crossbar_lr if self.crossbar_lr is not None else self.lr / (1.0 - self.momentum)

    def decay(self, step: int, steps: int) -> float:
        """Learning-rate factor of the schedule at ``step`` of ``steps``."""
        return SCHEDULES[self.schedule](step, steps)


#: learning-rate factor at (step, steps): cosine 1 → 0, constant 1
SCHEDULES = {"cosine": lambda step, steps: 0.5 * (1.0 + math.cos(math.pi * step / steps)),
             "constant": lambda step, steps: 1.0}


@dataclass
class History:
    """Per-epoch results of one training run."""
    train_loss: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    bit_flips: dict[str, int] = field(default_factory=dict)
    bits_written: dict[str, int] = field(default_factory=dict)
    crossbar_events: dict[str, int] | None = None
    weights: dict[str, np.ndarray] = field(default_factory=dict)  # final, as stored


def train(plans: list[LayerPlan], data: Dataset, config: TrainConfig, *, formats: dict[str, str],
          bit_error_rate: dict[str, float] | None = None, device: CrossbarDevice | None = None,
          crossbar_layers: list[str] | None = None, on_epoch=None,
          protection: dict[str, Protection] | None = None) -> History:
    """Train the network of ``plans`` on ``data``; see the module docstring for what is injected.

    BLAS runs single-threaded: these matrices are small, threads only contend (a loaded 2-core
    machine ran 8× slower multi-threaded), and one thread gives the same bits on every machine.
    """
    with threadpool_limits(limits=1, user_api="blas"):
        return _train(plans, data, config, formats, bit_error_rate, device, crossbar_layers,
                      on_epoch, dict(protection or {}))


def _train(plans, data, config, formats, bit_error_rate, device, crossbar_layers, on_epoch,
           protection):
    init_seq, order_seq, memory_seq, crossbar_seq = np.random.SeedSequence(config.seed).spawn(4)
    network = build_network(plans, np.random.default_rng(init_seq))
    layers = network.layers
    memory = TensorMemory(formats, dict(bit_error_rate or {}), np.random.default_rng(memory_seq),
                          protection=protection)
    order_rng = np.random.default_rng(order_seq)
    crossbar_rng = np.random.default_rng(crossbar_seq)
    mapped = set(crossbar_layers or ()) if device is not None else set()
    for layer in layers:
        if not isinstance(layer, WeightLayer):
            for name, value in getattr(layer, "params", {}).items():
                setattr(layer, name, memory.write("weight", value))
            continue
        if layer.name in mapped:
            layer.crossbar = make_crossbar(layer.weight, device, crossbar_rng)
        else:
            layer.weight = memory.write("weight", layer.weight)
        layer.bias = memory.write("weight", layer.bias)
    optimizer = SGDMomentum(config.lr, config.momentum)
    flat_input = len(plans[0].in_shape) == 1
    train_x = _inputs(data.train_x, flat_input)
    test_x = _inputs(data.test_x, flat_input)
    history = History()
    per_epoch = config.steps_per_epoch(len(train_x))
    steps = config.epochs * per_epoch
    with np.errstate(all="ignore"):  # corrupted exponents overflow, as on real hardware
        for epoch in range(config.epochs):
            order = order_rng.permutation(len(train_x))
            losses = []
            for i, start in enumerate(range(0, per_epoch * config.batch, config.batch)):
                idx = order[start:start + config.batch]
                factor = config.decay(epoch * per_epoch + i, steps)
                optimizer.lr = np.float32(config.lr * factor)
                losses.append(_step(network, train_x[idx], data.train_y[idx], memory, optimizer,
                                     config.in_place_lr * factor))
            history.train_loss.append(float(np.mean(losses)))
            history.test_accuracy.append(_accuracy(network, test_x, data.test_y, formats,
                                                   protection))
            if on_epoch is not None:
                on_epoch(len(history.test_accuracy), history)
    history.bit_flips = {k: memory.flips[k] for k in TENSOR_KINDS}
    history.bits_written = {k: memory.bits_written[k] for k in TENSOR_KINDS}
    for layer in layers:
        if isinstance(layer, WeightLayer):
            source = layer.crossbar if layer.crossbar is not None else layer
            history.weights[layer.name] = np.array(source.weight)
            history.weights[f"{layer.name}.bias"] = np.array(layer.bias)
    if mapped:
        events: dict[str, int] = {}
        for layer in layers:
            if getattr(layer, "crossbar", None) is not None:
                for key, value in layer.crossbar.events.items():
                    events[key] = events.get(key, 0) + value
        history.crossbar_events = events
    return history


def _inputs(x: np.ndarray, flat: bool) -> np.ndarray:
    return x.reshape(len(x), -1) if flat else x


def _step(network: Network, x, y, memory: TensorMemory, optimizer: SGDMomentum,
          crossbar_lr: float) -> float:
    logits = network.forward(memory.write("activation", x), memory.write)
    loss, grad = softmax_cross_entropy(logits, y)
    network.backward(memory.write("error", grad), memory.write,
                     lambda layer, payload: _update(layer, payload, memory, optimizer, crossbar_lr))
    return loss


def _update(layer, payload, memory, optimizer, crossbar_lr) -> None:
    if not isinstance(layer, WeightLayer):  # e.g. batch normalisation's γ and β
        for name, grad in payload[0].items():
            g = memory.write("weight_gradient", grad)
            setattr(layer, name, optimizer.step(f"{layer.name}.{name}", getattr(layer, name), g,
                                                memory.write))
        return
    cols, dy_cols = payload
    db = memory.write("weight_gradient", dy_cols.sum(axis=0))
    layer.bias = optimizer.step(f"{layer.name}.bias", layer.bias, db, memory.write)
    if layer.crossbar is not None:
        layer.crossbar.update(cols, dy_cols, crossbar_lr)
        return
    dw = memory.write("weight_gradient", layer.weight_gradient(cols, dy_cols))
    layer.weight = optimizer.step(f"{layer.name}.weight", layer.weight, dw, memory.write)


def _accuracy(network: Network, x, y, formats, protection) -> float:
    memory = TensorMemory(formats, {}, np.random.default_rng(0), protection=protection)
    out = network.forward(memory.write("activation", x), memory.write, training=False)
    return float(np.mean(np.argmax(out, axis=1) == y))
