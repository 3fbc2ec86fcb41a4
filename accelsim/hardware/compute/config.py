"""Config models of the compute units: systolic arrays and the vector unit."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator

from accelsim.core.ranges import Int
from accelsim.hardware.compute.dataflows import DATAFLOWS


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


#: rows or columns of a systolic array
ArrayDim = Int(1, 4096, "built arrays are 8 to 256 PEs a side (TPU v1: 256); x16 margin", "PEs")


class SystolicArray(_Strict):
    """An R×C systolic array of MAC PEs."""
    name: str = "array0"
    rows: ArrayDim
    cols: ArrayDim
    dataflow: str = Field(description="a name in the dataflow registry: os, ws or is")
    fold_overlap: StrictBool = Field(
        default=False,
        description="overlap each fold's fill and drain with its neighbours' (double-buffered PE "
                    "registers); the default, no overlap, matches SCALE-Sim")
    depthwise: Literal["per_channel", "packed"] = Field(
        default="per_channel",
        description="how a depthwise conv (count independent GEMMs with N = 1) maps: per_channel, "
                    "one channel per fold (SCALE-Sim); packed, several channels block-diagonally "
                    "in one fold")

    @field_validator("dataflow")
    @classmethod
    def _known_dataflow(cls, value: str) -> str:
        if value not in DATAFLOWS:
            raise ValueError(f"unknown dataflow {value!r}; use one of: "
                             + ", ".join(DATAFLOWS.names()))
        return value


class VectorUnit(_Strict):
    """SIMD lanes for element-wise work (optimizer update, pooling). One op per lane per cycle."""
    lanes: Int(1, 1 << 16, "a GPU SM partition has 32 lanes, an H100 16,896 FP32 lanes; x4 margin") = 128
