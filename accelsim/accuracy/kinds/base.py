"""The translator contract: how a workload layer kind becomes a trainable layer.

A translator is registered with :func:`trainable` under the YAML ``kind`` of the workload layer
it translates (:data:`TRAINABLE_KINDS`); a kind without one is not trained (the workload is
refused with the list of the trainable kinds). It tells the network builder
(:mod:`accelsim.accuracy.workload_network`):

* how the kind scales to the data set: the channel widths it contributes to the divisor
  (:meth:`LayerTranslator.widths`), the input shape it reads when it is the first layer
  (:meth:`~LayerTranslator.input_shape`, and ``flat_input``: reads the sample flattened), and its
  adapted :class:`LayerPlan` (:meth:`~LayerTranslator.plan`, which notes every change);
* what it reads (:meth:`~LayerTranslator.reads`) and the ReLU placement rule: ``sums_inputs``
  (its inputs are summands, which take no ReLU of their own; its ReLU follows the sum) and
  :meth:`~LayerTranslator.linear_bottleneck` (its output takes no ReLU);
* ``weighted`` (it carries weights: the last weighted layer takes no ReLU), ``crossbar`` (its
  kernel is a dense matrix product a crossbar can hold) and ``gives_scores`` (it may be the last
  layer, giving the class scores);
* its trainable layer: :meth:`~LayerTranslator.build` of each plan it made (a plan records the
  translator that builds it, so building never looks a kind up).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import ClassVar

import numpy as np

from accelsim.core.errors import ConfigError
from accelsim.core.registry import Registry

MAX_CHANNELS = 64
MIN_CHANNELS = 8


@dataclass(frozen=True)
class Scaling:
    """How the workload was scaled to the data set (recorded in accuracy.json)."""
    channel_divisor: int
    workload_input: tuple
    trained_input: tuple

    def channels(self, c: int) -> int:
        return max(min(c, MIN_CHANNELS), -(-c // self.channel_divisor))

    def as_dict(self) -> dict:
        return {"channel_divisor": self.channel_divisor, "max_channels": MAX_CHANNELS,
                "min_channels": MIN_CHANNELS, "workload_input": list(self.workload_input),
                "trained_input": list(self.trained_input)}


@dataclass(frozen=True)
class LayerPlan:
    """One layer of the adapted network; shapes are per sample (C, H, W) or (features,).

    ``inputs`` names the plans it reads (``"input"``: the network input); ``builder`` is the
    translator that builds its trainable layer."""
    kind: str
    name: str
    in_shape: tuple
    out_shape: tuple
    kernel: tuple = (1, 1)
    stride: int = 1
    padding: tuple = (0, 0)
    mode: str = "max"
    relu: bool = False
    inputs: tuple = ()
    builder: object = field(default=None, compare=False, repr=False)

    def build(self, rng: np.random.Generator):
        """The trainable layer of this plan (weights, if any, drawn from ``rng``)."""
        return self.builder.build(self, rng)


@dataclass
class LayerContext:
    """What a translator sees of one workload layer while the network is planned."""
    layer: object
    shape: tuple            # the adapted per-sample shape of its (first) input
    outputs: dict           # workload layer name -> (plan name, adapted shape)
    first: bool             # the first layer (reads the data set's sample)
    last: bool              # the last layer (gives the class scores)
    last_weighted: bool     # the last layer that carries weights
    relu: bool              # the ReLU placement rule gives this layer a ReLU
    batch_norm: bool        # the workload asks for batch normalisation
    scaling: Scaling
    notes: list
    source: str             # the workload file, for errors
    where: str              # ``layers[i](name)``, for errors

    def error(self, message: str, fix: str, field_name: str | None = None) -> ConfigError:
        where = self.where if field_name is None else f"{self.where}.{field_name}"
        return ConfigError(message, source=self.source, field=where, fix=fix)


class LayerTranslator:
    """The default of every hook; a trainable kind overrides what it needs."""
    kind: ClassVar[str]
    weighted: ClassVar[bool] = False
    crossbar: ClassVar[bool] = False
    gives_scores: ClassVar[bool] = False
    sums_inputs: ClassVar[bool] = False
    flat_input: ClassVar[bool] = False

    def widths(self, layer) -> list[int]:
        """Channel widths of ``layer`` that the channel divisor must bring down."""
        return []

    def input_shape(self, layer) -> tuple:
        """The per-sample shape ``layer`` reads as written (when it is the first layer)."""
        raise NotImplementedError

    def reads(self, layer, source: str) -> tuple:
        """The workload layers ``layer`` reads; ``source`` is its resolved ``input``."""
        return (source,)

    def linear_bottleneck(self, source_kind: str, source_is_bottleneck: bool) -> bool:
        """Whether ``layer`` (reading a layer of ``source_kind``) keeps its output linear."""
        return False

    def plan(self, ctx: LayerContext) -> list[LayerPlan]:
        """The adapted plans of ``ctx.layer`` (the first reads its inputs, each next one the
        plan before); every change to the workload is appended to ``ctx.notes``."""
        raise NotImplementedError

    def build(self, plan: LayerPlan, rng: np.random.Generator):
        raise NotImplementedError


#: workload kind name -> its translator
TRAINABLE_KINDS: Registry[LayerTranslator] = Registry("trainable layer kind")


def trainable(cls: type) -> type:
    """Register one instance of a translator class under its ``kind``."""
    TRAINABLE_KINDS.add(cls.kind, cls())
    return cls


def with_inputs(plan: LayerPlan, inputs: tuple) -> LayerPlan:
    return replace(plan, inputs=inputs)


def he_uniform(rng: np.random.Generator, rows: int, fan_in: int) -> np.ndarray:
    """He-uniform weights ``U(±√(6/fan_in))``, ``rows × fan_in``, float32."""
    bound = np.sqrt(6.0 / fan_in)
    return rng.uniform(-bound, bound, (rows, fan_in)).astype(np.float32)


def check_channels(ctx: LayerContext, field_name: str, shape: tuple) -> None:
    """A layer's written channels must scale to the channels its input has."""
    written = getattr(ctx.layer, field_name)
    if len(shape) == 3 and ctx.scaling.channels(written) != shape[0]:
        raise ctx.error(f"{field_name} {written} does not match the previous layer's channels",
                        "chain channel counts as the layers before give them", field_name)
