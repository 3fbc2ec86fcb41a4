"""The layer-kind contract: what every layer kind tells the rest of accelsim.

A layer kind is a pydantic model (its YAML fields and their validation) that also carries its
behaviour, so nothing else switches on the kind:

* sizes per sample: :meth:`LayerKind.input_elements`, ``output_elements``, ``weight_elements``
  and ``operand_b_elements`` (a second activation operand, read from ``input_b``);
* :meth:`LayerKind.phases` — the training phases it has;
* :meth:`LayerKind.lower` — the work of each phase (a GEMM, or element-wise vector work);
* :meth:`LayerKind.io` — what each phase reads and writes (its tensor edges), as
  :class:`PhaseIO` of symbolic tensor names (below), which the graph builder resolves;
* :meth:`LayerKind.saved` — tensors the forward pass saves for backward besides its output;
* :meth:`LayerKind.weight_matrix` — its stationary weights as a crossbar stores them;
* :meth:`LayerKind.parts` — a kind that is several operations (attention: the score GEMMs, the
  softmax, the context GEMMs) expands into internal part layers, the last of which carries the
  layer's own name (so other layers read it as usual); :meth:`LayerKind.input_views` — the named
  slices of its input that the parts read (attention: Q, K and V of the fused projection);
* ``weight_owner`` — the layer whose weights it uses (weight tying: ``linear`` ``tied_to``).

Tensor names in :class:`PhaseIO`: ``in`` / ``in_b`` (the activations read as operand A / B),
``out`` (this layer's output activation), ``err`` (the error of ``out``), ``err_in`` /
``err_in_b`` (the errors of the inputs), ``weight``, ``wgrad`` (its gradient),
``saved:<tag>`` (a tensor the forward pass saves for backward, sized by :meth:`saved`),
``in#<view>`` / ``in_b#<view>`` / ``err_in#<view>`` / ``err_in_b#<view>`` (a named slice of an
input, see :meth:`input_views`), ``act@<layer>`` (the output of a sibling part, read from the
operation that produces it) and ``err@<layer>`` (the error of a sibling part's output).
The optimizer update of a weighted layer is the same for every kind (the graph builds it).

Shapes are per sample; the workload's ``batch`` multiplies them.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from accelsim.core.registry import Registry
from accelsim.workload.lowering import VectorWork, WeightMatrix, Work
from accelsim.workload.sizes import Extent, Features, Padding, Stride, Tokens

OutputRule = Literal["standard", "scalesim"]

#: kind name -> layer class
LAYER_KINDS: Registry[type] = Registry("layer kind")


def layer_kind(cls: type) -> type:
    """Register a layer class under the default of its ``kind`` field."""
    LAYER_KINDS.add(cls.model_fields["kind"].default, cls)
    return cls


@dataclass(frozen=True)
class PhaseIO:
    """Tensor edges of one phase: ``(tensor name, operand role)`` read and written."""
    reads: tuple[tuple[str, str], ...]
    writes: tuple[tuple[str, str], ...]


#: a weighted layer computing out = f(in, weight) as one GEMM per phase
WEIGHTED_IO = {
    "forward": PhaseIO((("in", "ifmap"), ("weight", "filter")), (("out", "ofmap"),)),
    "backward_data": PhaseIO((("err", "ifmap"), ("weight", "filter")), (("err_in", "ofmap"),)),
    "backward_weight": PhaseIO((("err", "filter"), ("in", "ifmap")), (("wgrad", "ofmap"),)),
}


@dataclass(frozen=True)
class Saved:
    """A tensor saved by the forward pass for backward: elements per sample, its tensor kind,
    and a number format overriding the kind's (e.g. a 1-byte dropout mask)."""
    elements: int
    kind: str = "activation"
    format: str | None = None


