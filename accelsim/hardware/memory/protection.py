"""Memory-error protection of a tensor kind (the hardware config's ``protection`` section).

``protect: sign_exponent`` keeps every stored word's sign and exponent bits (bf16 and fp32: 9,
fp16: 6, int8: its sign bit) under a single-error-correcting, double-error-detecting code: the
protected bits of consecutive words are packed into 64-bit data blocks, each stored with the
8 check bits of a (72,64) SEC-DED code (Hsiao, "A class of optimal minimum odd-weight-column
SEC-DED codes", IBM J. Res. Dev. 14(4), 1970; the code of ECC DIMMs and SRAM macros). The check
bits sit in extra columns of the same buffer (side-band, as an ECC macro widens its word), so
they move in the same bank access as their data — no extra cycles — but every read and write of
the kind moves ``8/64`` of its protected bits more, priced at the buffer's per-bit access energy,
and the buffer's macro is wider by the same fraction of its protected kinds' bits (area).

``saturate: true`` makes loads of the kind clip to the format's finite range (a clamp in the
load path; its logic is not priced).

The accuracy model reads both through the run's error profile (``by_kind.KIND.protect`` and
``.saturate``) and treats protected bits as error-free (a codeword with two errors, probability
≈ C(72,2)·p² at bit error rate p, is neglected).
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from accelsim.core.formats import BYTES_PER_ELEMENT

Protect = Literal["none", "sign_exponent"]

#: sign and exponent bits of one stored word
SIGN_EXPONENT_BITS: dict[str, int] = {"fp32": 9, "bf16": 9, "fp16": 6, "int8": 1}
CODE_DATA_BITS = 64   # (72,64) SEC-DED: data bits per codeword
CODE_CHECK_BITS = 8   # check bits per codeword


class TensorProtection(BaseModel):
    """How one tensor kind's stored words are protected."""
    model_config = ConfigDict(extra="forbid", frozen=True)
    protect: Protect = "none"
    saturate: bool = False

    def check_fraction(self, fmt: str) -> float:
        """Check bits per data bit of a ``fmt`` tensor (0 without protection)."""
        if self.protect == "none":
            return 0.0
        word_bits = 8 * BYTES_PER_ELEMENT[fmt]
        return SIGN_EXPONENT_BITS[fmt] * CODE_CHECK_BITS / (CODE_DATA_BITS * word_bits)

    def check_bits(self, fmt: str, data_bytes: int) -> int:
        """Check bits moved with ``data_bytes`` of a ``fmt`` tensor (whole codewords)."""
        if self.protect == "none" or not data_bytes:
            return 0
        protected = data_bytes // BYTES_PER_ELEMENT[fmt] * SIGN_EXPONENT_BITS[fmt]
        return -(-protected // CODE_DATA_BITS) * CODE_CHECK_BITS
