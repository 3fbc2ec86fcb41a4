"""STT-MRAM write operating point (voltage scale and pulse width).

The physics (write latency, write energy and write error rate derived from the operating point)
is implemented in this module; see DESIGN.md §5.
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, PositiveFloat


class MramWritePoint(BaseModel):
    """Where an STT-MRAM buffer is written: ``voltage_scale`` × the nominal write voltage (so the
    overdrive i scales with it) and the write ``pulse_ns``."""
    model_config = ConfigDict(extra="forbid", frozen=True)
    voltage_scale: PositiveFloat = 1.0
    pulse_ns: PositiveFloat = 10.0
