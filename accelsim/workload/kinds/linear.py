"""``linear``: a fully connected layer, ``tokens`` rows per sample of ``in_features`` →
``out_features`` (a conv with H = W = P = Q = R = S = 1): forward (N·tokens, in, out),
backward_data (N·tokens, out, in), backward_weight (in, N·tokens, out), then the update."""
from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import PositiveInt

from accelsim.workload.kinds.base import LayerKind, layer_kind
from accelsim.workload.lowering import GemmShape, WeightMatrix


@layer_kind
class Linear(LayerKind):
    """Fully connected layer: ``tokens`` rows per sample of ``in_features`` → ``out_features``."""
    kind: Literal["linear"] = "linear"
    has_weights: ClassVar[bool] = True
    in_features: PositiveInt
    out_features: PositiveInt
    tokens: PositiveInt = 1

    def input_elements(self) -> int:
        return self.tokens * self.in_features

    def output_elements(self) -> int:
        return self.tokens * self.out_features

    def weight_elements(self) -> int:
        return self.in_features * self.out_features

    def lower(self, phase, batch):
        rows = batch * self.tokens
        i, o = self.in_features, self.out_features
        return {"forward": GemmShape(rows, i, o),
                "backward_data": GemmShape(rows, o, i),
                "backward_weight": GemmShape(i, rows, o)}[phase]

    def weight_matrix(self):
        return WeightMatrix(self.name, self.in_features, self.out_features, 1, self.tokens)
