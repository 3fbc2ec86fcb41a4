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

from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator

from accelsim.core.formats import TENSOR_KINDS, TensorKind
from accelsim.core.ranges import Int, Real
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


#: DRAM ranges span every standard from DDR3 to HBM3E and LPDDR5X, with margin
DramChannels = Int(1, 1024, "HBM3E: 8 stacks x 32 pseudo-channels = 256; x4 margin")
DramCount = Int(1, 256, "ranks, bank groups and banks per group are 1-16 in DDR3-DDR5/HBM3")
RowBytes = Int(16, 1 << 16, "DRAM pages are 256 B (HBM pseudo-channel) to 16 KiB", "B")
BurstBytes = Int(1, 4096, "a burst moves 32-64 B (DDR, HBM); 4 KiB", "B")
#: timing parameters in DRAM clock cycles: JEDEC tables give 1-1000 (tRFC ~ 350 ns, tREFI 7.8 µs)
TimingCk = Int(0, 1 << 20, "JEDEC timings are 1-1000 clocks; tREFI ~10^4; 2^20", "tCK")
QueueRequests = Int(1, 1 << 16, "controller queues hold 8-64 requests; 2^16")
ChannelBandwidth = Real(0, 1000, "per channel: DDR4-3200 25.6, HBM3E ~80 GB/s; x12 margin",
                        "GB/s", lo_open=True)
DramNs = Real(0, 10_000, "DRAM latencies are 10-100 ns; 10 µs admits far (CXL, NVM) memory",
              "ns")


class Dram(_Strict):
    """DRAM: a named preset (``ddr4_3200``, ``lpddr4_2400``, ``hbm2``) with field overrides, or
    ``ideal`` (unbounded bandwidth, zero latency). The fields are those of
    :class:`~accelsim.hardware.memory.dram_presets.DramPreset` (docs/dram.md)."""
    preset: str = "ddr4_3200"
    channels: DramChannels | None = None
    ranks: DramCount | None = None
    bankgroups: DramCount | None = None
    banks_per_group: DramCount | None = None
    row_bytes: RowBytes | None = None
    burst_bytes: BurstBytes | None = None
    mapping: str | None = Field(default=None, description=(
        "DRAMSim3 address mapping: the six fields ch ra bg ba ro co, most significant first"))
    tck_ns: Real(0, 100, "DRAM clocks are 0.2-2.5 ns (400 MHz-5 GHz); 100 ns", "ns",
                 lo_open=True) | None = None
    burst_ck: Int(1, 1024, "a burst lasts 2-16 clocks; 1024", "tCK") | None = None
    cl_ck: TimingCk | None = None
    cwl_ck: TimingCk | None = None
    trcd_ck: TimingCk | None = None
    tccd_s_ck: TimingCk | None = None
    tccd_l_ck: TimingCk | None = None
    twtr_s_ck: TimingCk | None = None
    twtr_l_ck: TimingCk | None = None
    trtrs_ck: TimingCk | None = None
    trfc_ck: TimingCk | None = None
    trefi_ck: Int(1, 1 << 20, "tREFI is ~10^4 clocks (7.8 µs); 2^20", "tCK") | None = None
    queue_requests: QueueRequests | None = None
    bank_queue_requests: QueueRequests | None = None
    rw_queue: Literal["unified", "split"] | None = None
    bandwidth_gb_per_s_per_channel: ChannelBandwidth | None = None
    latency_ns: DramNs | None = None

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
    clock_ghz: Real(0.001, 10, "1 MHz to 10 GHz; the fastest shipped logic clocks ~6 GHz",
                    "GHz") = 1.0
    node_nm: Int(1, 250, "CMOS nodes in use, 2 nm to 250 nm", "nm") = 22
    arrays: list[SystolicArray] = Field(min_length=1)
    vector_unit: VectorUnit = VectorUnit()
    scratchpad: list[Buffer] = Field(min_length=1)
    dram: Dram = Dram()
    ideal_scratchpad: StrictBool = Field(
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
