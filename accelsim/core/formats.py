"""Number formats of stored tensors and MACs."""
from __future__ import annotations

from typing import Literal

NumberFormat = Literal["int8", "bf16", "fp16", "fp32"]

BYTES_PER_ELEMENT: dict[str, int] = {"int8": 1, "bf16": 2, "fp16": 2, "fp32": 4}

TENSOR_KINDS = ("activation", "weight", "error", "weight_gradient", "optimizer_state")
TensorKind = Literal["activation", "weight", "error", "weight_gradient", "optimizer_state"]
