"""``linear``: a fully connected layer, ``tokens`` rows per sample of ``in_features`` →
``out_features`` (a conv with H = W = P = Q = R = S = 1): forward (N·tokens, in, out),
backward_data (N·tokens, out, in), backward_weight (in, N·tokens, out), then the update.

``tied_to: <embedding>`` (an LM head sharing the embedding table, as GPT-2's does): the layer
has no weight tensor of its own; it reads the embedding's (vocab × dim, so ``in_features`` =
dim and ``out_features`` = vocab), its weight gradient accumulates into the embedding's, and it
has no update of its own."""
from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from accelsim.workload.kinds.base import LayerKind, layer_kind
from accelsim.workload.lowering import GemmShape, WeightMatrix
from accelsim.workload.sizes import Features, Tokens


@layer_kind
class Linear(LayerKind):
    """Fully connected layer: ``tokens`` rows per sample of ``in_features`` → ``out_features``."""
    kind: Literal["linear"] = "linear"
    has_weights: ClassVar[bool] = True
    in_features: Features
    out_features: Features
    tokens: Tokens = 1
    tied_to: str | None = Field(
        default=None, description="an embedding layer whose weights this layer shares")

    def input_elements(self) -> int:
        return self.tokens * self.in_features

    def output_elements(self) -> int:
        return self.tokens * self.out_features

    def weight_elements(self) -> int:
        return 0 if self.tied_to else self.in_features * self.out_features

    @property
    def weight_owner(self) -> str:
        return self.tied_to or self.name

    def spec(self):
        return self.model_dump(mode="json", exclude={"tied_to"} if self.tied_to is None else None)

    def phases(self, first):
        out = super().phases(first)
        return out[:-1] if self.tied_to else out

    def check(self, earlier: dict) -> None:
        if self.tied_to is None:
            return
        owner = earlier.get(self.tied_to)
        if getattr(owner, "kind", None) != "embedding":
            raise ValueError(f"layer {self.name!r} is tied_to {self.tied_to!r}, which is not an "
                             "earlier embedding layer")
        if (owner.dim, owner.vocab) != (self.in_features, self.out_features):
            raise ValueError(f"layer {self.name!r} ({self.in_features}->{self.out_features}) "
                             f"cannot share the {owner.vocab}x{owner.dim} table of "
                             f"{self.tied_to!r}: set in_features {owner.dim}, out_features "
                             f"{owner.vocab}")

    def lower(self, phase, batch):
        rows = batch * self.tokens
        i, o = self.in_features, self.out_features
        return {"forward": GemmShape(rows, i, o),
                "backward_data": GemmShape(rows, o, i),
                "backward_weight": GemmShape(i, rows, o)}[phase]

    def weight_matrix(self):
        return WeightMatrix(self.name, self.in_features, self.out_features, 1, self.tokens)
