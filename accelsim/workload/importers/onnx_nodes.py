"""How the ONNX importer classifies a node besides the operator table (:mod:`.onnx_ops`):
epilogues fused into the layer before them, shape-only operators absorbed, inputs that carry only
a type, and the exception that marks a node (or a variant of its operator) unsupported."""
from __future__ import annotations

#: element-wise work applied as the producing layer writes its output (one activation input)
EPILOGUE = frozenset({"BatchNormalization", "Relu", "Clip", "LeakyRelu", "Sigmoid",
                      "Add", "Sub", "Mul", "Div", "Where"})
#: operators that only view, move or re-type elements
SHAPE_ONLY = frozenset({"Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze", "Identity",
                        "Cast", "CastLike", "Expand", "Slice", "Split", "SplitToSequence",
                        "SequenceAt"})
#: inputs that give only a type, not a value (by position): they never make a node an activation
TYPE_ONLY = {"CastLike": (1,)}


class Unsupported(Exception):
    """This node (or this variant of its operator) has no accelsim layer."""

    def __init__(self, reason: str | None):
        self.reason = reason
        super().__init__(reason or "unsupported")
