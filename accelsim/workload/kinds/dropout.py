"""``dropout``: zeroes each element with probability ``p`` and scales the rest by 1/(1 − p), on
the vector unit. The forward pass draws the mask and saves it (1 byte per element) for
backward_data, ``dx = dy·mask/(1 − p)`` (no weights). Operations per element:
docs/transformers.md."""
from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from accelsim.workload.kinds.base import ElementwiseKind, PhaseIO, Saved, layer_kind
from accelsim.workload.sizes import Probability

_IO = {"forward": PhaseIO((("in", "ifmap"),), (("out", "ofmap"), ("saved:mask", "ofmap"))),
       "backward_data": PhaseIO((("err", "ifmap"), ("saved:mask", "filter")),
                                (("err_in", "ofmap"),))}


@layer_kind
class Dropout(ElementwiseKind):
    """Dropout with a saved 1-byte mask."""
    kind: Literal["dropout"] = "dropout"
    has_weights: ClassVar[bool] = False
    OPS: ClassVar[dict[str, int]] = {"forward": 3, "backward_data": 2}
    p: Probability = Field(default=0.1, lt=1.0, description="probability of zeroing")

    def io(self, phase):
        return _IO[phase]

    def saved(self):
        return {"mask": Saved(self.tokens * self.features, format="int8")}
