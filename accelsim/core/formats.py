"""Number formats of stored tensors and MACs."""
from __future__ import annotations

from typing import Literal, get_args

NumberFormat = Literal["int8", "bf16", "fp16", "fp32"]

BYTES_PER_ELEMENT: dict[str, int] = {"int8": 1, "bf16": 2, "fp16": 2, "fp32": 4}

#: the kinds of stored tensor of a training step (each can have its own format and memory)
TensorKind = Literal["activation", "weight", "error", "weight_gradient", "optimizer_state"]
TENSOR_KINDS: tuple[str, ...] = get_args(TensorKind)
