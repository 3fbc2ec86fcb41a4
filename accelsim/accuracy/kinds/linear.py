"""linear trains as :class:`~accelsim.accuracy.network.Dense`: its inputs follow from the layers
before, hidden widths scale like channels, and as the last layer it gives the class scores."""
from __future__ import annotations

import numpy as np

from accelsim.accuracy.dataset import CLASSES
from accelsim.accuracy.kinds.base import LayerPlan, LayerTranslator, he_uniform, trainable
from accelsim.accuracy.network import Dense


@trainable
class LinearTranslator(LayerTranslator):
    kind = "linear"
    weighted = True
    crossbar = True
    gives_scores = True
    flat_input = True

    def input_shape(self, layer) -> tuple:
        return (layer.in_features,)

    def plan(self, ctx) -> list[LayerPlan]:
        layer, shape, scaling = ctx.layer, ctx.shape, ctx.scaling
        if layer.tokens != 1:
            raise ctx.error(f"linear layer with tokens={layer.tokens} is not supported",
                            "use tokens: 1")
        features = int(np.prod(shape))
        if len(shape) == 1 and not ctx.first and scaling.channels(layer.in_features) != features:
            raise ctx.error(f"in_features {layer.in_features} does not match the previous "
                            f"layer's {features} outputs", f"set in_features: {features}",
                            "in_features")
        if layer.in_features != features:
            ctx.notes.append(f"{layer.name}: in_features {layer.in_features} -> {features}")
        out = layer.out_features
        if ctx.last and out != CLASSES:
            ctx.notes.append(f"{layer.name}: out_features {out} -> {CLASSES} (digits classes)")
            out = CLASSES
        elif not ctx.last and scaling.channels(out) != out:
            out = scaling.channels(out)
        return [LayerPlan(self.kind, layer.name, (features,), (out,),
                          relu=ctx.relu and not ctx.last_weighted, builder=self)]

    def build(self, plan, rng):
        return Dense(plan.name, he_uniform(rng, plan.out_shape[0], int(np.prod(plan.in_shape))),
                     plan.relu)
