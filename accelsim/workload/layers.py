"""Layer and workload models (pydantic v2), loaded from YAML layer lists.

Shapes are per sample; the batch size N is a workload field. Spatial output sizes use the usual
rule ``P = floor((H + 2·padding − R) / stride) + 1``. Layers read from a SCALE-Sim topology CSV
use SCALE-Sim's rule instead, ``P = ceil((H − R + stride) / stride)`` (``output_rule: scalesim``),
which counts a partial last window when the stride does not divide ``H − R``.
"""
from __future__ import annotations

import math
from typing import Annotated, ClassVar, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator

from accelsim.core.errors import ConfigError
from accelsim.core.formats import NumberFormat
from accelsim.core.ranges import Int, range_of

OutputRule = Literal["standard", "scalesim"]

#: sides of an image or feature map and channel counts: ImageNet images are 224 px, gigapixel
#: pathology slides 10^5 px a side, the widest CNNs have 10^4 channels
Extent = Int(1, 1 << 20, "image sides and channels: 224 px (ImageNet) to 10^5 px (gigapixel "
             "slides), up to 10^4 channels; 2^20")
#: features, GEMM dimensions: LLM hidden sizes are 10^3-10^5, vocabularies 10^5-10^6
Features = Int(1, 1 << 24, "LLM hidden sizes 10^3-10^5, vocabularies up to 10^6; 2^24")
#: tokens per sample: context windows reach 10^6 tokens
Tokens = Int(1, 1 << 22, "context windows reach 10^6 tokens; 2^22")
#: samples in a training batch
Batch = Int(1, 1 << 24, "global batches reach 10^5 samples (LARS/LAMB); 2^24")

#: the name by which a layer's ``input:`` (or ``input_b:``) refers to the workload's input
INPUT = "input"


class _LayerBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    input: str | None = Field(
        default=None,
        description="name of the layer whose output this layer reads, or 'input' for the "
                    "workload's input; default: the previous layer")

    def operand_b_elements(self) -> int | None:
        """Elements per sample of a second activation operand (read from ``input_b``), if any."""
        return None

    def output_elements(self) -> int:
        """Elements of this layer's output activation, per sample."""
        raise NotImplementedError

    def input_elements(self) -> int:
        raise NotImplementedError

    def weight_elements(self) -> int:
        return 0


def _out_size(size: int, kernel: int, stride: int, padding: int, rule: OutputRule) -> int:
    if rule == "scalesim":
        return math.ceil((size - kernel + stride) / stride)
    return (size + 2 * padding - kernel) // stride + 1


class _Spatial(_LayerBase):
    in_h: Extent
    in_w: Extent
    kernel_h: Extent
    kernel_w: Extent
    stride: Int(1, 1 << 10, "strides are 1-4 (patch embeddings: 16-32); 1024") = 1
    padding: Int(0, 1 << 10, "padding is at most about half the kernel; 1024") = 0
    output_rule: OutputRule = "standard"

    @model_validator(mode="before")
    @classmethod
    def _square_kernel(cls, data):
        if isinstance(data, dict) and "kernel" in data:
            data = dict(data)
            k = data.pop("kernel")
            data.setdefault("kernel_h", k)
            data.setdefault("kernel_w", k)
        return data

    @model_validator(mode="after")
    def _check_geometry(self):
        ph, pw = self.in_h + 2 * self.padding, self.in_w + 2 * self.padding
        if self.kernel_h > ph or self.kernel_w > pw:
            raise ValueError(
                f"filter {self.kernel_h}x{self.kernel_w} is larger than the padded input {ph}x{pw}; "
                "use a smaller kernel, more padding or a larger input")
        if self.output_rule == "scalesim" and self.padding:
            raise ValueError("output_rule 'scalesim' has no padding: fold it into in_h/in_w")
        return self

    @property
    def out_h(self) -> int:
        return _out_size(self.in_h, self.kernel_h, self.stride, self.padding, self.output_rule)

    @property
    def out_w(self) -> int:
        return _out_size(self.in_w, self.kernel_w, self.stride, self.padding, self.output_rule)


class Conv2d(_Spatial):
    """2-D convolution, C input channels, K filters of C×R×S."""
    kind: Literal["conv2d"] = "conv2d"
    has_weights: ClassVar[bool] = True  # (a field only on gemm)
    in_channels: Extent
    out_channels: Extent

    def input_elements(self) -> int:
        return self.in_channels * self.in_h * self.in_w

    def output_elements(self) -> int:
        return self.out_channels * self.out_h * self.out_w

    def weight_elements(self) -> int:
        return self.out_channels * self.in_channels * self.kernel_h * self.kernel_w


