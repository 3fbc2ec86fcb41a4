"""What a layer's training phases lower to: GEMMs on a systolic array, element-wise work on the
vector unit, and the weight matrix a crossbar stores.

Each layer kind (:mod:`accelsim.workload.kinds`) documents its own lowering in its module. The
CNN kinds, for reference — a conv with input N×C×H×W, K filters of C×R×S, stride s and output
N×K×P×Q:

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

The *update* of every weighted layer is element-wise over its weights, with the optimizer's
operations per weight and its state tensors (:data:`OPTIMIZERS`).
"""
from __future__ import annotations

from dataclasses import dataclass

@dataclass(frozen=True)
class Optimizer:
    """Vector operations per weight of one update, and the state tensors kept per weight."""
    ops_per_weight: int
    state_tensors: int


#: sgd: w −= lr·g; momentum: v = μv + g, w −= lr·v; adam: the m and v moments and the
#: bias-corrected step (6 operations per weight, an assumption); adamw: adam plus the decoupled
#: weight decay (7). With fp32 master weights (``formats.master_weight``) the update works on the
#: master copy (one more state tensor) and writes the compute-format weight: +1 operation.
OPTIMIZERS = {"sgd": Optimizer(1, 0), "sgd_momentum": Optimizer(2, 1), "adam": Optimizer(6, 2),
              "adamw": Optimizer(7, 2)}


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


@dataclass(frozen=True)
class WeightMatrix:
    """The stationary weights of one layer as ``copies`` matrices of ``rows`` (the reduction,
    the forward inputs) × ``cols`` (the outputs), read by ``vectors_per_sample`` input vectors;
    ``col2im_adds_per_sample``: the adds that scatter a conv's transposed products back."""
    layer: str
    rows: int
    cols: int
    copies: int
    vectors_per_sample: int
    col2im_adds_per_sample: int = 0

    @property
    def weights(self) -> int:
        return self.rows * self.cols * self.copies


def lower(layer, phase: str, workload) -> Work:
    """The work ``layer`` does in one training phase of ``workload``."""
    if phase == "update":
        cast = 1 if workload.formats.master_weight is not None else 0
        return VectorWork(layer.weight_elements(),
                          OPTIMIZERS[workload.optimizer].ops_per_weight + cast)
    return layer.lower(phase, workload.batch)


def optimizer_state_elements(layer, workload) -> int:
    return layer.weight_elements() * OPTIMIZERS[workload.optimizer].state_tensors
