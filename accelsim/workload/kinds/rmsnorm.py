"""``rmsnorm``: per-token RMS normalisation over ``features`` with a learned scale (features
weights), on the vector unit (Llama).

Forward ``y = γ·x·rstd`` with ``rstd = 1/√(mean(x²) + ε)`` saves rstd (1 per token).
backward_data recomputes x̂ = x·rstd and gives ``dx = rstd·(γ·dy − x̂·mean(γ·dy·x̂))``;
backward_weight gives ``dγ = Σ dy·x̂``; the update is over the features weights. Operations per
element: the table in docs/transformers.md. Tensor edges as ``layernorm``'s.
"""
from __future__ import annotations

from typing import ClassVar, Literal

from accelsim.workload.kinds.base import ElementwiseKind, Saved, layer_kind
from accelsim.workload.kinds.layernorm import NORM_IO


@layer_kind
class RmsNorm(ElementwiseKind):
    """RMS normalisation with a learned scale."""
    kind: Literal["rmsnorm"] = "rmsnorm"
    has_weights: ClassVar[bool] = True
    OPS: ClassVar[dict[str, int]] = {"forward": 3, "backward_data": 5, "backward_weight": 2}
    WEIGHTS_PER_FEATURE: ClassVar[int] = 1

    def io(self, phase):
        return NORM_IO[phase]

    def saved(self):
        return {"stats": Saved(self.tokens)}
