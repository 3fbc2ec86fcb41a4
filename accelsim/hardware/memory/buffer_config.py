"""Config model of a banked scratchpad buffer."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, StrictBool, model_validator

from accelsim.core.formats import TENSOR_KINDS
from accelsim.core.ranges import Int, Real
from accelsim.hardware.memory.mram_write import MramWritePoint
from accelsim.hardware.memory.technology import MemoryTechnology, resolve_technology

#: the bank arbitration policies (the names accelsim/hardware/memory/arbitration.py registers;
#: spelled out here so that validating a config does not import numpy)
Arbitration = Literal["round_robin", "priority", "fifo"]

#: GEMM operand roles a buffer can hold, SCALE-Sim style
ROLES = ("ifmap", "filter", "ofmap")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WriteBufferConfig(_Strict):
    """An SRAM write buffer in front of the banks (accelsim/hardware/memory/write_buffer.py)."""
    entries: Int(1, 1 << 16, "write buffers hold 4-64 entries; 2^16")
    entry_bytes: Int(1, 1 << 16, "an entry is a word to a cache line (8-128 B); 64 KiB", "B")


class Buffer(_Strict):
    """A banked scratchpad buffer.

    A bank is busy for the technology's read latency on a read and its write latency on a write;
    ``ports_per_bank`` accesses proceed in parallel in one bank. Words are ``word_bytes`` wide and
    interleaved across banks every ``interleave_bytes`` bytes.
    """
    name: str
    capacity_bytes: Int(1, 1 << 36, "the largest on-chip SRAM, a wafer-scale engine's, is "
                        "40-44 GB; 64 GiB", "B")
    banks: Int(1, 1 << 16, "one bank per MiB of the largest (64 GiB) buffer") = 1
    ports_per_bank: Int(1, 16, "SRAM cells have 1-2 ports, register files up to 16") = 1
    word_bytes: Int(1, 4096, "access widths are 1 B to 512 B (a 4096-bit HBM-like row); x8",
                    "B") = 8
    interleave_bytes: Int(1, 1 << 30, "a multiple of word_bytes up to 1 GiB", "B") | None = None
    double_buffered: StrictBool = True
    resident_fraction: Real(0, 1, "a share of the capacity, below 1: tiles need staging room") = Field(
        default=0.5, lt=1.0,
        description="share of the capacity that keeps whole tensors resident across operations "
                    "(activations saved for backward, outputs read by the next layer); the rest "
                    "stages streamed tiles, split in two halves when double_buffered")
    technology: str = "sram_22nm"
    technology_overrides: dict[str, Annotated[float, Strict()]] = Field(default_factory=dict)
    mram_write: MramWritePoint | None = Field(
        default=None, description="write operating point of an STT-MRAM buffer (None: nominal)")
    holds: list[str] = Field(min_length=1)
    write_buffer: WriteBufferConfig | None = Field(
        default=None, description="an SRAM write buffer that absorbs writes at SRAM speed and "
                                  "drains them to the banks when they are free")
    arbitration: Arbitration = Field(
        default="round_robin",
        description="how the banks share their time between units: round_robin (interleaved "
                    "accesses), priority (crossbar tiles, then systolic arrays, then the vector "
                    "unit) or fifo (whole steps in arrival order); "
                    "accelsim/hardware/memory/arbitration.py")

    @model_validator(mode="after")
    def _check(self):
        if self.write_buffer and self.write_buffer.entry_bytes % self.word_bytes:
            raise ValueError(f"write_buffer.entry_bytes {self.write_buffer.entry_bytes} must be "
                             f"a multiple of word_bytes {self.word_bytes}")
        valid = set(TENSOR_KINDS) | set(ROLES)
        for h in self.holds:
            if h not in valid:
                raise ValueError(f"holds {h!r} is neither a tensor kind nor an operand role; "
                                 f"valid: {', '.join(sorted(valid))}")
        if self.interleave % self.word_bytes:
            raise ValueError(f"interleave_bytes {self.interleave} must be a multiple of word_bytes "
                             f"{self.word_bytes}")
        if self.capacity_bytes < self.banks * self.word_bytes:
            raise ValueError(f"capacity_bytes {self.capacity_bytes} is smaller than one word per "
                             f"bank ({self.banks} × {self.word_bytes} B)")
        return self

    @property
    def slot_bytes(self) -> int:
        """Bytes of one staging slot (a streamed tile must fit in one)."""
        staging = int(self.capacity_bytes * (1.0 - self.resident_fraction))
        return staging // 2 if self.double_buffered else staging

    @property
    def resident_bytes(self) -> int:
        return int(self.capacity_bytes * self.resident_fraction)

    @property
    def interleave(self) -> int:
        return self.interleave_bytes or self.word_bytes

    def resolved_technology(self, source: str | None = None) -> MemoryTechnology:
        return resolve_technology(self.technology, self.technology_overrides, source=source,
                                  field=f"scratchpad.{self.name}.technology",
                                  write_point=self.mram_write)
