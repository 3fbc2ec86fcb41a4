"""The three training kernels of a crossbar-mapped layer, with non-idealities, TxSim-style: every
effect is a whole-tensor numpy operation around one BLAS matrix product per kernel.

A layer's weight matrix W (out × in) is stored one device per weight against a virtual reference
current, ``w = w_max·(2c − 1)``, with ``c`` the device's conductance above G_min in units of the
nominal range G_max − G_min (see :mod:`accelsim.hardware.crossbar.devices`). ``w_max`` is set so that the
largest initial weight uses ``init_range_fraction`` of the range.

Forward VMM ``y = x·Wᵀ`` (inputs on rows) and backward transpose MVM ``δx = δ·W`` (inputs on
columns) both run:

1. **DAC**: each input vector is scaled by its abs-max α (noise management) and rounded to
   ``L = 2^(dac_bits−1) − 1`` levels per sign: ``x̂ = round(x/α·L)/L``.
2. **Array**: per tile of ``rows_per_tile`` (forward) or ``cols_per_tile`` (transpose) inputs,
   the current ``I = Σ x̂·(2c − 1)``.
3. **Read noise**: each device conducts ``G·(1 + σ_read·ε)`` with ``G = c + G_min`` and
   ``G_min = 1/(on_off − 1)``; the sum of independent Gaussians on one output is drawn exactly as
   one Gaussian of variance ``Σ x̂²·(2σ_read·G)²`` (a second matrix product).
4. **ADC**: ``q = clip(round(I/Δ), −L, L)·Δ`` with ``L = 2^(adc_bits−1) − 1`` and
   ``Δ = adc_range/L``; ``|I| > adc_range`` saturates at ±adc_range (counted).
5. The tiles' digital outputs are summed and scaled back by ``α·w_max``.

Initial weights are programmed with write-verify: each device is set to the level of its own
potentiation curve nearest the target, without write noise (stuck devices stay stuck).

Outer-product update ``W ← W − lr·δᵀ·x``: x and δ pass the DACs (the row and column pulse
encoders); a sample b wants the conductance step ``Δc_b = −lr·(δ̂_b ⊗ x̂_b)/(2·w_max)``, i.e.
``Δc_b·P_max`` pulses of the step's direction. The device's ``update_scheme`` turns the batch into
each device's up and down pulse counts N⁺, N⁻:

- ``per_sample`` (default; NeuroSim, Marinella et al.): every sample is its own pulse step, so
  N⁺ and N⁻ grow with Σ_b|Δc_b|, not |Σ_b Δc_b|. Their means are two products of the inputs' and
  errors' sign-split halves. ``rounding: stochastic`` draws each count as Poisson of that mean
  (the many-sample limit of rounding every sample stochastically); ``deterministic`` rounds each
  sample to nearest (NeuroSim's ``truncate``: under half a pulse is lost), on the dense
  (batch, out, in) tensor.
- ``pulse_train`` (aihwkit): each sample drives ``pulse_train_length`` Bernoulli bits per row and
  column with probabilities balanced so that their coincidences have the wanted mean; a device
  pulses at every coincidence (at most BL a sample), its sign from the signs of δ and x.
- ``batch_summed``: the batch's summed step, rounded once (stochastic or to nearest).

Analog devices (``states`` null) move by the wanted steps exactly. The pulses then move each
device along its potentiation and depression curves, interleaved (``AnalogCrossbar._move``), with
cycle-to-cycle noise ``σ_c2c·√(N⁺ + N⁻)``, clipped to the device's range; stuck devices stay at
G_min or G_max. Device-to-device variation scales each device's range by ``1 + σ_d2d·ε`` (drawn
once).
"""
from __future__ import annotations

import numpy as np

from accelsim.hardware.crossbar.devices import (
    CrossbarDevice,
    conductance,
    curve_a,
    pulse_position,
)


class IdealCrossbar:
    """Exact float kernels (the ``ideal`` preset): the same arithmetic as the digital layer."""

    def __init__(self, weight: np.ndarray, device: CrossbarDevice, rng: np.random.Generator):
        self.weight = weight.astype(np.float32).copy()
        self.events = {"adc_conversions": 0, "adc_saturations": 0, "write_pulses": 0}

    def forward(self, x):
        return x @ self.weight.T

    def backward(self, dy):
        return dy @ self.weight

    def update(self, x, dy, lr):
        self.weight = self.weight - np.float32(lr) * (dy.T @ x)


