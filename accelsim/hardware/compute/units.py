"""The digital compute units: systolic arrays (kind ``array``) and the vector unit (``vector``).

Both follow the compute-unit contract of :mod:`accelsim.hardware.compute.contract` and register
their kinds in :data:`~accelsim.hardware.compute.contract.UNIT_KINDS` under the config names.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from accelsim.core.errors import ConfigError
from accelsim.core.formats import ACCUMULATOR_BYTES, default_accumulator
from accelsim.hardware.compute.config import SystolicArray
from accelsim.hardware.compute.contract import UNIT_KINDS, UnitKind
from accelsim.hardware.compute.dataflows import DATAFLOWS
from accelsim.hardware.compute.packing import packs
from accelsim.hardware.compute.plan import (
    Operand,
    Plan,
    Segment,
    Step,
    StepBuilder,
    chunked_steps,
    compress,
    split,
)
from accelsim.hardware.compute.systolic_timing import (
    FoldGroup,
    SystolicMapping,
    map_gemm,
)
from accelsim.hardware.memory.buffer_config import Buffer
from accelsim.workload.lowering import GemmShape, VectorWork, work_from_dict


def _fit_error(what: str, nbytes: int, buf: Buffer, need_slot: int) -> ConfigError:
    factor = 2 if buf.double_buffered else 1
    need_cap = -(-need_slot * factor // max(1e-9, 1.0 - buf.resident_fraction))
    return ConfigError(
        f"{what} needs {nbytes} bytes of staging but a slot of buffer {buf.name!r} holds "
        f"{buf.slot_bytes} bytes (capacity × (1 − resident_fraction)"
        f"{' / 2 for double buffering' if buf.double_buffered else ''})",
        field=f"scratchpad.{buf.name}.capacity_bytes",
        fix=f"raise capacity_bytes to at least {int(need_cap)}, lower resident_fraction, "
            "or use a smaller array")


class _Density:
    """Elements of a stored tensor per element of the GEMM operand unrolled from it (≤ 1)."""

    def __init__(self, tensor_elements: int, operand_elements: int):
        self.num, self.den = min(tensor_elements, operand_elements), operand_elements

    def of(self, operand_elements: int) -> int:
        return -(-operand_elements * self.num // self.den)


class SystolicUnit:
    """One R×C systolic array; the dataflow is a parameter of this one model. Partial sums that
    leave the array (row folds of ws and is) are stored and read back in the ``accumulator``
    format; the final output is written once in its own."""

    def __init__(self, cfg: SystolicArray, accumulator: str = "fp32"):
        self.cfg = cfg
        self.name = cfg.name
        self.accumulator = accumulator

    def accepts(self, node: dict) -> bool:
        return node["work"]["type"] == "gemm"

    def plan(self, node: dict, operands: dict[str, list[Operand]], buffers: list[Buffer]) -> Plan:
        work = work_from_dict(node["work"])
        assert isinstance(work, GemmShape)
        a, b = operands["ifmap"][0], operands["filter"][0]
        c = operands["out"][0]
        flow = DATAFLOWS.get(self.cfg.dataflow)
        gemms = packs(work, flow, self.cfg.rows, self.cfg.cols, self.cfg.depthwise == "packed")
        maps = [map_gemm(self.cfg.dataflow, self.cfg.rows, self.cfg.cols, p.gemm.m, p.gemm.k, p.gemm.n)
                for p in gemms]
        mp, fill = maps[0], gemms[0].channels  # the first GEMM has the largest folds
        ru_max, cu_max = min(mp.rows, mp.sr), min(mp.cols, mp.sc)
        psum = replace(c, bytes_per_element=ACCUMULATOR_BYTES[self.accumulator])
        has_psums = mp.row_folds > 1 and not flow.outputs_stay
        wide_c = psum if has_psums and psum.bytes_per_element > c.bytes_per_element else c
        by_name = {"a": a, "b": b, "c": wide_c}
        width = {"rows": ru_max, "cols": cu_max}
        # B of a packed GEMM: only its non-zero 1/fill is stored and read (module packing)
        share = {"a": 1, "b": fill, "c": 1}
        # stationary tile (ws: B, is: A; os: the C tile) and per-T-step streamed bytes, per buffer
        staged: dict[int, int] = {}
        per_step: dict[int, int] = {}
        tiles = [flow.stationary] if flow.stationary else []
        tiles += ["c"] if flow.outputs_stay else []
        for name in tiles:
            op = by_name[name]
            if op.mode == "stream":
                staged[op.buffer] = staged.get(op.buffer, 0) + \
                    -(-ru_max * cu_max // share[name]) * op.bytes_per_element
        for name, axis in flow.streamed:
            op = by_name[name]
            if op.mode == "stream":
                per_step[op.buffer] = per_step.get(op.buffer, 0) + \
                    -(-width[axis] // share[name]) * op.bytes_per_element
        t_chunk = mp.t
        for buf_i in set(staged) | set(per_step):
            buf = buffers[buf_i]
            fixed, step = staged.get(buf_i, 0), per_step.get(buf_i, 0)
            if fixed + step > buf.slot_bytes:
                raise _fit_error(f"a {ru_max}×{cu_max} fold of {node.get('layer')}/"
                                 f"{node.get('phase')} on array {self.name!r}",
                                 fixed + step, buf, fixed + step)
            if step:
                t_chunk = min(t_chunk, (buf.slot_bytes - fixed) // step)
        word_bytes = [bf.word_bytes for bf in buffers]
        # DRAM holds the tensors themselves, not the GEMM operands unrolled from them (im2col
        # repeats every input pixel R·S times, and backward_data dilates the error with zeros):
        # a fetch moves the tensor's share of the operand tile, the unrolling happens on chip
        dense = (_Density(a.elements, work.count * work.m * work.k),
                 _Density(b.elements, work.count * work.k * work.n))
        overlap = self.cfg.fold_overlap
        segments = []
        acc: dict[str, int] = {}
        for p, pm in zip(gemms, maps):
            # cycles a fold adds on top of its T streaming cycles
            extra = pm.overlapped_fold_cycles - pm.t if overlap else pm.fold_overhead_cycles
            n_chunks = -(-pm.t // min(pm.t, t_chunk))
            sizes = [size for size, n in split(pm.t, n_chunks) for _ in range(n)]
            folds = _FoldSteps(pm, a, b, c, psum, word_bytes, dense, extra, p.channels)
            for g in pm.fold_groups():
                memo: dict = {}
                steps = []
                for i, t in enumerate(sizes):
                    key = (i == 0, i == n_chunks - 1, t)
                    if key not in memo:
                        memo[key] = folds.step(g, t, key[0], key[1])
                    steps.append(memo[key])
                segments.append(Segment(tuple(steps), g.count * p.gemm.count))
            for k, v in pm.array_access_elements().items():
                acc[k] = acc.get(k, 0) + v * p.gemm.count // (p.channels if k == "b_read" else 1)
        if overlap:  # the fill and drain of the array that no neighbouring fold hides
            tail = mp.cycles_per_fold - mp.overlapped_fold_cycles
            segments.append(Segment((StepBuilder(word_bytes).build(tail),)))
            compute = tail + sum(p.gemm.count * pm.folds * pm.overlapped_fold_cycles
                                 for p, pm in zip(gemms, maps))
        else:
            compute = sum(pm.compute_cycles * p.gemm.count for p, pm in zip(gemms, maps))
        return Plan(segments, compute, mp.rows * mp.cols, macs=work.macs, array_elements=acc,
                    mac_slots=sum(p.mac_slots for p in gemms))


@dataclass(frozen=True)
class _FoldSteps:
    """The steps of one GEMM's folds: the mapping, the three operands (A, B, C) as served, C's
    partial sums (C at accumulator width), the buffers' word sizes, A's and B's stored density,
    the cycles a fold adds to its first step and how many GEMMs each fold packs
    block-diagonally."""
    mp: SystolicMapping
    a: Operand
    b: Operand
    c: Operand
    psum: Operand
    word_bytes: list[int]
    dense: tuple[_Density, _Density]
    extra: int
    b_fill: int = 1  # GEMMs packed block-diagonally: B's non-zero share is 1/b_fill

    def step(self, g: FoldGroup, t: int, first: bool, last: bool) -> Step:
        """A step of ``t`` streaming cycles of a fold of group ``g``; ``first``/``last``: whether
        it is the fold's first/last chunk of T."""
        a, b, c, dense, extra = self.a, self.b, self.c, self.dense, self.extra
        tr = DATAFLOWS.get(self.mp.dataflow).step_traffic(g, t, first, last)
        sb = StepBuilder(self.word_bytes)
        a_el, b_el, c_el, psum = tr.a, -(-tr.b // self.b_fill), tr.c, tr.psum
        first_a, first_b = tr.first_a, tr.first_b
        for op, el, first_touch, d in ((a, a_el, first_a, dense[0]), (b, b_el, first_b, dense[1])):
            sb.unit_reads(op, el)
            if op.mode == "stream" or (op.mode == "cache" and first_touch):
                sb.fetch(op, d.of(el))
        if psum:  # accumulate into earlier row folds' partial sums
            if c.mode == "stream":
                sb.fetch(self.psum, psum)
            sb.psum_reads(self.psum, psum)
        out = c if tr.final_c else self.psum  # the final output at its format, else partial sums
        if tr.final_c:
            sb.unit_writes(c, c_el)
        else:
            sb.psum_writes(self.psum, c_el)
        # results leave for DRAM as they are produced (stream: partial sums too), or once final
        if c.mode == "stream" or (c.mode == "writeback" and tr.final_c):
            sb.drain(out, c_el)
        return sb.build(t + (extra if first else 0))


class VectorUnitModel:
    """SIMD lanes for element-wise work: the optimizer update, pooling."""

    def __init__(self, lanes: int, name: str = "vector"):
        self.lanes = lanes
        self.name = name

    def accepts(self, node: dict) -> bool:
        return node["work"]["type"] == "vector"

    def plan(self, node: dict, operands: dict[str, list[Operand]], buffers: list[Buffer]) -> Plan:
        work = work_from_dict(node["work"])
        assert isinstance(work, VectorWork)
        ins = [op for role in ("ifmap", "filter", "ofmap") for op in operands.get(role, [])]
        cycles = -(-work.ops // self.lanes)
        steps = chunked_steps([(op, op.elements) for op in ins], operands.get("out", []), cycles,
                              [b.slot_bytes for b in buffers], [b.word_bytes for b in buffers],
                              work.elements)
        return Plan(compress(steps), cycles, self.lanes, vector_ops=work.ops)


@UNIT_KINDS.register("array")
class SystolicArrays(UnitKind):
    """The machine's systolic arrays (config ``arrays``): one pool of GEMMs, whichever array
    is free takes the next ready one."""
    precedence = 10

    def __init__(self, arrays: list[SystolicArray], accumulator: str = "fp32"):
        self.units = [SystolicUnit(a, accumulator) for a in arrays]

    @classmethod
    def build(cls, hw, graph) -> SystolicArrays:
        formats = graph.graph.get("formats", {})
        acc = formats.get("accumulator") or default_accumulator(formats.get("mac", "bf16"))
        return cls(hw.arrays, acc)


@UNIT_KINDS.register("vector")
class VectorUnits(UnitKind):
    """The machine's vector unit (config ``vector_unit``) for element-wise work."""
    precedence = 20

    def __init__(self, lanes: int):
        self.units = [VectorUnitModel(lanes)]

    @classmethod
    def build(cls, hw, graph) -> VectorUnits:
        return cls(hw.vector_unit.lanes)
