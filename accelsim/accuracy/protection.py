"""Memory-error protection of one tensor kind: which stored bits can flip, and what a load does.

- ``protect: sign_exponent`` keeps a word's sign and exponent bits in a reliable memory (or under
  an error-correcting code) and treats them as error-free: only the mantissa bits are exposed to
  the kind's bit error rate (bf16: 7 of 16 bits, fp16: 10 of 16, fp32: 23 of 32; int8 has no
  exponent, so its sign bit is protected and its 7 magnitude bits are exposed). A flip can then
  change a value by less than a factor of two and never make it inf or NaN.
- ``saturate: true`` clips every loaded value to the format's finite range: ±inf load as the
  largest finite value of that sign and NaN loads as 0, as a saturating load unit does.

``none`` and ``saturate: false`` (the defaults) store every bit unprotected and load it as is.
The hardware side (the code, its storage and energy) is :mod:`accelsim.hardware.memory.protection`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from accelsim.hardware.memory.protection import SIGN_EXPONENT_BITS, Protect

#: largest finite value of each format (int8: in units of its scale, applied by the caller)
FINITE_MAX: dict[str, float] = {"fp32": float(np.finfo(np.float32).max),
                                "bf16": float(np.uint32(0x7F7F0000).view(np.float32)),
                                "fp16": 65504.0}


@dataclass(frozen=True)
class Protection:
    protect: Protect = "none"
    saturate: bool = False

    def exposed_bits(self, fmt: str, word_bits: int) -> int:
        """Bits of a ``fmt`` word exposed to bit errors."""
        return word_bits - SIGN_EXPONENT_BITS[fmt] if self.protect == "sign_exponent" else word_bits

    def load(self, values: np.ndarray, fmt: str) -> np.ndarray:
        """``values`` as a load sees them (a saturated copy where a value is not finite)."""
        if self.saturate and fmt in FINITE_MAX and not np.isfinite(values).all():
            return np.nan_to_num(values, nan=0.0, posinf=FINITE_MAX[fmt], neginf=-FINITE_MAX[fmt])
        return values


NONE = Protection()
