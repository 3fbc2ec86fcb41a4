"""Config models of the compute units: systolic arrays and the vector unit."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, field_validator

from accelsim.hardware.compute.dataflows import DATAFLOWS


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SystolicArray(_Strict):
    """An R×C systolic array of MAC PEs."""
    name: str = "array0"
    rows: PositiveInt
    cols: PositiveInt
    dataflow: str = Field(description="a name in the dataflow registry: os, ws or is")
    fold_overlap: bool = Field(
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
    lanes: PositiveInt = 128
