"""Exact bit flips in the stored encoding of a tensor (fp32, bf16, fp16 or int8).

A stored tensor is *encoded* in its number format, every stored bit flips independently with
probability ``ber`` (the bit error rate), and the word is *decoded* back to float32 for compute.

Encodings (bit 0 is the least significant bit of a stored word):

- ``fp32``: IEEE-754 binary32, the float32 bits themselves (sign bit 31, exponent 30..23).
- ``bf16``: the upper 16 bits of binary32 after round-to-nearest-even (sign bit 15, exponent
  14..7, mantissa 6..0; ``ml_dtypes.bfloat16``, so a NaN stores as the quiet NaN of its sign). Flipping bit 15 negates the value; flipping a high exponent bit can turn
  0.5 into ~1.7e38, as on real hardware.
- ``fp16``: IEEE-754 binary16 (numpy float16; sign bit 15, exponent 14..10). Values beyond ±65504
  become ±inf when encoded, as a real fp16 store would.
- ``int8``: symmetric per-tensor scale ``s = max|x| / 127`` (``s = 1`` for an all-zero tensor),
  word ``q = clip(round(x / s), -127, 127)`` in two's complement, value ``q · s``. The scale is
  kept beside the tensor in a register and is not itself corrupted. Flipping bit 7 (the sign bit)
  changes the value by ∓128·s.

Sampling is exact: the flipped bits of a memory are those of a Bernoulli(``ber``) bit stream over
everything written to it, drawn as Geometric(``ber``) gaps between errors (:class:`BitErrorStream`),
so every bit flips independently with probability ``ber`` and no bit flips twice.
"""
from __future__ import annotations

import ml_dtypes
import numpy as np

#: bits per stored element of each format
WORD_BITS: dict[str, int] = {"fp32": 32, "bf16": 16, "fp16": 16, "int8": 8}
#: bfloat16 as a numpy dtype (ml_dtypes: round-to-nearest-even, NaN stays a quiet NaN)
BFLOAT16 = np.dtype(ml_dtypes.bfloat16)
GAP_BLOCK = 256


def encode(x: np.ndarray, fmt: str) -> tuple[np.ndarray, float]:
    """The stored words of float32 ``x`` in ``fmt`` (unsigned integers) and the int8 scale."""
    x = np.ascontiguousarray(x, dtype=np.float32)
    if fmt == "fp32":
        return x.view(np.uint32).copy(), 1.0
    if fmt == "bf16":  # (a NaN raises numpy's "invalid value" warning, silenced in training)
        return x.astype(BFLOAT16).view(np.uint16), 1.0
    if fmt == "fp16":
        with np.errstate(over="ignore"):
            return x.astype(np.float16).view(np.uint16), 1.0
    if fmt == "int8":
        peak = float(np.max(np.abs(x))) if x.size else 0.0
        if not np.isfinite(peak):  # scale from the finite values; inf saturates, NaN stores 0
            finite = np.abs(x[np.isfinite(x)])
            peak = float(finite.max()) if finite.size else 0.0
        scale = peak / 127.0 if peak > 0 else 1.0
        with np.errstate(invalid="ignore"):
            q = np.clip(np.rint(np.nan_to_num(x / scale)), -127, 127).astype(np.int8)
        return q.view(np.uint8), scale
    raise ValueError(f"unknown number format {fmt!r}")


def decode(words: np.ndarray, fmt: str, scale: float = 1.0) -> np.ndarray:
    """float32 values of stored ``words`` (inverse of :func:`encode` up to rounding)."""
    if fmt == "fp32":
        return words.view(np.float32)
    if fmt == "bf16":
        return words.view(BFLOAT16).astype(np.float32)
    if fmt == "fp16":
        return words.view(np.float16).astype(np.float32)
    if fmt == "int8":
        return words.view(np.int8).astype(np.float32) * np.float32(scale)
    raise ValueError(f"unknown number format {fmt!r}")


