"""Hardware config models (pydantic v2).

A machine has one or more systolic arrays, a vector unit for element-wise work (the weight
update, pooling), scratchpad buffers and DRAM. Buffers hold tensors by *tensor kind*
(``activation``, ``weight``, ``error``, ``weight_gradient``, ``optimizer_state``) or by GEMM
operand role, SCALE-Sim style (``ifmap`` = the M×K operand A, ``filter`` = the K×N operand B,
``ofmap`` = the M×N result C). An access goes to the buffer that holds its tensor kind, else to
the one that holds its operand role.
"""
from __future__ import annotations

import hashlib
import json
from functools import cached_property
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeFloat,
    NonNegativeInt,
    PositiveFloat,
    PositiveInt,
    model_validator,
)

from accelsim.core.formats import TENSOR_KINDS, TensorKind
from accelsim.hardware.compute.config import SystolicArray, VectorUnit
from accelsim.hardware.crossbar.config import CrossbarConfig
from accelsim.hardware.memory.buffer_config import ROLES, Buffer
from accelsim.hardware.memory.dram_presets import DRAM_PRESETS, IDEAL, MAPPING_FIELDS, DramPreset
from accelsim.hardware.memory.protection import TensorProtection

#: (tensor kind, operand role) pairs that a training step uses; every one must map to a buffer.
ACCESS_PAIRS = (
    ("activation", "ifmap"), ("activation", "ofmap"), ("weight", "filter"),
    ("error", "ifmap"), ("error", "filter"), ("error", "ofmap"),
    ("weight_gradient", "ofmap"), ("weight_gradient", "ifmap"), ("optimizer_state", "ofmap"),
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Dram(_Strict):
    """DRAM: a named preset (``ddr4_3200``, ``lpddr4_2400``, ``hbm2``) with field overrides, or
    ``ideal`` (unbounded bandwidth, zero latency). The fields are those of
    :class:`~accelsim.hardware.memory.dram_presets.DramPreset` (docs/dram.md)."""
    preset: str = "ddr4_3200"
    channels: PositiveInt | None = None
    ranks: PositiveInt | None = None
    bankgroups: PositiveInt | None = None
    banks_per_group: PositiveInt | None = None
    row_bytes: PositiveInt | None = None
    burst_bytes: PositiveInt | None = None
    mapping: str | None = Field(default=None, description=(
        "DRAMSim3 address mapping: the six fields ch ra bg ba ro co, most significant first"))
    tck_ns: PositiveFloat | None = None
    burst_ck: PositiveInt | None = None
    cl_ck: NonNegativeInt | None = None
    cwl_ck: NonNegativeInt | None = None
    trcd_ck: NonNegativeInt | None = None
    tccd_s_ck: NonNegativeInt | None = None
    tccd_l_ck: NonNegativeInt | None = None
    twtr_s_ck: NonNegativeInt | None = None
    twtr_l_ck: NonNegativeInt | None = None
    trtrs_ck: NonNegativeInt | None = None
    trfc_ck: NonNegativeInt | None = None
    trefi_ck: PositiveInt | None = None
    queue_requests: PositiveInt | None = None
    bank_queue_requests: PositiveInt | None = None
    rw_queue: Literal["unified", "split"] | None = None
    bandwidth_gb_per_s_per_channel: PositiveFloat | None = None
    latency_ns: NonNegativeFloat | None = None

    @model_validator(mode="after")
    def _check_mapping(self):
        m = self.mapping
        if m is not None and sorted(m[i:i + 2] for i in range(0, len(m), 2)) != \
                sorted(MAPPING_FIELDS):
            raise ValueError(f"mapping {m!r} must name each of ch ra bg ba ro co once "
                             "(most significant first, e.g. 'rochrababgco')")
        return self

    @property
    def ideal(self) -> bool:
        return self.preset == IDEAL

    def resolved(self, source: str | None = None) -> DramPreset | None:
        base = DRAM_PRESETS.get(self.preset, source=source, field="dram.preset")
        if base is None:  # ideal
            return None
        changes = {k: v for k, v in self.model_dump(exclude={"preset"}).items() if v is not None}
        return DramPreset(**{**base.__dict__, **changes})


class HardwareConfig(_Strict):
    """A complete machine description."""
    name: str
    clock_ghz: PositiveFloat = 1.0
    node_nm: PositiveInt = 22
    arrays: list[SystolicArray] = Field(min_length=1)
    vector_unit: VectorUnit = VectorUnit()
    scratchpad: list[Buffer] = Field(min_length=1)
    dram: Dram = Dram()
    ideal_scratchpad: bool = Field(
        default=False, description="no bank conflicts: every buffer serves any access pattern")
    crossbar: CrossbarConfig | None = Field(
        default=None, description="analog ReRAM crossbar tiles and the layers mapped to them")
    protection: dict[TensorKind, TensorProtection] = Field(
        default_factory=dict,
        description="memory-error protection per tensor kind (protect, saturate); absent: none")

    @model_validator(mode="after")
    def _check(self):
        names = [a.name for a in self.arrays]
        if len(set(names)) != len(names):
            raise ValueError("array names must be unique")
        bnames = [b.name for b in self.scratchpad]
        if len(set(bnames)) != len(bnames):
            raise ValueError("scratchpad buffer names must be unique")
        for sel in set(TENSOR_KINDS) | set(ROLES):
            owners = [b.name for b in self.scratchpad if sel in b.holds]
            if len(owners) > 1:
                raise ValueError(f"{sel!r} is held by several buffers ({', '.join(owners)}); "
                                 "list each tensor kind or operand role in one buffer's 'holds'")
        for kind, role in ACCESS_PAIRS:
            if self._find(kind, role) is None:
                raise ValueError(
                    f"no scratchpad buffer holds tensor kind {kind!r} (nor operand role {role!r}); "
                    f"add {kind!r} to some buffer's 'holds'")
        return self

    def _find(self, kind: str, role: str) -> Buffer | None:
        for b in self.scratchpad:
            if kind in b.holds:
                return b
        for b in self.scratchpad:
            if role in b.holds:
                return b
        return None

    def buffer_for(self, kind: str, role: str) -> Buffer:
        found = self._find(kind, role)
        assert found is not None  # guaranteed by validation
        return found

    def resolved_dict(self) -> dict:
        """The fully resolved config: every preset expanded into its numbers."""
        data = self.model_dump(mode="json")
        if not self.protection:  # unprotected configs resolve (and hash) as before protection
            del data["protection"]
        for buf, out in zip(self.scratchpad, data["scratchpad"]):
            out["resolved_technology"] = {k: v for k, v in buf.resolved_technology().__dict__.items()}
        dram = self.dram.resolved()
        data["dram"]["resolved"] = dram.__dict__ if dram else {"ideal": True}
        return data

    @cached_property
    def config_hash(self) -> str:
        text = json.dumps(self.resolved_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()
