"""``silu``: ``y = x·σ(x)``, on the vector unit; backward_data recomputes σ from the saved input,
``dx = dy·σ(1 + x(1 − σ))`` (no weights). Operations per element: docs/transformers.md."""
from __future__ import annotations

from typing import ClassVar, Literal

from accelsim.workload.kinds.base import ElementwiseKind, layer_kind
from accelsim.workload.kinds.gelu import ACTIVATION_IO


@layer_kind
class Silu(ElementwiseKind):
    """SiLU (swish)."""
    kind: Literal["silu"] = "silu"
    has_weights: ClassVar[bool] = False
    OPS: ClassVar[dict[str, int]] = {"forward": 5, "backward_data": 8}

    def io(self, phase):
        return ACTIVATION_IO[phase]
