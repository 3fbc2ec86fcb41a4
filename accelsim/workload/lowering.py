"""GEMM lowering of each layer and training phase (docs/design.md §3).

A conv layer with input N×C×H×W, K filters of C×R×S, stride s and output N×K×P×Q lowers to:

=================  =========  ==================  =====
phase              GEMM M     GEMM K (reduction)  GEMM N
=================  =========  ==================  =====
forward            N·P·Q      C·R·S               K
backward_data      N·H·W      K·R·S               C
backward_weight    C·R·S      N·P·Q               K
update             element-wise over the K·C·R·S weights (vector unit)
=================  =========  ==================  =====

*backward_data* is the transposed convolution ``dX = convT(dY, W)``. With stride s > 1 it is lowered
the way a systolic array executes it: dY is dilated with s − 1 zeros between pixels and padded by
R − 1 − p, and the array computes every one of the H·W input-gradient pixels with the full K·R·S
reduction, zeros included. Its MACs are therefore N·H·W·K·R·S·C, which equals the forward MACs for
stride 1 with 'same' padding and is s² times more for stride s (an implementation that skips the
inserted zeros would do the forward count; accelsim reports what the lowered GEMM executes).
Padding only changes P and Q (the usual ``floor((H + 2p − R)/s) + 1``).

A depthwise conv is C independent GEMMs (``count = C``) with one filter each: forward
(N·P·Q, R·S, 1), backward_data (N·H·W, R·S, 1), backward_weight (R·S, N·P·Q, 1).
A linear layer is a conv with H = W = P = Q = R = S = 1 and ``tokens`` rows per sample.
A weight-free GEMM (attention) computes the gradients of both activation operands:
backward_data gives dA = dC·Bᵀ (m, n, k) and backward_weight gives dB = Aᵀ·dC (k, m, n); it has
no update. Pooling and residual additions run on the vector unit (forward and backward_data
only).
"""
from __future__ import annotations

from dataclasses import dataclass

from accelsim.workload.layers import (
    OPTIMIZER_OPS_PER_WEIGHT,
    OPTIMIZER_STATE_TENSORS,
    Add,
    Conv2d,
    DepthwiseConv2d,
    Gemm,
    Linear,
    Pool,
    Workload,
)


@dataclass(frozen=True)
class GemmShape:
    """``count`` independent GEMMs of (M×K)·(K×N) on a systolic array."""
    m: int
    k: int
    n: int
    count: int = 1

    @property
    def macs(self) -> int:
        return self.m * self.k * self.n * self.count

    def to_dict(self) -> dict:
        return {"type": "gemm", "m": self.m, "k": self.k, "n": self.n, "count": self.count}


@dataclass(frozen=True)
class VectorWork:
    """Element-wise work on the vector unit: ``elements`` × ``ops_per_element`` operations."""
    elements: int
    ops_per_element: int

    @property
    def ops(self) -> int:
        return self.elements * self.ops_per_element

    macs = 0

    def to_dict(self) -> dict:
        return {"type": "vector", "elements": self.elements, "ops_per_element": self.ops_per_element}


Work = GemmShape | VectorWork


def work_from_dict(d: dict) -> Work:
    if d["type"] == "gemm":
        return GemmShape(int(d["m"]), int(d["k"]), int(d["n"]), int(d.get("count", 1)))
    return VectorWork(int(d["elements"]), int(d["ops_per_element"]))


def phases_of(layer, first: bool) -> tuple[str, ...]:
    """The training phases a layer has. The first layer has no backward_data (its input needs
    no gradient); weight-free layers have no update; pooling has no weight phases."""
    if isinstance(layer, (Pool, Add)):
        return ("forward",) if first else ("forward", "backward_data")
    out = ["forward"]
    if not first:
        out.append("backward_data")
    out.append("backward_weight")
    if layer.has_weights:
        out.append("update")
    return tuple(out)


def lower(layer, phase: str, workload: Workload) -> Work:
    """The work a layer does in one training phase."""
    n = workload.batch
    if phase == "update":
        return VectorWork(layer.weight_elements(), OPTIMIZER_OPS_PER_WEIGHT[workload.optimizer])
    if isinstance(layer, Conv2d):
        c, k = layer.in_channels, layer.out_channels
        rs = layer.kernel_h * layer.kernel_w
        pq, hw = layer.out_h * layer.out_w, layer.in_h * layer.in_w
        return {"forward": GemmShape(n * pq, c * rs, k),
                "backward_data": GemmShape(n * hw, k * rs, c),
                "backward_weight": GemmShape(c * rs, n * pq, k)}[phase]
    if isinstance(layer, DepthwiseConv2d):
        rs = layer.kernel_h * layer.kernel_w
        pq, hw = layer.out_h * layer.out_w, layer.in_h * layer.in_w
        c = layer.channels
        return {"forward": GemmShape(n * pq, rs, 1, c),
                "backward_data": GemmShape(n * hw, rs, 1, c),
                "backward_weight": GemmShape(rs, n * pq, 1, c)}[phase]
    if isinstance(layer, Linear):
        rows = n * layer.tokens
        i, o = layer.in_features, layer.out_features
        return {"forward": GemmShape(rows, i, o),
                "backward_data": GemmShape(rows, o, i),
                "backward_weight": GemmShape(i, rows, o)}[phase]
    if isinstance(layer, Gemm):
        m, k, nn = layer.m, layer.k, layer.n
        if layer.has_weights:
            return {"forward": GemmShape(n * m, k, nn, layer.count),
                    "backward_data": GemmShape(n * m, nn, k, layer.count),
                    "backward_weight": GemmShape(k, n * m, nn, layer.count)}[phase]
        cnt = layer.count * n
        return {"forward": GemmShape(m, k, nn, cnt),
                "backward_data": GemmShape(m, nn, k, cnt),
                "backward_weight": GemmShape(k, m, nn, cnt)}[phase]
    if isinstance(layer, Add):  # forward: one add per element; backward: a copy per element
        return VectorWork(n * layer.output_elements(), 1)
    if isinstance(layer, Pool):
        window = layer.kernel_h * layer.kernel_w
        if phase == "forward":
            return VectorWork(n * layer.output_elements(), window)
        return VectorWork(n * layer.input_elements(), window)
    raise TypeError(f"cannot lower {type(layer).__name__}")


def optimizer_state_elements(layer, workload: Workload) -> int:
    return layer.weight_elements() * OPTIMIZER_STATE_TENSORS[workload.optimizer]
