"""``softmax``: softmax over the last axis (``features``) of each token, on the vector unit.

Forward ``y = exp(x − max x) / Σ exp(x − max x)``; its output is saved for backward, which gives
``dx = y·(dy − Σ dy·y)`` (no weights). Operations per element: docs/transformers.md.
"""
from __future__ import annotations

from typing import ClassVar, Literal

from accelsim.workload.kinds.base import ElementwiseKind, PhaseIO, layer_kind

SOFTMAX_IO = {"forward": PhaseIO((("in", "ifmap"),), (("out", "ofmap"),)),
              "backward_data": PhaseIO((("err", "ifmap"), ("out", "filter")),
                                       (("err_in", "ofmap"),))}


@layer_kind
class Softmax(ElementwiseKind):
    """Softmax over the last axis."""
    kind: Literal["softmax"] = "softmax"
    has_weights: ClassVar[bool] = False
    OPS: ClassVar[dict[str, int]] = {"forward": 5, "backward_data": 3}

    def io(self, phase):
        return SOFTMAX_IO[phase]
