"""numpy layers for training: fully connected, im2col convolution and depthwise convolution (with
an optional fused ReLU), max/average pooling, softmax cross-entropy, and SGD with momentum.

Tensors are float32. Spatial tensors are NCHW. A weight layer keeps its weight as an
``(out_features, fan_in)`` matrix; convolution lowers its input to an im2col matrix
``(N·P·Q, C·R·S)`` so forward, backward and update are the same three matrix kernels as a fully
connected layer (``x·Wᵀ``, ``δ·W`` and ``δᵀ·x``). A layer mapped to a crossbar runs those three
kernels on its crossbar object instead (:mod:`accelsim.accuracy.crossbar_ops`). Batch
normalisation and the residual add are in :mod:`accelsim.accuracy.elementwise`.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


class WeightLayer:
    """A layer ``y = act(x·Wᵀ + b)`` on the layer's column matrix of its input."""
    kind = "weight"

    def __init__(self, name: str, weight: np.ndarray, relu: bool):
        self.name = name
        self.weight = weight.astype(np.float32)
        self.bias = np.zeros(weight.shape[0], dtype=np.float32)
        self.relu = relu
        self.crossbar = None  # set when the layer is mapped to a crossbar
        self._cols: np.ndarray | None = None
        self._batch = 0

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._batch = len(x)
        self._cols = self.to_cols(x)
        z = self.from_cols(self.product(self._cols) + self.bias, self._batch)
        return np.maximum(z, 0) if self.relu else z

    def product(self, cols: np.ndarray) -> np.ndarray:
        """Forward kernel ``x·Wᵀ`` on the column matrix (on the crossbar when mapped)."""
        if self.crossbar is not None:
            return self.crossbar.forward(cols)
        return cols @ self.weight.T

    def transpose_product(self, dy_cols: np.ndarray) -> np.ndarray:
        """Backward kernel ``δ·W`` (on the crossbar when mapped)."""
        if self.crossbar is not None:
            return self.crossbar.backward(dy_cols)
        return dy_cols @ self.weight

    def weight_gradient(self, cols: np.ndarray, dy_cols: np.ndarray) -> np.ndarray:
        """Update kernel ``δᵀ·x`` (digital layers; a crossbar updates in place)."""
        return dy_cols.T @ cols

    def backward(self, dy: np.ndarray, y_stored: np.ndarray, need_dx: bool):
        """Error at the input (or None) and the column matrices ``(cols, dy_cols)`` of the update.

        The ReLU mask comes from the stored output ``y_stored``, as hardware reads it back.
        """
        if self.relu:
            dy = dy * (y_stored > 0)
        dy_cols = self.dy_to_cols(dy)
        dx = None
        if need_dx:
            dx = self.cols_to_input(self.transpose_product(dy_cols))
        return dx, self._cols, dy_cols

    # layout hooks, overridden by Conv2D
    def to_cols(self, x):
        return x.reshape(len(x), -1)

    def from_cols(self, z, batch):
        return z

    def dy_to_cols(self, dy):
        return dy

    def cols_to_input(self, dx_cols):
        return dx_cols


class Dense(WeightLayer):
    """Fully connected layer (the workload's ``linear``); flattens a spatial input."""
    kind = "linear"


class Conv2D(WeightLayer):
    """2-D convolution lowered to a matrix product by im2col (the workload's ``conv2d``)."""
    kind = "conv2d"

    def __init__(self, name, weight, relu, in_shape, kernel, stride, padding):
        super().__init__(name, weight, relu)
        self.in_shape = in_shape  # (C, H, W)
        self.kernel, self.stride, self.padding = kernel, stride, padding
        c, h, w = in_shape
        self.out_h = (h + 2 * padding[0] - kernel[0]) // stride + 1
        self.out_w = (w + 2 * padding[1] - kernel[1]) // stride + 1

    def to_cols(self, x):
        return im2col(x, self.kernel, self.stride, self.padding, pad_value=0.0)

    def from_cols(self, z, batch):
        return z.reshape(batch, self.out_h, self.out_w, -1).transpose(0, 3, 1, 2)

    def dy_to_cols(self, dy):
        return dy.transpose(0, 2, 3, 1).reshape(-1, dy.shape[1])

    def cols_to_input(self, dx_cols):
        return col2im(dx_cols, (self._batch, *self.in_shape), self.kernel, self.stride,
                      self.padding)


