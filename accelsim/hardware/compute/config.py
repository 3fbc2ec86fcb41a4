"""Config models of the compute units: systolic arrays and the vector unit."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from accelsim.core.ranges import Int

Dataflow = Literal["os", "ws", "is"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


#: rows or columns of a systolic array
ArrayDim = Int(1, 4096, "built arrays are 8 to 256 PEs a side (TPU v1: 256); x16 margin", "PEs")


class SystolicArray(_Strict):
    """An R×C systolic array of MAC PEs."""
    name: str = "array0"
    rows: ArrayDim
    cols: ArrayDim
    dataflow: Dataflow
    fold_overlap: StrictBool = Field(
        default=False,
        description="overlap each fold's fill and drain with its neighbours' (double-buffered PE "
                    "registers); the default, no overlap, matches SCALE-Sim")


class VectorUnit(_Strict):
    """SIMD lanes for element-wise work (optimizer update, pooling). One op per lane per cycle."""
    lanes: Int(1, 1 << 16, "a GPU SM partition has 32 lanes, an H100 16,896 FP32 lanes; x4 margin") = 128