class DepthwiseConv2d(_Spatial):
    """Depthwise convolution: one R×S filter per channel (channel multiplier 1)."""
    kind: Literal["depthwise_conv2d"] = "depthwise_conv2d"
    has_weights: ClassVar[bool] = True  # (a field only on gemm)
    channels: Extent

    def input_elements(self) -> int:
        return self.channels * self.in_h * self.in_w

    def output_elements(self) -> int:
        return self.channels * self.out_h * self.out_w

    def weight_elements(self) -> int:
        return self.channels * self.kernel_h * self.kernel_w


class Pool(_Spatial):
    """Max or average pooling, run on the vector unit (no weights)."""
    kind: Literal["pool"] = "pool"
    channels: Extent
    mode: Literal["max", "avg"] = "max"
    has_weights: ClassVar[bool] = False

    def input_elements(self) -> int:
        return self.channels * self.in_h * self.in_w

    def output_elements(self) -> int:
        return self.channels * self.out_h * self.out_w


class Linear(_LayerBase):
    """Fully connected layer: ``tokens`` rows per sample of ``in_features`` → ``out_features``."""
    kind: Literal["linear"] = "linear"
    has_weights: ClassVar[bool] = True
    in_features: Features
    out_features: Features
    tokens: Tokens = 1

    def input_elements(self) -> int:
        return self.tokens * self.in_features

    def output_elements(self) -> int:
        return self.tokens * self.out_features

    def weight_elements(self) -> int:
        return self.in_features * self.out_features


class Gemm(_LayerBase):
    """A GEMM (M×K)·(K×N) per sample, repeated ``count`` times (e.g. attention heads).

    With ``has_weights: true`` (default) the K×N operand is a trained weight, as in a SCALE-Sim GEMM
    topology row. With ``has_weights: false`` both operands are activations (attention's Q·Kᵀ and
    A·V): backward computes the gradients of both operands and there is no update.
    """
    kind: Literal["gemm"] = "gemm"
    m: Features
    k: Features
    n: Features
    count: Int(1, 1 << 16, "attention heads (and batched GEMMs) number 1-128; 2^16") = 1
    has_weights: StrictBool = True
    input_b: str | None = Field(
        default=None, description="weight-free GEMMs only: the layer whose output is operand B "
        "(default: the same layer as operand A)")

    def input_elements(self) -> int:
        return self.count * self.m * self.k

    def output_elements(self) -> int:
        return self.count * self.m * self.n

    def weight_elements(self) -> int:
        return self.count * self.k * self.n if self.has_weights else 0

    def operand_b_elements(self) -> int | None:
        return None if self.has_weights else self.count * self.k * self.n

    @model_validator(mode="after")
    def _check_b(self):
        if self.has_weights and self.input_b is not None:
            raise ValueError("input_b is only for weight-free GEMMs (has_weights: false)")
        return self


class Add(_LayerBase):
    """Element-wise sum of two activations (a residual connection), on the vector unit.

    Its backward_data hands the incoming error to both inputs (a copy of the error tensor).
    """
    kind: Literal["add"] = "add"
    channels: Extent
    in_h: Extent = 1
    in_w: Extent = 1
    input_b: str = Field(description="the layer whose output is the second summand")
    has_weights: ClassVar[bool] = False

    def input_elements(self) -> int:
        return self.channels * self.in_h * self.in_w

    output_elements = input_elements

    def operand_b_elements(self) -> int | None:
        return self.input_elements()


Layer = Annotated[Union[Conv2d, DepthwiseConv2d, Pool, Linear, Gemm, Add],
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


OPTIMIZER_STATE_TENSORS = {"sgd": 0, "sgd_momentum": 1, "adam": 2}
OPTIMIZER_OPS_PER_WEIGHT = {"sgd": 1, "sgd_momentum": 2, "adam": 6}


class Workload(BaseModel):
    """A DNN as an ordered layer list plus batch size and number formats."""
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    batch: Batch = 1
    formats: Formats = Formats()
    optimizer: Literal["sgd", "sgd_momentum", "adam"] = "sgd_momentum"
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
        for layer in self.layers:
            if layer.name == INPUT:
                raise ValueError(f"{INPUT!r} is reserved for the workload's input; rename the layer")
            if layer.name in seen:
                raise ValueError(f"layer name {layer.name!r} is used twice; names must be unique")
            for ref in (layer.input, getattr(layer, "input_b", None)):
                if ref is not None and ref not in seen:
                    raise ValueError(f"layer {layer.name!r} reads input {ref!r}, which is not an "
                                     f"earlier layer; name an earlier layer or {INPUT!r}")
            seen.add(layer.name)
        return self

    def with_batch(self, batch: int, source: str | None = None,
                   field: str = "batch") -> "Workload":
        """A copy with another batch size, checked like the ``batch`` field."""
        plausible = range_of(Batch)
        problem = (f"expected a whole number, got {batch!r}" if isinstance(batch, bool)
                   or not isinstance(batch, int) else plausible.problem(batch))
        if problem:
            raise ConfigError(problem, source=source, field=field,
                              fix=f"use a batch in {plausible.text()}")
        return self.model_copy(update={"batch": batch})