class DepthwiseConv2D(Conv2D):
    """Depthwise convolution (the workload's ``depthwise_conv2d``): one R×S filter per channel.

    The weight is a ``(C, R·S)`` matrix and the column tensor ``(N·P·Q, C, R·S)`` is im2col's
    matrix with its channel axis kept apart, so each kernel is a per-channel product
    (``z[m,c] = Σ_k x[m,c,k]·W[c,k]``); it has no dense matrix form and is not mapped to a
    crossbar.
    """
    kind = "depthwise_conv2d"

    def to_cols(self, x):
        cols = super().to_cols(x)
        return cols.reshape(len(cols), self.in_shape[0], -1)

    def product(self, cols):
        return np.einsum("mck,ck->mc", cols, self.weight)

    def transpose_product(self, dy_cols):
        return (dy_cols[:, :, None] * self.weight[None]).reshape(len(dy_cols), -1)

    def weight_gradient(self, cols, dy_cols):
        return np.einsum("mc,mck->ck", dy_cols, cols)


class Pool:
    """Max or average pooling (average counts padded zeros)."""
    kind = "pool"
    crossbar = None

    def __init__(self, name, in_shape, kernel, stride, padding, mode):
        self.name, self.in_shape, self.mode = name, in_shape, mode
        self.kernel, self.stride, self.padding = kernel, stride, padding
        self._x: np.ndarray | None = None

    def forward(self, x):
        self._x = x
        n, c = x.shape[:2]
        pad = -np.inf if self.mode == "max" else 0.0
        cols = im2col(x.reshape(n * c, 1, *x.shape[2:]), self.kernel, self.stride, self.padding,
                      pad_value=pad)
        out = cols.max(axis=1) if self.mode == "max" else cols.mean(axis=1)
        oh, ow = _out_hw(x.shape[2:], self.kernel, self.stride, self.padding)
        self._cols = cols
        return out.reshape(n, c, oh, ow)

    def backward(self, dy, y_stored, need_dx):
        if not need_dx:
            return None, None, None
        n, c = self._x.shape[:2]
        window = self.kernel[0] * self.kernel[1]
        flat_dy = dy.reshape(-1, 1)
        if self.mode == "max":
            pick = np.zeros_like(self._cols)
            pick[np.arange(len(pick)), self._cols.argmax(axis=1)] = 1.0
            dcols = pick * flat_dy
        else:
            dcols = np.broadcast_to(flat_dy / window, self._cols.shape)
        dx = col2im(np.ascontiguousarray(dcols), (n * c, 1, *self._x.shape[2:]), self.kernel,
                    self.stride, self.padding)
        return dx.reshape(self._x.shape), None, None


def _out_hw(hw, kernel, stride, padding):
    return tuple((hw[i] + 2 * padding[i] - kernel[i]) // stride + 1 for i in range(2))


def im2col(x, kernel, stride, padding, pad_value):
    """``(N, C, H, W)`` → ``(N·P·Q, C·R·S)``; row order (n, p, q), column order (c, r, s)."""
    ph, pw = padding
    if ph or pw:
        x = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=pad_value)
    win = sliding_window_view(x, kernel, axis=(2, 3))[:, :, ::stride, ::stride]
    n, c, p, q, r, s = win.shape
    return win.transpose(0, 2, 3, 1, 4, 5).reshape(n * p * q, c * r * s)


def col2im(cols, shape, kernel, stride, padding):
    """Adjoint of :func:`im2col`: scatter-add column gradients back to ``shape`` (N, C, H, W)."""
    n, c, h, w = shape
    ph, pw = padding
    r, s = kernel
    p, q = _out_hw((h, w), kernel, stride, padding)
    blocks = cols.reshape(n, p, q, c, r, s)
    out = np.zeros((n, c, h + 2 * ph, w + 2 * pw), dtype=cols.dtype)
    for i in range(r):
        for j in range(s):
            out[:, :, i:i + stride * p:stride, j:j + stride * q:stride] += \
                blocks[:, :, :, :, i, j].transpose(0, 3, 1, 2)
    return out[:, :, ph:ph + h, pw:pw + w]


def softmax_cross_entropy(logits: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of the batch and its gradient with respect to the logits."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    total = exp.sum(axis=1, keepdims=True)
    rows = np.arange(len(labels))
    loss = float(np.mean(np.log(total[:, 0]) - shifted[rows, labels]))
    grad = exp / total
    grad[rows, labels] -= 1.0
    return loss, (grad / np.float32(len(labels))).astype(np.float32)


class SGDMomentum:
    """``v ← μ·v + g``; ``w ← w − lr·v``. The state ``v`` and the new ``w`` are written to memory
    (tensor kinds ``optimizer_state`` and ``weight``) and read back through ``write``."""

    def __init__(self, lr: float, momentum: float):
        self.lr, self.momentum = np.float32(lr), np.float32(momentum)
        self._velocity: dict[str, np.ndarray] = {}

    def step(self, key: str, param: np.ndarray, grad: np.ndarray, write) -> np.ndarray:
        """The updated ``param`` (as read back from memory); ``key`` names the parameter."""
        v = self._velocity.get(key)
        v = grad if v is None else self.momentum * v + grad
        self._velocity[key] = v = write("optimizer_state", v)
        return write("weight", param - self.lr * v)
