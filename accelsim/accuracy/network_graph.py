"""A trainable network as a directed acyclic graph of layers (residual networks included).

Layers run in list order; each reads the stored outputs of the layers it names (index ``-1`` is
the network input). Every output is written to memory as kind ``activation`` and consumers and the
backward pass read the stored copy. Backward runs the list in reverse: a layer's error is the sum
of the stored errors its consumers handed it (a fan-out point, e.g. a residual block's input,
collects two), each layer hands its input error on after storing it once as kind ``error``, and a
layer with parameters hands ``(layer, payload)`` to the caller's update before that store. On a
plain sequence this is exactly the order of memory writes of a layer-by-layer loop.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

INPUT = -1


class Network:
    """``layers[i]`` reads the outputs of ``inputs[i]`` (layer indices; ``-1``: the input)."""

    def __init__(self, layers: list, inputs: list[tuple[int, ...]]):
        if len(layers) != len(inputs):
            raise ValueError("one input tuple per layer")
        for i, sources in enumerate(inputs):
            if not sources or any(not INPUT <= j < i for j in sources):
                raise ValueError(f"layer {i} must read earlier layers or the input, got {sources}")
        self.layers, self.inputs = layers, inputs
        self._stored: list[np.ndarray] = []

    def forward(self, x: np.ndarray, write: Callable, training: bool = True) -> np.ndarray:
        """Logits of the stored input ``x`` (each output stored through ``write``)."""
        for layer in self.layers:
            if hasattr(layer, "training"):
                layer.training = training
        stored = [x]
        for layer, sources in zip(self.layers, self.inputs):
            out = layer.forward(*(stored[j + 1] for j in sources))
            stored.append(write("activation", out))
        self._stored = stored
        return stored[-1]

    def backward(self, error: np.ndarray, write: Callable, update: Callable) -> None:
        """Back-propagate the stored loss gradient ``error``; ``update(layer, payload)`` is called
        for every layer with parameters."""
        stored = self._stored
        errors: dict[int, np.ndarray] = {len(self.layers) - 1: error}
        for i in range(len(self.layers) - 1, -1, -1):
            dy = errors.pop(i, None)
            if dy is None:  # the output does not reach the loss
                continue
            sources = self.inputs[i]
            need_dx = any(j != INPUT for j in sources)
            dx, *payload = self.layers[i].backward(dy, stored[i + 1], need_dx=need_dx)
            if any(p is not None for p in payload):
                update(self.layers[i], payload)
            if dx is None:
                continue
            dx = write("error", dx)
            for j in sources:
                if j != INPUT:
                    errors[j] = dx if j not in errors else errors[j] + dx