class LayerKind(BaseModel):
    """Base of every layer kind (see the module docstring for the contract)."""
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    input: str | None = Field(
        default=None,
        description="name of the layer whose output this layer reads, or 'input' for the "
                    "workload's input; default: the previous layer")
    # every kind declares ``has_weights`` (a class variable, or a field as on ``gemm``)
    #: whether the kind has a backward_weight phase (weights, or a second activation operand)
    weight_phase: ClassVar[bool] = False

    def input_elements(self) -> int:
        raise NotImplementedError

    def output_elements(self) -> int:
        raise NotImplementedError

    def weight_elements(self) -> int:
        return 0

    def operand_b_elements(self) -> int | None:
        """Elements per sample of a second activation operand (read from ``input_b``), if any."""
        return None

    def phases(self, first: bool) -> tuple[str, ...]:
        """The training phases. ``first``: the layer reads the workload's input, whose gradient
        nobody needs, so it has no backward_data."""
        out = ["forward"] + ([] if first else ["backward_data"])
        out += ["backward_weight"] if self.weight_phase or self.has_weights else []
        out += ["update"] if self.has_weights else []
        return tuple(out)

    def lower(self, phase: str, batch: int) -> Work:
        """The work of ``phase`` (not ``update``) at ``batch`` samples."""
        raise NotImplementedError

    def io(self, phase: str) -> PhaseIO:
        """The tensors ``phase`` (not ``update``) reads and writes."""
        return WEIGHTED_IO[phase]

    def saved(self) -> dict[str, Saved]:
        """Tensors the forward pass saves for backward besides its output, by tag."""
        return {}

    def weight_matrix(self) -> WeightMatrix | None:
        """The stationary weights as a crossbar stores them, or None."""
        return None

    def check(self, earlier: dict[str, LayerKind]) -> None:
        """Checks against the earlier layers (by name); raise ValueError with the fix."""

    def spec(self) -> dict | None:
        """The layer's YAML fields (recorded on its graph nodes)."""
        return self.model_dump(mode="json")

    @property
    def weight_owner(self) -> str:
        """The layer whose weight tensor this layer reads and whose gradient it accumulates."""
        return self.name

    def parts(self, src: str, src_b: str | None) -> list[LayerKind]:
        """The operations of this layer, given the resolved producers of its operands."""
        return [self]

    def input_views(self) -> dict[str, int] | None:
        """Named slices of the input (elements per sample) that the parts read separately."""
        return None


class ElementwiseKind(LayerKind):
    """An element-wise (or per-token reduction) layer over ``tokens × features`` per sample, on
    the vector unit. ``OPS`` gives the vector operations per element of each phase; every value
    is in the one table of docs/transformers.md, marked as an assumption or cited."""
    features: Features
    tokens: Tokens = 1
    OPS: ClassVar[dict[str, int]] = {}
    #: learned weights per feature (layernorm: scale and shift)
    WEIGHTS_PER_FEATURE: ClassVar[int] = 0

    def input_elements(self) -> int:
        return self.tokens * self.features

    def output_elements(self) -> int:
        return self.tokens * self.features

    def weight_elements(self) -> int:
        return self.WEIGHTS_PER_FEATURE * self.features

    def lower(self, phase, batch):
        return VectorWork(batch * self.tokens * self.features, self.OPS[phase])


def _out_size(size: int, kernel: int, stride: int, padding: int, rule: OutputRule) -> int:
    if rule == "scalesim":
        return math.ceil((size - kernel + stride) / stride)
    return (size + 2 * padding - kernel) // stride + 1


def _col2im_axis(size: int, kernel: int, stride: int, padding: int, out: int) -> tuple[int, int]:
    """Along one spatial axis: (contributions of the backward scatter that land inside the
    input, distinct input positions they cover)."""
    pos = np.arange(out)[:, None] * stride - padding + np.arange(kernel)[None, :]
    inside = pos[(pos >= 0) & (pos < size)]
    return int(inside.size), int(np.unique(inside).size)


class SpatialKind(LayerKind):
    """A sliding-window layer over ``input_channels`` × in_h × in_w. Output sizes use
    ``P = floor((H + 2·padding − R) / stride) + 1``, or SCALE-Sim's ``ceil((H − R + s)/s)``
    with ``output_rule: scalesim`` (which counts a partial last window)."""
    in_h: Extent
    in_w: Extent
    kernel_h: Extent
    kernel_w: Extent
    stride: Stride = 1
    padding: Padding = 0
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
    def input_channels(self) -> int:
        raise NotImplementedError

    #: the YAML field that holds ``input_channels``
    channels_field: ClassVar[str] = "channels"

    @property
    def out_h(self) -> int:
        return _out_size(self.in_h, self.kernel_h, self.stride, self.padding, self.output_rule)

    @property
    def out_w(self) -> int:
        return _out_size(self.in_w, self.kernel_w, self.stride, self.padding, self.output_rule)

    def input_elements(self) -> int:
        return self.input_channels * self.in_h * self.in_w

    def col2im_adds(self) -> int:
        """Adds per sample that scatter the transposed products (one patch per output pixel)
        back onto the input gradient: every contribution that lands inside the input except
        the first one at each input position."""
        ch, cov_h = _col2im_axis(self.in_h, self.kernel_h, self.stride, self.padding, self.out_h)
        cw, cov_w = _col2im_axis(self.in_w, self.kernel_w, self.stride, self.padding, self.out_w)
        return self.input_channels * (ch * cw - cov_h * cov_w)
