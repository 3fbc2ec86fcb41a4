"""Config models of the compute units: systolic arrays and the vector unit."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveInt

Dataflow = Literal["os", "ws", "is"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SystolicArray(_Strict):
    """An R×C systolic array of MAC PEs."""
    name: str = "array0"
    rows: PositiveInt
    cols: PositiveInt
    dataflow: Dataflow
    fold_overlap: bool = Field(
        default=False,
        description="overlap each fold's fill and drain with its neighbours' (double-buffered PE "
                    "registers); the default, no overlap, matches SCALE-Sim")


class VectorUnit(_Strict):
    """SIMD lanes for element-wise work (optimizer update, pooling). One op per lane per cycle."""
    lanes: PositiveInt = 128
