"""``attention``: multi-head (or grouped-query) scaled dot-product attention over the fused QKV
projection it reads (width ``(heads + 2·kv_heads)·head_dim``); output ``heads·head_dim`` wide.

It expands into operations (``<name>.scores``, ``<name>.softmax`` and ``<name>``, the context),
each a row of ``layers.csv``. Per sample, with T = ``tokens``, H = ``heads``, d_h = ``head_dim``
and every GEMM repeated once per query head (H·batch times; with grouped-query attention each K/V
head serves H/kv_heads query heads, whose dK and dV add up):

==============  ===================  ==================  ===========================================
operation       forward              backward_data       backward_weight
==============  ===================  ==================  ===========================================
scores          S = Q·Kᵀ (T, d_h, T)  dQ = dS·K (T, T, d_h)  dK = dSᵀ·Q, lowered (d_h, T, T)
softmax         P = softmax(S/√d_h)   dS = P·(dP − Σ dP·P)   —
context         O = P·V (T, T, d_h)   dP = dO·Vᵀ (T, d_h, T)  dV = Pᵀ·dO (T, T, d_h)
==============  ===================  ==================  ===========================================

So the attention GEMMs do 2·T²·d_h MACs per head forward and 4·T²·d_h backward. The softmax (with
the 1/√d_h scale and, if ``causal``, the mask) runs on the vector unit; its operations per
element are in docs/transformers.md. Q, K and V are separate tensors (views of the projection's
output: the projection writes them, the attention reads them and writes their errors).

Liveness. ``fused: none`` saves P (H·T² per sample) for backward: the context's dV and the
softmax's backward read it. ``fused: flash`` keeps the scores on chip tile by tile, as
FlashAttention does (Dao et al., 2022): P is not saved, and the backward pass first recomputes S
(``<name>.scores_recompute``, T·d_h·T MACs per head again) and P (``<name>.softmax_recompute``);
the recompute waits for the error of the attention's output (it reads dO, as the fused backward
kernel does), so it runs in the backward pass.
The per-row statistics FlashAttention keeps (H·T per sample) are recomputed here too. In flash
mode the S and P tensors between the operations are sized as the fused kernel's working set,
one block of min(mask_block, T)² scores per head, so they stay on chip; the softmax's buffer
reads are counted for that working set (a known simplification: the full S streams through the
PE-side registers, not the scratchpad).

``causal: true`` masks the upper triangle. ``skip_masked: false`` (default) computes it densely,
as most accelerators do. ``skip_masked: true`` skips whole masked blocks of ``mask_block`` ×
``mask_block`` scores (the causal block skipping of FlashAttention): of the nb² blocks,
nb = T/mask_block, the nb(nb + 1)/2 on and below the diagonal are computed, as
nb(nb + 1)/2 GEMMs of (mask_block, d_h, mask_block) per head (and likewise for every phase), so
the attention MACs are scaled by (nb + 1)/(2·nb).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Literal

from pydantic import Field, model_validator

from accelsim.workload.kinds.base import LayerKind, PhaseIO, layer_kind
from accelsim.workload.kinds.softmax import Softmax
from accelsim.workload.lowering import GemmShape, VectorWork
from accelsim.workload.sizes import Count, Tokens


@dataclass(frozen=True)
class _Part:
    """One operation of an attention layer (not a YAML kind): per phase, its work per sample
    (a GEMM repeated ``count`` times per sample, or element-wise work) and its tensor edges."""
    name: str
    input: str
    input_b: str | None
    out_elements: int
    work: dict            # phase -> ("gemm", m, k, n, count per sample) | ("vector", el, ops)
    edges: dict           # phase -> PhaseIO
    kind: str = "attention"
    has_weights: bool = False
    weight_owner: str = ""
    saved_tensors: dict = field(default_factory=dict)

    def phases(self, first: bool) -> tuple[str, ...]:
        return tuple(p for p in ("forward", "backward_data", "backward_weight")
                     if p in self.work and not (first and p == "backward_data"))

    def lower(self, phase, batch):
        w = self.work[phase]
        if w[0] == "gemm":
            return GemmShape(w[1], w[2], w[3], w[4] * batch)
        return VectorWork(w[1] * batch, w[2])

    def io(self, phase):
        return self.edges[phase]

    def saved(self):
        return self.saved_tensors

    def output_elements(self):
        return self.out_elements

    def weight_elements(self):
        return 0

    def spec(self):
        return None

    def weight_matrix(self):
        return None


def _io(reads, writes) -> PhaseIO:
    return PhaseIO(tuple(reads), tuple(writes))


@layer_kind
class Attention(LayerKind):
    """Scaled dot-product attention over a fused QKV projection (see the module docstring)."""
    kind: Literal["attention"] = "attention"
    has_weights: ClassVar[bool] = False
    tokens: Tokens
    heads: Count
    kv_heads: Count | None = Field(default=None, description="default: heads (no GQA)")
    head_dim: Count
    causal: bool = True
    skip_masked: bool = False
    mask_block: Tokens = Field(
        default=128, description="skip_masked: the side of the score blocks skipped whole")
    fused: Literal["none", "flash"] = "none"

    @model_validator(mode="after")
    def _check(self):
        if self.heads % self.kv:
            raise ValueError(f"heads {self.heads} is not a multiple of kv_heads {self.kv}")
        if self.skip_masked and not self.causal:
            raise ValueError("skip_masked needs causal: true (nothing is masked otherwise)")
        if self.skip_masked and self.tokens % self.mask_block:
            raise ValueError(f"skip_masked: tokens {self.tokens} is not a multiple of "
                             f"mask_block {self.mask_block}; choose a mask_block that divides it")
        return self

    @property
    def kv(self) -> int:
        return self.kv_heads or self.heads

    def input_elements(self) -> int:
        return self.tokens * (self.heads + 2 * self.kv) * self.head_dim

    def output_elements(self) -> int:
        return self.tokens * self.heads * self.head_dim

    def input_views(self) -> dict[str, int]:
        t, d = self.tokens, self.head_dim
        return {"q": t * self.heads * d, "k": t * self.kv * d, "v": t * self.kv * d}

    def blocks(self) -> tuple[int, int]:
        """(side of a computed block of scores, computed blocks per head)."""
        if not self.skip_masked:
            return self.tokens, 1
        nb = self.tokens // self.mask_block
        return self.mask_block, nb * (nb + 1) // 2

    def softmax_ops(self) -> dict[str, int]:
        """Softmax plus the 1/√d_h scale (and the causal mask) per score element."""
        fwd = Softmax.OPS["forward"] + 1 + (1 if self.causal else 0)
        return {"forward": fwd, "backward_data": Softmax.OPS["backward_data"] + 1}

    def parts(self, src, src_b):
        n, d, h = self.name, self.head_dim, self.heads
        b, nblk = self.blocks()
        cnt = h * nblk
        flash = self.fused == "flash"
        # flash: the scores live only as the fused kernel's working set on chip (one block of
        # mask_block² scores per head), so they never spill and are not saved
        tile = min(self.mask_block, self.tokens)
        scores_el = cnt * b * b
        held = h * tile * tile if flash else scores_el
        p_bwd = f"act@{n}.softmax_recompute" if flash else "in"
        ops = self.softmax_ops()
        scores = _Part(f"{n}.scores", src, src, held, {
            "forward": ("gemm", b, d, b, cnt), "backward_data": ("gemm", b, b, d, cnt),
            "backward_weight": ("gemm", d, b, b, cnt)}, {
            "forward": _io([("in#q", "ifmap"), ("in_b#k", "filter")], [("out", "ofmap")]),
            "backward_data": _io([("err", "ifmap"), ("in_b#k", "filter")],
                                 [("err_in#q", "ofmap")]),
            "backward_weight": _io([("err", "filter"), ("in#q", "ifmap")],
                                   [("err_in_b#k", "ofmap")])})
        softmax = _Part(f"{n}.softmax", scores.name, None, held, {
            "forward": ("vector", scores_el, ops["forward"]),
            "backward_data": ("vector", scores_el, ops["backward_data"])}, {
            "forward": _io([("in", "ifmap")], [("out", "ofmap")]),
            "backward_data": _io([("err", "ifmap"),
                                  (f"act@{n}.softmax_recompute" if flash else "out", "filter")],
                                 [("err_in", "ofmap")])})
        context = _Part(n, softmax.name, src, self.output_elements(), {
            "forward": ("gemm", b, b, d, cnt), "backward_data": ("gemm", b, d, b, cnt),
            "backward_weight": ("gemm", b, b, d, cnt)}, {
            "forward": _io([("in", "ifmap"), ("in_b#v", "filter")], [("out", "ofmap")]),
            "backward_data": _io([("err", "ifmap"), ("in_b#v", "filter")],
                                 [("err_in", "ofmap")]),
            "backward_weight": _io([("err", "filter"), (p_bwd, "ifmap")],
                                   [("err_in_b#v", "ofmap")])})
        if not flash:
            return [scores, softmax, context]
        # recomputed in backward, before the context's and the softmax's backward (program
        # order runs the layer list backwards)
        s_again = _Part(f"{n}.scores_recompute", src, src, held,
                        {"backward_data": ("gemm", b, d, b, cnt)},
                        {"backward_data": _io([("in#q", "ifmap"), ("in_b#k", "filter"),
                                               (f"err@{n}", "ofmap")], [("out", "ofmap")])})
        p_again = _Part(f"{n}.softmax_recompute", s_again.name, None, held,
                        {"backward_data": ("vector", scores_el, ops["forward"])},
                        {"backward_data": _io([(f"act@{s_again.name}", "ifmap")],
                                              [("out", "ofmap")])})
        return [scores, softmax, context, p_again, s_again]