class AnalogCrossbar:
    """One layer's weights on crossbar devices; forward, backward and update with non-idealities."""

    def __init__(self, weight: np.ndarray, device: CrossbarDevice, rng: np.random.Generator):
        self.device, self.rng = device, rng
        shape = weight.shape
        peak = float(np.max(np.abs(weight)))
        self.w_max = (peak if peak > 0 else 1.0) / device.init_range_fraction
        self.g_min = 0.0 if np.isinf(device.on_off_ratio) else 1.0 / (device.on_off_ratio - 1.0)
        if device.states_ltp is None:  # analog: continuous linear moves, P_max = 1
            self.p_max = {1: 1, -1: 1}
            self.a = {1: np.inf, -1: np.inf}
        else:
            self.p_max = {1: device.states_ltp - 1, -1: device.states_ltd - 1}
            self.a = {1: curve_a(device.nl_ltp, self.p_max[1]),
                      -1: curve_a(device.nl_ltd, self.p_max[-1])}
        inv_a = {k: 0.0 if np.isinf(a) else 1.0 / a for k, a in self.a.items()}
        drive = {k: 1.0 / self.p_max[k] if np.isinf(a)
                 else 1.0 / (-a * np.expm1(-self.p_max[k] / a)) for k, a in self.a.items()}
        self._linear = inv_a[1] == 0 and inv_a[-1] == 0
        # rows: α = N⁺D⁺ − N⁻D⁻, β = N⁺/A⁺ − N⁻/A⁻, N⁺ + N⁻ (see _move)
        self._flow = np.array([[drive[1], -drive[-1]], [inv_a[1], -inv_a[-1]], [1.0, 1.0]],
                              np.float32)
        f32 = np.float32
        self.gain = np.maximum(1.0 + device.d2d_sigma * rng.standard_normal(shape), 0.0).astype(f32)
        self.inv_gain = np.divide(1.0, self.gain, out=np.zeros_like(self.gain), where=self.gain > 0)
        u = rng.random(shape)
        low = u < device.stuck_at_gmin_fraction
        high = ~low & (u < device.stuck_at_gmin_fraction + device.stuck_at_gmax_fraction)
        self._stuck = np.flatnonzero(low | high)           # flat indices; position 0 or 1
        self._stuck_position = high.ravel()[self._stuck].astype(f32)
        self._c2c_per_position = (np.float32(device.c2c_sigma) * self.inv_gain).astype(f32)
        self._two_gain = 2.0 * self.gain
        self._noise_gain = np.float32(2.0 * device.read_noise_sigma) * self.gain
        self._noise_floor = np.float32(2.0 * device.read_noise_sigma * self.g_min)
        self.events = {"adc_conversions": 0, "adc_saturations": 0, "write_pulses": 0}
        self._encoded = {"forward": None, "backward": None}  # last input of each read kernel
        self._program(np.clip((weight / self.w_max + 1.0) / 2.0, 0.0, None).astype(f32))

    # ---- kernels ------------------------------------------------------------------------------
    def forward(self, x: np.ndarray) -> np.ndarray:
        sigma2 = None if self._sigma2 is None else self._sigma2.T
        return self._read(self._encode(x, "forward"), self._w_norm.T, sigma2,
                          self.device.rows_per_tile)

    def backward(self, dy: np.ndarray) -> np.ndarray:
        return self._read(self._encode(dy, "backward"), self._w_norm, self._sigma2,
                          self.device.cols_per_tile)

    def update(self, x: np.ndarray, dy: np.ndarray, lr: float) -> None:
        """Outer-product update ``W ← W − lr·dyᵀ·x`` with the device's update scheme."""
        xq = self._dac_dequantised(self._encoded_as(x, "forward"))
        dq = self._dac_dequantised(self._encoded_as(dy, "backward"))
        self._encoded = {"forward": None, "backward": None}  # held only until the update
        scale = np.float32(lr / (2.0 * self.w_max))   # |Δc| per unit |δ·x|
        self._move(UPDATE_SCHEMES[self.device.update_scheme](self, xq, dq, scale))

    # ---- pieces -------------------------------------------------------------------------------
    def dac(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Normalised, quantised inputs x̂ and the per-vector scales α."""
        return self._normalised(self._encoded_as(x, None))

    def _encode(self, x: np.ndarray, kernel: str) -> tuple:
        """The DAC's view of ``x``, kept as the kernel's last input: the update pulses the
        vectors the forward (x) and backward (δ) reads drove, so it encodes them once."""
        encoded = self._encoded_as(x, None)
        self._encoded[kernel] = encoded
        return encoded

    def _encoded_as(self, x: np.ndarray, kernel: str | None) -> tuple:
        """``(x, sanitised x, α, integer DAC codes or None)``, reused when ``x`` is the
        ``kernel``'s last input (the very same array)."""
        cached = self._encoded.get(kernel)
        if cached is not None and cached[0] is x:
            return cached
        clean, alpha = self._scales(x)
        bits = self.device.dac_bits
        codes = None if bits is None else np.rint(clean * ((2 ** (bits - 1) - 1) / alpha))
        return x, clean, alpha, codes

    def _normalised(self, encoded: tuple) -> tuple[np.ndarray, np.ndarray]:
        _, clean, alpha, codes = encoded
        if codes is None:
            return clean / alpha, alpha
        return codes * np.float32(1.0 / (2 ** (self.device.dac_bits - 1) - 1)), alpha

    def _scales(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per-vector abs-max scales α."""
        alpha = np.abs(x).max(axis=1, keepdims=True)
        if not alpha.max() < np.inf:  # a corrupted input: NaN drives 0, ±inf full scale
            x = np.nan_to_num(x, nan=0.0)
            alpha = np.max(np.abs(x), axis=1, keepdims=True)
            x = np.clip(x, -np.finfo(np.float32).max, np.finfo(np.float32).max)
            alpha = np.minimum(alpha, np.finfo(np.float32).max)
        return x, np.maximum(alpha, _TINY, out=alpha)  # all-zero vectors drive zeros at any scale

    def adc(self, current: np.ndarray) -> np.ndarray:
        """Quantise column currents (overwriting ``current``); saturating conversions are counted."""
        self.events["adc_conversions"] += current.size
        bits = self.device.adc_bits
        if bits is None:
            return current
        levels = 2 ** (bits - 1) - 1
        step = self.device.adc_range / levels
        current *= np.float32(1.0 / step)
        code = np.rint(current, out=current)
        clipped = np.minimum(code, levels)
        np.maximum(clipped, -levels, out=clipped)
        self.events["adc_saturations"] += int(np.count_nonzero(code != clipped))
        clipped *= np.float32(step)
        return clipped

    def _dac_dequantised(self, encoded: tuple) -> np.ndarray:
        """The values the DAC drives, in the input's units (the update's pulse encoders)."""
        _, clean, alpha, codes = encoded
        if codes is None:
            return clean
        return codes * (alpha / (2 ** (self.device.dac_bits - 1) - 1))

    def _read(self, encoded, matrix, sigma2, tile):
        """DAC → array (per tile) → read noise → ADC → digital sum, for ``x·matrix``."""
        xn, alpha = self._normalised(encoded)
        out = None
        for start in range(0, matrix.shape[0], tile):
            rows = slice(start, start + tile)
            part = xn[:, rows]
            current = part @ matrix[rows]
            if sigma2 is not None:
                std = np.square(part) @ sigma2[rows]
                noise = self.rng.standard_normal(current.shape, dtype=np.float32)
                noise *= np.sqrt(std, out=std)
                current += noise
            digital = self.adc(current)
            if out is None:
                out = digital
            else:
                out += digital
        out *= alpha * np.float32(self.w_max)
        return out

    def _program(self, target: np.ndarray) -> None:
        """Write-verify programming of the initial weights: each device is set to the level of
        its own potentiation curve nearest the target (within its range), without write noise."""
        position = np.minimum(target * self.inv_gain, np.float32(1.0))
        if self.device.states_ltp is not None:
            a, p_max = self.a[1], self.p_max[1]
            position = conductance(np.rint(pulse_position(position, a, p_max)), a, p_max)
        self._set(position)

    # ---- update schemes: each device's up and down pulses over the batch, stacked (2, out, in) --
    def _batch_summed(self, xq, dq, scale):
        """The batch's summed outer product, pulsed once (one signed count per device)."""
        n = self._pulses(-scale * (dq.T @ xq))
        return np.stack([np.maximum(n, 0.0), np.maximum(-n, 0.0)])

    def _per_sample(self, xq, dq, scale):
        """One pulse step per sample: the up and down pulses of every sample, summed apart."""
        if self.device.states_ltp is not None and self.device.update_rounding == "deterministic":
            return self._rounded_per_sample(xq, dq, scale)
        if self.device.states_ltp is None:              # analog: the moves themselves
            return _signed_parts(xq, dq, scale, scale)
        wanted = _signed_parts(xq, dq, scale * self.p_max[1], scale * self.p_max[-1])
        return self._stochastic_counts(wanted, len(xq))

    def _rounded_per_sample(self, xq, dq, scale):
        """Every sample's pulse count rounded to nearest, on the dense (vectors, out, in) tensor,
        in chunks of at most ``_DENSE_ELEMENTS`` elements."""
        counts = np.zeros((2, dq.shape[1], xq.shape[1]), np.float32)
        chunk = max(1, _DENSE_ELEMENTS // counts[0].size)
        for start in range(0, len(xq), chunk):
            part = slice(start, start + chunk)
            wanted = (-scale * dq[part])[:, :, None] * xq[part][:, None, :]
            for row, (sign, p) in enumerate(((1, self.p_max[1]), (-1, self.p_max[-1]))):
                counts[row] += np.minimum(np.rint(np.maximum(sign * wanted, 0.0) * p), p).sum(axis=0)
        return counts

    def _pulse_train(self, xq, dq, scale):
        """aihwkit-style stochastic pulse trains of ``pulse_train_length`` bits per sample: a
        device gets a pulse where its row's and its column's bits coincide."""
        length = self.device.pulse_train_length
        gain = scale * np.float32(0.5 * (self.p_max[1] + self.p_max[-1]))  # pulses per unit |δx|
        x_abs, d_abs = np.abs(xq), np.abs(dq)
        x_peak = np.maximum(x_abs.max(axis=1, keepdims=True), _TINY)
        d_peak = np.maximum(d_abs.max(axis=1, keepdims=True), _TINY)
        share = np.sqrt(gain * x_peak * d_peak / np.float32(length))  # balanced: p_x = p_δ at peak
        bits_x = self._bits(np.minimum(share * x_abs / x_peak, 1.0), length)   # (batch·L, in)
        bits_d = self._bits(np.minimum(share * d_abs / d_peak, 1.0), length)   # (batch·L, out)
        sign_x = np.repeat(np.sign(xq), length, axis=0)
        sign_d = np.repeat(np.sign(dq), length, axis=0)
        one = np.float32(1.0)
        return _signed_parts(bits_x * sign_x, bits_d * sign_d, one, one)

    def _bits(self, probability: np.ndarray, length: int) -> np.ndarray:
        draw = self.rng.random((len(probability), length, probability.shape[1]), dtype=np.float32)
        return (draw < probability[:, None, :]).astype(np.float32).reshape(-1, probability.shape[1])

    def _stochastic_counts(self, mean: np.ndarray, batch: int) -> np.ndarray:
        """Pulses over ``batch`` samples that each round their own small wanted count
        stochastically: Poisson with the exact mean, the many-sample limit of that binomial.
        Devices that want nothing (a zero input or error all batch long) draw nothing."""
        drawn = self.rng.poisson(mean)  # a zero mean draws nothing from the stream
        np.minimum(drawn, batch * max(self.p_max.values()), out=drawn)
        return drawn.astype(np.float32)  # ≤ P_max a sample

    def _pulses(self, delta: np.ndarray) -> np.ndarray:
        """Signed pulse counts for a wanted conductance step (NeuroSim: linear in Δc)."""
        p_max = np.where(delta >= 0, np.float32(self.p_max[1]), np.float32(self.p_max[-1]))
        wanted = delta * p_max
        if self.device.states_ltp is None:
            return np.clip(wanted, -1.0, 1.0)
        if self.device.update_rounding == "deterministic":
            n = np.rint(wanted)
        else:
            n = np.floor(wanted + self.rng.random(wanted.shape, dtype=np.float32))
        return np.clip(n, -p_max, p_max)

    def _move(self, pulses: np.ndarray) -> None:
        """Apply ``pulses[0]`` potentiating and ``pulses[1]`` depressing pulses to each device,
        interleaved.

        On a direction's curve one pulse moves ``dc/dP = D − c/A`` (``D = 1/(A·(1 − e^{−P_max/A}))``,
        ``1/A = 0`` and ``D = 1/P_max`` for a linear direction), linear in c, so n pulses are an
        affine map of c. Up and down pulses spread evenly over the batch then follow
        ``dc/ds = α − β·c`` over s ∈ [0, 1] with ``α = N⁺D⁺ − N⁻D⁻`` and ``β = N⁺/A⁺ − N⁻/A⁻``:
        ``c(1) = c·e^{−β} + α·(1 − e^{−β})/β``, exact for moves in one direction. The flow is
        monotone, so clipping at the range's ends once is clipping along the way.
        """
        position = self.position
        alpha, beta, pulses = (self._flow @ pulses.reshape(2, -1)).reshape(3, *position.shape)
        if self.device.states_ltp is not None:
            self.events["write_pulses"] += int(pulses.sum())
        if self._linear:
            new = position + alpha
        else:
            decay = np.maximum(beta, np.float32(-30.0))  # beyond: it leaves the range
            np.negative(decay, out=decay)
            np.exp(decay, out=decay)
            spread = 1.0 - decay
            still = beta == 0  # no pulses, or balanced ones: the flow's limit α
            beta[still] = 1.0
            spread /= beta
            spread[still] = 1.0
            new = position * decay
            alpha *= spread
            new += alpha
        if self.device.c2c_sigma > 0:  # one pulse adds σ of the range; independent per pulse
            noise = self.rng.standard_normal(new.shape, dtype=np.float32)
            noise *= np.sqrt(pulses, out=pulses)
            noise *= self._c2c_per_position
            new += noise
        self._set(new)  # a device without pulses keeps its position bit for bit

    def _set(self, position: np.ndarray) -> None:
        """Hold ``position`` (conductance above G_min in units of the device's own range, in
        [0, 1]); stuck devices stay at 0 or 1. ``position`` is the caller's own array."""
        position = position.astype(np.float32, copy=False)
        np.clip(position, 0.0, 1.0, out=position)
        position.flat[self._stuck] = self._stuck_position
        self.position = position
        w_norm = position * self._two_gain                           # 2c − 1
        w_norm -= 1.0
        self._w_norm = w_norm
        if self.device.read_noise_sigma > 0:                         # (2σ_read·(c + G_min))²
            sigma2 = position * self._noise_gain
            sigma2 += self._noise_floor
            self._sigma2 = np.square(sigma2, out=sigma2)
        else:
            self._sigma2 = None

    @property
    def c(self) -> np.ndarray:
        """Conductance above G_min in units of the nominal range G_max − G_min."""
        return self.gain * self.position

    @property
    def weight(self) -> np.ndarray:
        """The weights the devices currently hold (noise-free read)."""
        return (self.w_max * self._w_norm).astype(np.float32)


_TINY = np.float32(1e-30)
_DENSE_ELEMENTS = 1 << 22  # per-sample rounding to nearest: elements of one dense chunk

UPDATE_SCHEMES = {"batch_summed": AnalogCrossbar._batch_summed,
                  "per_sample": AnalogCrossbar._per_sample,
                  "pulse_train": AnalogCrossbar._pulse_train}


def _signed_parts(x: np.ndarray, d: np.ndarray, scale_up, scale_down) -> np.ndarray:
    """Σ over the batch of the positive parts of ``−d_b ⊗ x_b`` (× ``scale_up``) and of its
    negative parts (× ``scale_down``), stacked (2, out, in), from products of the inputs' and
    errors' sign-split halves."""
    zero = np.float32(0.0)
    out = d.shape[1]
    d_neg = np.maximum(np.negative(d), zero)
    d_pos = np.maximum(d, zero)
    halves = np.empty((len(d), 2 * out), np.float32)    # [up-wanting | down-wanting] errors
    np.multiply(d_neg, scale_up, out=halves[:, :out])
    np.multiply(d_pos, scale_down, out=halves[:, out:])
    stacked = halves.T @ np.maximum(x, zero)
    if x.min() < 0:
        np.multiply(d_pos, scale_up, out=halves[:, :out])
        np.multiply(d_neg, scale_down, out=halves[:, out:])
        stacked += halves.T @ np.maximum(np.negative(x), zero)
    return stacked.reshape(2, out, x.shape[1])


def make_crossbar(weight: np.ndarray, device: CrossbarDevice, rng: np.random.Generator):
    """The crossbar model for ``device``: exact kernels when it has no non-ideality."""
    cls = IdealCrossbar if device.is_ideal else AnalogCrossbar
    return cls(weight, device, rng)
