"""The memories of the training step: every stored tensor is written in its kind's number format
at its kind's bit error rate (see :mod:`accelsim.accuracy.bitflip`), with its kind's protection
(:mod:`accelsim.accuracy.protection`).

The ideal run and the faulty run write the same tensors through the same code in the same formats;
the only difference is the bit error rates. With every rate at 0 nothing random is drawn and the
two runs are identical bit for bit.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from accelsim.accuracy.bitflip import WORD_BITS, BitErrorStream, store
from accelsim.accuracy.protection import NONE, Protection
from accelsim.core.formats import TENSOR_KINDS


@dataclass
class TensorMemory:
    """Number format and bit error rate per tensor kind, with the flips injected so far."""
    formats: dict[str, str]
    bit_error_rate: dict[str, float]
    rng: np.random.Generator
    flips: dict[str, int] = field(default_factory=lambda: {k: 0 for k in TENSOR_KINDS})
    bits_written: dict[str, int] = field(default_factory=lambda: {k: 0 for k in TENSOR_KINDS})
    streams: dict[str, BitErrorStream] = field(default_factory=dict)
    protection: dict[str, Protection] = field(default_factory=dict)
    _kinds: dict[str, tuple] = field(default_factory=dict, repr=False)

    def write(self, kind: str, x: np.ndarray) -> np.ndarray:
        """Store ``x`` as tensor kind ``kind`` and return what a later read sees."""
        memory = self._kinds.get(kind) or self._memory(kind)
        fmt, stream, exposed, word_bits, guard = memory
        stored, flipped = store(x, fmt, stream, exposed=exposed)
        if flipped:
            self.flips[kind] += flipped
        self.bits_written[kind] += x.size * word_bits
        return guard.load(stored, fmt) if guard.saturate else stored

    def _memory(self, kind: str) -> tuple:
        """Format, error stream, exposed bits, word bits and protection of ``kind`` (made once)."""
        fmt, guard = self.formats[kind], self.protection.get(kind, NONE)
        stream = self.streams[kind] = BitErrorStream(self.bit_error_rate.get(kind, 0.0), self.rng)
        word_bits = WORD_BITS[fmt]
        self._kinds[kind] = memory = (fmt, stream, guard.exposed_bits(fmt, word_bits), word_bits,
                                      guard)
        return memory

