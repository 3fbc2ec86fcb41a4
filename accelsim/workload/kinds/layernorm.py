"""``layernorm``: per-token normalisation over ``features`` with a learned scale and shift
(2·features weights), on the vector unit.

Forward ``y = γ·(x − μ)·rstd + β`` saves μ and rstd (2 per token) for backward. backward_data
recomputes x̂ from the saved input and statistics and gives
``dx = rstd·(γ·dy − mean(γ·dy) − x̂·mean(γ·dy·x̂))``; backward_weight gives ``dγ = Σ dy·x̂`` and
``dβ = Σ dy`` over the tokens; the update is over the 2·features weights. Operations per element:
the table in docs/transformers.md.
"""
from __future__ import annotations

from typing import ClassVar, Literal

from accelsim.workload.kinds.base import ElementwiseKind, PhaseIO, Saved, layer_kind

NORM_IO = {
    "forward": PhaseIO((("in", "ifmap"), ("weight", "filter")),
                       (("out", "ofmap"), ("saved:stats", "ofmap"))),
    "backward_data": PhaseIO((("err", "ifmap"), ("in", "filter"), ("saved:stats", "filter"),
                              ("weight", "filter")), (("err_in", "ofmap"),)),
    "backward_weight": PhaseIO((("err", "filter"), ("in", "ifmap"), ("saved:stats", "filter")),
                               (("wgrad", "ofmap"),)),
}


@layer_kind
class LayerNorm(ElementwiseKind):
    """Layer normalisation with learned scale and shift."""
    kind: Literal["layernorm"] = "layernorm"
    has_weights: ClassVar[bool] = True
    OPS: ClassVar[dict[str, int]] = {"forward": 5, "backward_data": 8, "backward_weight": 4}
    WEIGHTS_PER_FEATURE: ClassVar[int] = 2
    STATS_PER_TOKEN: ClassVar[int] = 2  # μ and rstd

    def io(self, phase):
        return NORM_IO[phase]

    def saved(self):
        return {"stats": Saved(self.STATS_PER_TOKEN * self.tokens)}
