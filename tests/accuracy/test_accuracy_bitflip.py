"""Exact bit flips: each format's bit layout, and flip counts that follow Binomial(n_bits, BER)."""
import numpy as np
import pytest
from scipy.stats import binom

from accelsim.accuracy.bitflip import (
    WORD_BITS,
    decode,
    encode,
    flip_bits,
    round_trip,
    store,
)


def _flip(x, fmt, bit):
    words, scale = encode(np.array([x], dtype=np.float32), fmt)
    words ^= words.dtype.type(1 << bit)
    return float(decode(words, fmt, scale)[0])


def _roundtrip(x, fmt):
    words, scale = encode(np.array([x], dtype=np.float32), fmt)
    return float(decode(words, fmt, scale)[0])


@pytest.mark.parametrize("value", [0.75, -3.5, 1e-3, 2.0, 123.456])
def test_bf16_bit15_negates(value):
    assert _flip(value, "bf16", 15) == -_roundtrip(value, "bf16")


def test_sign_bits_of_every_float_format():
    assert _flip(1.5, "fp32", 31) == -1.5
    assert _flip(1.5, "fp16", 15) == -1.5


def test_bf16_exponent_msb_blows_up():
    # 0.5 = 0x3F00 in bf16; bit 14 is the exponent MSB: 0x7F00 = 2^127
    assert _flip(0.5, "bf16", 14) == 2.0 ** 127
    assert _flip(0.5, "fp32", 30) == 2.0 ** 127


def test_bf16_mantissa_lsb_is_one_ulp():
    assert _flip(1.0, "bf16", 0) == 1.0 + 2.0 ** -7


def test_bf16_rounds_to_nearest_even():
    x = np.array([1.0 + 2 ** -8, 1.0 + 3 * 2 ** -8, -(1.0 + 2 ** -9)], dtype=np.float32)
    words, _ = encode(x, "bf16")
    assert decode(words, "bf16").tolist() == [1.0, 1.0 + 2 ** -6, -1.0]


def test_int8_scale_and_sign_bit():
    x = np.array([1.27, -0.635, 0.0], dtype=np.float32)
    words, scale = encode(x, "int8")
    assert scale == pytest.approx(0.01)
    assert words.view(np.int8).tolist() == [127, -64, 0]   # -63.5 rounds to even
    assert _flip(0.0, "int8", 0) == 1.0                     # an all-zero tensor has scale 1
    flipped = words.copy()
    flipped[2] ^= np.uint8(0x80)                            # sign bit of 0 -> -128
    assert decode(flipped, "int8", scale)[2] == pytest.approx(-1.28)


def test_fp16_overflow_is_inf():
    words, _ = encode(np.array([1e5], dtype=np.float32), "fp16")
    assert np.isinf(decode(words, "fp16")[0])


def test_zero_ber_changes_nothing_and_draws_nothing():
    rng = np.random.default_rng(1)
    state = rng.bit_generator.state
    x = np.linspace(-2, 2, 1000, dtype=np.float32)
    out, flips = store(x, "fp32", 0.0, rng)
    assert flips == 0 and np.array_equal(out.view(np.uint32), x.view(np.uint32))
    assert rng.bit_generator.state == state


def _popcount(a):
    return int(np.unpackbits(a.view(np.uint8)).sum())


@pytest.mark.parametrize("fmt", ["fp32", "bf16", "int8"])
@pytest.mark.parametrize("ber", [3e-5, 1e-3, 0.05, 0.5])   # sparse and dense sampling paths
def test_flip_count_within_binomial_bounds(fmt, ber):
    rng = np.random.default_rng(12345)
    words, _ = encode(np.random.default_rng(0).standard_normal(20_000).astype(np.float32), fmt)
    before = words.copy()
    n_bits = words.size * WORD_BITS[fmt]
    reported = flip_bits(words, ber, rng)
    changed = _popcount(before ^ words)
    assert reported == changed
    lo, hi = binom.ppf(1e-6, n_bits, ber), binom.ppf(1 - 1e-6, n_bits, ber)
    assert lo <= changed <= hi


@pytest.mark.parametrize("ber", [2e-3, 0.1])
def test_every_bit_position_flips_at_the_rate(ber):
    rng = np.random.default_rng(7)
    words = np.zeros(50_000, dtype=np.uint16)
    flip_bits(words, ber, rng)
    per_bit = [(words >> np.uint16(b) & 1).sum() for b in range(16)]
    lo, hi = binom.ppf(1e-5, words.size, ber), binom.ppf(1 - 1e-5, words.size, ber)
    assert all(lo <= c <= hi for c in per_bit)


def test_same_seed_same_flips():
    x = np.random.default_rng(0).standard_normal(5000).astype(np.float32)
    a, _ = store(x, "bf16", 1e-3, np.random.default_rng(3))
    b, _ = store(x, "bf16", 1e-3, np.random.default_rng(3))
    assert np.array_equal(a.view(np.uint32), b.view(np.uint32))


@pytest.mark.parametrize("fmt", sorted(WORD_BITS))
def test_round_trip_without_errors_is_encode_then_decode_bit_for_bit(fmt):
    rng = np.random.default_rng(7)
    x = (rng.standard_normal((64, 48)) * 10.0 ** rng.integers(-8, 8, (64, 48))).astype(np.float32)
    x[0, :6] = [np.nan, np.inf, -np.inf, -0.0, 1e-45, np.finfo(np.float32).max]
    x.view(np.uint32)[1, :2] = [0x7F800001, 0xFFFFFFFF]  # NaNs that plain rounding makes inf
    finite = x[2:]
    for arr in (x, finite, finite[:, ::3], finite.T, -np.abs(finite) * 1e-3):
        with np.errstate(over="ignore", invalid="ignore"):  # int8: 127·s may pass float32 max
            words, scale = encode(arr, fmt)
            want = decode(words, fmt, scale).reshape(arr.shape)
            got = round_trip(arr, fmt)
        assert got.flags.c_contiguous  # as decoded words are: later sums keep their order
        assert np.array_equal(want.view(np.uint32), got.view(np.uint32))


@pytest.mark.parametrize("ber", [1e-3, 3e-2])
def test_bf16_store_flips_the_same_bits_as_the_encoded_words(ber):
    x = np.random.default_rng(8).standard_normal((40, 50)).astype(np.float32)
    got, flips = store(x, "bf16", ber, np.random.default_rng(9))
    words, _ = encode(x, "bf16")
    assert flips == flip_bits(words, ber, np.random.default_rng(9)) > 0
    assert np.array_equal(got.view(np.uint32), decode(words, "bf16").view(np.uint32))