class BitErrorStream:
    """Independent bit errors at rate ``ber`` over everything written to one memory, in order.

    The gaps between flipped bits of a Bernoulli(``ber``) bit stream are Geometric(``ber``), so the
    stream keeps how many bits remain until the next error and a write that ends before it costs
    one comparison and no random draw. Over any write, every bit flips independently with
    probability ``ber`` (the same distribution as one Bernoulli draw per bit) and no bit flips
    twice.
    """

    def __init__(self, ber: float, rng: np.random.Generator):
        self.ber = ber
        self.rng = rng
        self.skip: int | None = None  # bits until the next flipped bit
        self._gaps: list[int] = []  # pre-drawn Geometric(ber) gaps, used from the end

    def _gap(self) -> int:
        """The next Geometric(``ber``) gap (drawn in blocks: one draw call per 256 errors)."""
        if not self._gaps:
            self._gaps = self.rng.geometric(self.ber, size=GAP_BLOCK)[::-1].tolist()
        return self._gaps.pop()

    def hits(self, n_bits: int) -> bool:
        """Whether a write of ``n_bits`` bits has at least one flipped bit; a write without any
        advances the stream past it (so it need not be encoded)."""
        if self.ber <= 0.0 or n_bits == 0:
            return False
        if self.skip is None:
            self.skip = self._gap() - 1
        if self.skip >= n_bits:
            self.skip -= n_bits
            return False
        return True

    def flip(self, words: np.ndarray, width: int | None = None) -> int:
        """Flip the bits of ``words`` (in place) that this stream hits; return how many.

        Only the low ``width`` bits of each word (default: all) are exposed (the bits above them
        are protected)."""
        if self.ber <= 0.0 or words.size == 0:
            return 0
        width = width or words.dtype.itemsize * 8
        flat = words.reshape(-1)
        n_bits = words.size * width
        if self.skip is None:
            self.skip = self._gap() - 1
        if self.skip >= n_bits:
            self.skip -= n_bits
            return 0
        if (n_bits - self.skip) * self.ber < 8:  # a few hits: scalar draws beat array set-up
            pos, count = self.skip, 0
            while pos < n_bits:
                element, bit = divmod(pos, width)
                flat[element] = int(flat[element]) ^ (1 << bit)  # Python ints: fast
                count += 1
                pos += self._gap()
            self.skip = pos - n_bits
            return count
        hits = [np.array([self.skip], dtype=np.int64)]
        last = self.skip
        while last < n_bits:
            expect = int((n_bits - last) * self.ber * 1.1) + 8
            pos_arr = last + np.cumsum(self.rng.geometric(self.ber, size=expect))
            hits.append(pos_arr)
            last = int(pos_arr[-1])
        positions = np.concatenate(hits)
        inside = positions[positions < n_bits]
        self.skip = int(positions[inside.size]) - n_bits
        element, bit = inside // width, inside % width
        masks = np.ones(inside.size, dtype=words.dtype) << bit.astype(words.dtype)
        np.bitwise_xor.at(flat, element, masks)
        return int(inside.size)


def flip_bits(words: np.ndarray, ber: float, rng: np.random.Generator) -> int:
    """Flip every bit of ``words`` (in place) independently with probability ``ber``.

    Returns the number of bits flipped. ``ber == 0`` draws nothing and changes nothing.
    """
    return BitErrorStream(ber, rng).flip(words)


def store(x: np.ndarray, fmt: str, ber: float | BitErrorStream,
          rng: np.random.Generator | None = None, exposed: int | None = None
          ) -> tuple[np.ndarray, int]:
    """Write ``x`` to a memory in format ``fmt`` with bit error rate ``ber`` (or through an
    error stream) and read it back.

    ``exposed`` is the number of low bits of each word that can flip (default: all; the sign and
    exponent bits above them are protected, see :mod:`accelsim.accuracy.protection`). Returns
    the float32 values read back (rounded to the format, with the flips) and the number of
    flipped bits. The result may be ``x`` itself (fp32 without a flip) or a new array.
    """
    stream = ber if isinstance(ber, BitErrorStream) else BitErrorStream(ber, rng)
    width = exposed or WORD_BITS[fmt]
    if not stream.hits(np.size(x) * width):
        return round_trip(x, fmt), 0
    if fmt == "bf16":  # the common case, without encode's generic checks
        words = x.astype(BFLOAT16, order="C").view(np.uint16)
        flips = stream.flip(words, width=width)
        return words.view(BFLOAT16).astype(np.float32), flips
    words, scale = encode(x, fmt)
    flips = stream.flip(words, width=width)
    return decode(words, fmt, scale).reshape(np.shape(x)), flips


def round_trip(x: np.ndarray, fmt: str) -> np.ndarray:
    """``decode(encode(x, fmt))`` bit for bit, without building the stored words: what a write
    without bit errors reads back, C-contiguous as the decoded words are (a layout change would
    change the summation order of later reductions). fp32 is exact and returns a C-contiguous
    ``x`` itself (no copy); bf16 and fp16 convert in one pass each way; int8 rounds ``x/s`` in
    float32."""
    if fmt == "fp32":
        return np.ascontiguousarray(x, dtype=np.float32)
    if fmt == "bf16":  # (a NaN raises numpy's "invalid value" warning, silenced in training)
        return x.astype(BFLOAT16, order="C").astype(np.float32)
    x = np.ascontiguousarray(x, dtype=np.float32)
    if fmt == "int8":
        peak = float(np.max(np.abs(x))) if x.size else 0.0
        if not np.isfinite(peak):  # inf or NaN: the general path saturates and zeroes them
            words, scale = encode(x, fmt)
            return decode(words, fmt, scale).reshape(x.shape)
        scale = peak / 127.0 if peak > 0 else 1.0
        q = x / scale
        np.rint(q, out=q)
        q += np.float32(0.0)  # −0 → +0, as the int8 word 0 reads back
        np.clip(q, -127, 127, out=q)
        q *= np.float32(scale)
        return q
    if fmt == "fp16":
        with np.errstate(over="ignore"):
            return x.astype(np.float16).astype(np.float32)
    raise ValueError(f"unknown number format {fmt!r}")
