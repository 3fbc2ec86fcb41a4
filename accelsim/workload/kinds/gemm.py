"""``gemm``: a GEMM (M×K)·(K×N) per sample, repeated ``count`` times.

With ``has_weights: true`` (default) the K×N operand is a trained weight, as in a SCALE-Sim GEMM
topology row: forward (N·M, K, N), backward_data (N·M, N, K), backward_weight (K, N·M, N), update.
With ``has_weights: false`` both operands are activations (operand B read from ``input_b``):
backward_data gives dA = dC·Bᵀ (M, N, K) and backward_weight gives dB = Aᵀ·dC (K, M, N), each
``count × batch`` times; there is no update.
"""
from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, model_validator, StrictBool

from accelsim.workload.kinds.base import LayerKind, PhaseIO, layer_kind
from accelsim.workload.lowering import GemmShape, WeightMatrix
from accelsim.workload.sizes import Count, Features

_TWO_ACTIVATIONS_IO = {
    "forward": PhaseIO((("in", "ifmap"), ("in_b", "filter")), (("out", "ofmap"),)),
    "backward_data": PhaseIO((("err", "ifmap"), ("in_b", "filter")), (("err_in", "ofmap"),)),
    "backward_weight": PhaseIO((("err", "filter"), ("in", "ifmap")), (("err_in_b", "ofmap"),)),
}


@layer_kind
class Gemm(LayerKind):
    """A GEMM (M×K)·(K×N) per sample, repeated ``count`` times (e.g. attention heads).

    With ``has_weights: true`` (default) the K×N operand is a trained weight, as in a SCALE-Sim GEMM
    topology row. With ``has_weights: false`` both operands are activations (attention's Q·Kᵀ and
    A·V): backward computes the gradients of both operands and there is no update.
    """
    kind: Literal["gemm"] = "gemm"
    m: Features
    k: Features
    n: Features
    count: Count = 1
    has_weights: StrictBool = True
    input_b: str | None = Field(
        default=None, description="weight-free GEMMs only: the layer whose output is operand B "
        "(default: the same layer as operand A)")
    weight_phase: ClassVar[bool] = True

    def input_elements(self) -> int:
        return self.count * self.m * self.k

    def output_elements(self) -> int:
        return self.count * self.m * self.n

    def weight_elements(self) -> int:
        return self.count * self.k * self.n if self.has_weights else 0

    def operand_b_elements(self) -> int | None:
        return None if self.has_weights else self.count * self.k * self.n

    @model_validator(mode="after")
    def _check_b(self):
        if self.has_weights and self.input_b is not None:
            raise ValueError("input_b is only for weight-free GEMMs (has_weights: false)")
        return self

    def lower(self, phase, batch):
        m, k, n = self.m, self.k, self.n
        if self.has_weights:
            return {"forward": GemmShape(batch * m, k, n, self.count),
                    "backward_data": GemmShape(batch * m, n, k, self.count),
                    "backward_weight": GemmShape(k, batch * m, n, self.count)}[phase]
        cnt = self.count * batch
        return {"forward": GemmShape(m, k, n, cnt),
                "backward_data": GemmShape(m, n, k, cnt),
                "backward_weight": GemmShape(k, m, n, cnt)}[phase]

    def io(self, phase):
        return super().io(phase) if self.has_weights else _TWO_ACTIVATIONS_IO[phase]

    def weight_matrix(self):
        return WeightMatrix(self.name, self.k, self.n, self.count, self.m) \
            if self.has_weights else None
