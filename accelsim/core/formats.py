"""Number formats of stored tensors and MACs."""
from __future__ import annotations

from typing import Literal, get_args

NumberFormat = Literal["int8", "bf16", "fp16", "fp32"]

BYTES_PER_ELEMENT: dict[str, int] = {"int8": 1, "bf16": 2, "fp16": 2, "fp32": 4}

#: the format partial sums are accumulated, stored and read back in (docs/design.md §5)
AccumulatorFormat = Literal["fp32", "int32", "bf16", "fp16"]
ACCUMULATOR_BYTES: dict[str, int] = {"fp32": 4, "int32": 4, "bf16": 2, "fp16": 2}


def default_accumulator(mac: str) -> str:
    """The accumulator of a MAC datapath: int32 for int8 data, fp32 for floating-point data."""
    return "int32" if mac == "int8" else "fp32"

#: the kinds of stored tensor of a training step (each can have its own format and memory)
TensorKind = Literal["activation", "weight", "error", "weight_gradient", "optimizer_state"]
TENSOR_KINDS: tuple[str, ...] = get_args(TensorKind)
