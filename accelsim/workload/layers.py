"""Workload models (pydantic v2), loaded from YAML layer lists: the workload, its number formats
and the union of every registered layer kind (:mod:`accelsim.workload.kinds`, one module per kind).

Shapes are per sample; the batch size N is a workload field.
"""
from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator

import accelsim.workload.kinds  # noqa: F401  (registers every layer kind)
from accelsim.core.errors import ConfigError
from accelsim.core.formats import NumberFormat
from accelsim.core.ranges import range_of
from accelsim.workload.kinds.add import Add
from accelsim.workload.kinds.base import LAYER_KINDS, LayerKind
from accelsim.workload.kinds.conv2d import Conv2d
from accelsim.workload.kinds.depthwise_conv2d import DepthwiseConv2d
from accelsim.workload.kinds.gemm import Gemm
from accelsim.workload.kinds.linear import Linear
from accelsim.workload.kinds.pool import Pool
from accelsim.workload.lowering import OPTIMIZERS
from accelsim.workload.sizes import Batch

__all__ = [
    "Batch",
    "INPUT",
    "Add",
    "Conv2d",
    "DepthwiseConv2d",
    "Formats",
    "Gemm",
    "Layer",
    "LayerKind",
    "Linear",
    "Pool",
    "Workload",
]

#: the name by which a layer's ``input:`` (or ``input_b:``) refers to the workload's input
INPUT = "input"

Layer = Annotated[Union[tuple(LAYER_KINDS.get(k) for k in LAYER_KINDS.names())],  # noqa: UP007
                  Field(discriminator="kind")]


class Formats(BaseModel):
    """Number format of each stored tensor kind and of the MAC datapath."""
    model_config = ConfigDict(extra="forbid", frozen=True)
    activation: NumberFormat = "bf16"
    weight: NumberFormat = "bf16"
    error: NumberFormat = "bf16"
    weight_gradient: NumberFormat = "bf16"
    optimizer_state: NumberFormat = "fp32"
    mac: NumberFormat = "bf16"
    master_weight: NumberFormat | None = Field(
        default=None, description="mixed precision: the format of the master weights the "
        "optimizer updates (e.g. fp32 under bf16 compute); default: none, the weights themselves")


class Workload(BaseModel):
    """A DNN as an ordered layer list plus batch size and number formats."""
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    batch: Batch = 1
    formats: Formats = Formats()
    optimizer: Literal[tuple(OPTIMIZERS)] = "sgd_momentum"
    batch_norm: StrictBool = Field(
        default=False,
        description="every conv2d and depthwise_conv2d is followed by batch normalisation "
                    "(element-wise, not listed as a layer; the functional accuracy model trains "
                    "it, the timing model does not count it)")
    independent_layers: StrictBool = Field(
        default=False,
        description="each layer reads its own input from DRAM and is not chained to the previous "
                    "one (SCALE-Sim topologies list independent layers)")
    layers: list[Layer] = Field(min_length=1)

    @model_validator(mode="after")
    def _check_names(self):
        seen: set[str] = {INPUT}
        earlier: dict[str, LayerKind] = {}
        for layer in self.layers:
            if layer.name == INPUT:
                raise ValueError(f"{INPUT!r} is reserved for the workload's input; rename the layer")
            if layer.name in seen:
                raise ValueError(f"layer name {layer.name!r} is used twice; names must be unique")
            for ref in (layer.input, getattr(layer, "input_b", None)):
                if ref is not None and ref not in seen:
                    raise ValueError(f"layer {layer.name!r} reads input {ref!r}, which is not an "
                                     f"earlier layer; name an earlier layer or {INPUT!r}")
            layer.check(earlier)
            earlier[layer.name] = layer
            seen.add(layer.name)
        return self

    def with_batch(self, batch: int, source: str | None = None,
                   field: str = "batch") -> Workload:
        """A copy with another batch size, checked like the ``batch`` field."""
        plausible = range_of(Batch)
        problem = (f"expected a whole number, got {batch!r}" if isinstance(batch, bool)
                   or not isinstance(batch, int) else plausible.problem(batch))
        if problem:
            raise ConfigError(problem, source=source, field=field,
                              fix=f"use a batch in {plausible.text()}")
        return self.model_copy(update={"batch": batch})
