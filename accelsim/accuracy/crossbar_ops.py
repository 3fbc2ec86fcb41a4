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
encoders), the wanted conductance step ``Δc = −lr·(δ̂ᵀx̂)/(2·w_max)`` becomes a pulse count
``n = Δc·P_max`` rounded to nearest (NeuroSim; updates under half a pulse are lost) or
stochastically (``update_rounding: stochastic``, unbiased as aihwkit's pulse trains) and clipped
to ``±P_max``, and each
device moves ``n`` pulses along its potentiation or depression curve ``G(P)`` from its current
position. Cycle-to-cycle noise ``σ_c2c·√|n|`` is added to every device that moved, conductance is
clipped to the device's range, and stuck devices stay at G_min or G_max. Device-to-device
variation scales each device's range by ``1 + σ_d2d·ε`` (drawn once). Analog devices
(``states`` null) move by ``Δc`` exactly with noise ``σ_c2c·√|Δc|``.
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
        f32 = np.float32
        self.gain = np.maximum(1.0 + device.d2d_sigma * rng.standard_normal(shape), 0.0).astype(f32)
        self.inv_gain = np.divide(1.0, self.gain, out=np.zeros_like(self.gain), where=self.gain > 0)
        u = rng.random(shape)
        low = u < device.stuck_at_gmin_fraction
        high = ~low & (u < device.stuck_at_gmin_fraction + device.stuck_at_gmax_fraction)
        self.stuck = low | high
        self.stuck_value = np.where(high, self.gain, f32(0.0))
        self.events = {"adc_conversions": 0, "adc_saturations": 0, "write_pulses": 0}
        self._program(np.clip((weight / self.w_max + 1.0) / 2.0, 0.0, None).astype(f32))

    # ---- kernels ------------------------------------------------------------------------------
    def forward(self, x: np.ndarray) -> np.ndarray:
        sigma2 = None if self._sigma2 is None else self._sigma2.T
        return self._read(x, self._w_norm.T, sigma2, self.device.rows_per_tile)

    def backward(self, dy: np.ndarray) -> np.ndarray:
        return self._read(dy, self._w_norm, self._sigma2, self.device.cols_per_tile)

    def update(self, x: np.ndarray, dy: np.ndarray, lr: float) -> None:
        xq = self._dac_dequantised(x)
        dq = self._dac_dequantised(dy)
        delta_c = np.float32(-lr / (2.0 * self.w_max)) * (dq.T @ xq)
        self._move(self._pulses(delta_c))

    # ---- pieces -------------------------------------------------------------------------------
    def dac(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Normalised, quantised inputs x̂ and the per-vector scales α."""
        alpha = np.max(np.abs(x), axis=1, keepdims=True)
        if not np.isfinite(alpha).all():  # a corrupted input: NaN drives 0, ±inf full scale
            x = np.nan_to_num(x, nan=0.0)
            alpha = np.max(np.abs(x), axis=1, keepdims=True)
            x = np.clip(x, -np.finfo(np.float32).max, np.finfo(np.float32).max)
            alpha = np.minimum(alpha, np.finfo(np.float32).max)
        alpha[alpha == 0] = 1.0  # all-zero vectors
        xn = x / alpha
        bits = self.device.dac_bits
        if bits is not None:
            levels = 2 ** (bits - 1) - 1
            xn = np.rint(xn * levels) / levels
        return xn, alpha

    def adc(self, current: np.ndarray) -> np.ndarray:
        """Quantise column currents; saturating conversions are counted."""
        self.events["adc_conversions"] += current.size
        bits = self.device.adc_bits
        if bits is None:
            return current
        levels = 2 ** (bits - 1) - 1
        step = self.device.adc_range / levels
        code = np.rint(current / step)
        self.events["adc_saturations"] += int(np.count_nonzero(np.abs(code) > levels))
        return np.clip(code, -levels, levels) * step

    def _dac_dequantised(self, x):
        xn, alpha = self.dac(x)
        return xn * alpha

    def _read(self, x, matrix, sigma2, tile):
        """DAC → array (per tile) → read noise → ADC → digital sum, for ``x·matrix``."""
        xn, alpha = self.dac(x)
        noisy = sigma2 is not None
        out = None
        for start in range(0, matrix.shape[0], tile):
            rows = slice(start, start + tile)
            current = xn[:, rows] @ matrix[rows]
            if noisy:
                part = xn[:, rows]
                std = np.sqrt((part * part) @ sigma2[rows])
                current += std * self.rng.standard_normal(current.shape, dtype=np.float32)
            digital = self.adc(current)
            out = digital if out is None else out + digital
        return (out * (alpha * np.float32(self.w_max))).astype(np.float32, copy=False)

    def _program(self, target: np.ndarray) -> None:
        """Write-verify programming of the initial weights: each device is set to the level of
        its own potentiation curve nearest the target (within its range), without write noise."""
        position = np.minimum(target * self.inv_gain, np.float32(1.0))
        if self.device.states_ltp is not None:
            a, p_max = self.a[1], self.p_max[1]
            position = conductance(np.rint(pulse_position(position, a, p_max)), a, p_max)
        self._set(np.where(self.stuck, self.stuck_value, self.gain * position))

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

    def _move(self, n: np.ndarray) -> None:
        """Apply signed pulse counts ``n`` along each device's G(P) curves."""
        position = np.minimum(self.c * self.inv_gain, np.float32(1.0))
        up = n > 0
        (a_up, a_down), (p_up, p_down) = (self.a[1], self.a[-1]), (self.p_max[1], self.p_max[-1])
        p_max = np.where(up, np.float32(p_up), np.float32(p_down))
        if np.isinf(a_up) and np.isinf(a_down):  # linear in both directions
            new = np.clip(position * p_max + n, 0.0, p_max) / p_max
        elif np.isfinite(a_up) and np.isfinite(a_down):
            a = np.where(up, np.float32(a_up), np.float32(a_down))
            k = np.where(up, np.float32(np.expm1(-p_up / a_up)), np.float32(np.expm1(-p_down / a_down)))
            p = np.clip(-a * np.log(1.0 + position * k) + n, 0.0, p_max)
            new = (np.exp(-p / a) - 1.0) / k
        else:  # one linear and one nonlinear direction
            moved_up = conductance(np.clip(pulse_position(position, a_up, p_up) + n, 0, p_up), a_up, p_up)
            moved_down = conductance(np.clip(pulse_position(position, a_down, p_down) + n, 0, p_down),
                                     a_down, p_down)
            new = np.where(up, moved_up, moved_down)
        new = np.where(n != 0, new, position)
        c = self.gain * new
        if self.device.c2c_sigma > 0:  # √|n| is 0 where nothing moved
            c += (np.float32(self.device.c2c_sigma) * np.sqrt(np.abs(n))
                  * self.rng.standard_normal(c.shape, dtype=np.float32))
        if self.device.states_ltp is not None:
            self.events["write_pulses"] += int(np.abs(n).sum())
        self._set(np.where(self.stuck, self.stuck_value, np.clip(c, 0.0, self.gain)))

    def _set(self, c: np.ndarray) -> None:
        self.c = c = c.astype(np.float32)
        self._w_norm = 2.0 * c - 1.0
        if self.device.read_noise_sigma > 0:
            self._sigma2 = np.square(np.float32(2.0 * self.device.read_noise_sigma) * (c + self.g_min))
        else:
            self._sigma2 = None

    @property
    def weight(self) -> np.ndarray:
        """The weights the devices currently hold (noise-free read)."""
        return (self.w_max * self._w_norm).astype(np.float32)


def make_crossbar(weight: np.ndarray, device: CrossbarDevice, rng: np.random.Generator):
    """The crossbar model for ``device``: exact kernels when it has no non-ideality."""
    cls = IdealCrossbar if device.is_ideal else AnalogCrossbar
    return cls(weight, device, rng)
