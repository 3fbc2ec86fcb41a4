"""Element-wise training layers of residual networks: batch normalisation and the residual add.

Both fuse an optional ReLU on their output whose mask, as for the weight layers, comes from the
stored output the backward pass reads back.

Batch normalisation (Ioffe & Szegedy 2015) normalises each channel over the batch and the spatial
positions, ``x̂ = (x − μ)/√(σ² + ε)``, ``y = γ·x̂ + β``, with ``ε = 1e-5``. Training uses the
batch statistics; evaluation uses running estimates updated as PyTorch's ``BatchNorm2d`` does,
``r ← (1 − m)·r + m·s`` with ``m = 0.1`` and the unbiased batch variance. γ and β are trained
parameters of kind ``weight`` (stored like a bias); the running estimates are kept in fp32 beside
the layer, outside the modelled memories. The gradients of γ and β are
``Σ δ·x̂`` and ``Σ δ`` and the input error is ``γ/(M·√(σ²+ε))·(M·δ − Σδ − x̂·Σ δ·x̂)`` over the
``M`` values of a channel.
"""
from __future__ import annotations

import numpy as np

EPSILON = 1e-5
RUNNING_MOMENTUM = 0.1


class BatchNorm:
    """Per-channel batch normalisation of an ``(N, C, ...)`` tensor."""
    kind = "batch_norm"
    crossbar = None

    def __init__(self, name: str, channels: int, relu: bool):
        self.name, self.relu = name, relu
        self.gamma = np.ones(channels, dtype=np.float32)
        self.beta = np.zeros(channels, dtype=np.float32)
        self.running_mean = np.zeros(channels, dtype=np.float32)
        self.running_var = np.ones(channels, dtype=np.float32)
        self.training = True
        self._xhat: np.ndarray | None = None
        self._inv_std: np.ndarray | None = None

    @property
    def params(self) -> dict[str, np.ndarray]:
        """The parameters trained by SGD, by attribute name."""
        return {"gamma": self.gamma, "beta": self.beta}

    def _shape(self, x):
        return (1, -1) + (1,) * (x.ndim - 2)

    def forward(self, x: np.ndarray) -> np.ndarray:
        axes = (0,) + tuple(range(2, x.ndim))
        shape = self._shape(x)
        if self.training:
            mean = x.mean(axis=axes)
            var = x.var(axis=axes)
            count = x.size // x.shape[1]
            m = np.float32(RUNNING_MOMENTUM)
            unbiased = var * np.float32(count / max(count - 1, 1))
            self.running_mean = ((1 - m) * self.running_mean + m * mean).astype(np.float32)
            self.running_var = ((1 - m) * self.running_var + m * unbiased).astype(np.float32)
        else:
            mean, var = self.running_mean, self.running_var
        inv_std = (1.0 / np.sqrt(var + np.float32(EPSILON))).astype(x.dtype)
        xhat = (x - mean.reshape(shape).astype(x.dtype)) * inv_std.reshape(shape)
        self._xhat, self._inv_std = xhat, inv_std
        y = xhat * self.gamma.reshape(shape) + self.beta.reshape(shape)
        return np.maximum(y, 0) if self.relu else y

    def backward(self, dy: np.ndarray, y_stored: np.ndarray, need_dx: bool):
        """The input error (or None) and the gradients of γ and β."""
        if self.relu:
            dy = dy * (y_stored > 0)
        axes = (0,) + tuple(range(2, dy.ndim))
        shape = self._shape(dy)
        xhat = self._xhat
        dgamma = (dy * xhat).sum(axis=axes)
        dbeta = dy.sum(axis=axes)
        dx = None
        if need_dx:
            count = dy.size // dy.shape[1]
            scale = (self.gamma * self._inv_std / np.float32(count)).reshape(shape)
            dx = scale * (np.float32(count) * dy - dbeta.reshape(shape)
                          - xhat * dgamma.reshape(shape))
        return dx, {"gamma": dgamma, "beta": dbeta}


class Add:
    """Residual add ``y = a + b``; its error goes unchanged (after the ReLU mask) to both inputs."""
    kind = "add"
    crossbar = None

    def __init__(self, name: str, relu: bool):
        self.name, self.relu = name, relu

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        y = a + b
        return np.maximum(y, 0) if self.relu else y

    def backward(self, dy: np.ndarray, y_stored: np.ndarray, need_dx: bool):
        if self.relu:
            dy = dy * (y_stored > 0)
        return (dy if need_dx else None), None
