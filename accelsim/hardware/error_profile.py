"""The error profile of a run: expected MRAM write errors per tensor kind and buffer.

For every (tensor kind, buffer) the step wrote, the profile gives the bits written, the expected
toggled bits, the technology's write error rate (WER, per toggled bit: an STT-MRAM write that does
not change a bit cannot fail), the expected bit errors and the resulting bit error rate (BER,
errors per written bit). Written data are assumed to toggle half of the stored bits
(``TOGGLE_FRACTION``: uncorrelated data over old data). DRAM is taken as error-free. The schema is
``accelsim.error_profile/1``; the functional accuracy model reads ``by_kind``, which carries the
kind's ``protect`` and ``saturate`` settings where the config protects it.
"""
from __future__ import annotations

from accelsim.core.formats import TENSOR_KINDS
from accelsim.hardware.config import HardwareConfig

SCHEMA = "accelsim.error_profile/1"
TOGGLE_FRACTION = 0.5


def build_error_profile(hw: HardwareConfig, rows, formats: dict) -> dict:
    written: dict[tuple[str, str], int] = {}
    for row in rows:
        for key, nbytes in row.writes_by_kind.items():
            written[key] = written.get(key, 0) + nbytes
    buffers = {b.name: b for b in hw.scratchpad}
    memory = []
    for (kind, buf_name), nbytes in sorted(written.items()):
        tech = buffers[buf_name].resolved_technology()
        bits = nbytes * 8
        toggled = bits * TOGGLE_FRACTION
        errors = toggled * tech.write_error_rate
        memory.append({"tensor_kind": kind, "buffer": buf_name, "technology": tech.name,
                       "format": formats.get(kind, "bf16"), "bits_written": bits,
                       "toggle_fraction": TOGGLE_FRACTION, "expected_toggled_bits": toggled,
                       "write_error_rate": tech.write_error_rate, "expected_bit_errors": errors,
                       "bit_error_rate": errors / bits if bits else 0.0})
    by_kind = {}
    for kind in TENSOR_KINDS:
        entries = [m for m in memory if m["tensor_kind"] == kind]
        bits = sum(m["bits_written"] for m in entries)
        errors = sum(m["expected_bit_errors"] for m in entries)
        by_kind[kind] = {"bit_error_rate": errors / bits if bits else 0.0,
                         "format": formats.get(kind, "bf16")}
        if kind in hw.protection:  # absent: no protection
            by_kind[kind].update(hw.protection[kind].model_dump())
    return {"schema": SCHEMA, "memory": memory, "by_kind": by_kind, "crossbar": None}
