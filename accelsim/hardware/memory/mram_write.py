"""STT-MRAM write operating point: voltage scale and pulse width, and what they imply.

An operating point (``voltage_scale`` × the nominal write voltage, ``pulse_ns``) sets the
overdrive ``i = I / I_c0`` (the write current scales with the voltage for an ohmic MTJ + access
device, so ``i = voltage_scale · I_nominal / I_c0``). From it follow (docs/design.md §5):

- the write error rate per toggled bit:
  precessional regime (i > 1), Sun's macrospin growth averaged over the Boltzmann initial angle,
  ``WER = 1 − exp(−(π²Δ/4)·exp(−2(i−1)·t/τ_D))``;
  thermal-activation regime (i < 1), Néel–Brown with a spin-torque-lowered barrier,
  ``WER = exp(−t/τ)``, ``τ = τ0·exp(Δ(1−i)^b)``;
- the cell write energy, ``∝ i²·t`` (``V·I·t`` with ``I ∝ V``), relative to the nominal point;
- the write latency, ``periphery + pulse`` (applied to a technology in
  :mod:`accelsim.hardware.memory.technology`).

Validity (outside it the closed forms do not hold and a ConfigError is raised):

- thermal regime: the pulse must be at least the attempt time τ0 (the thermal-activation model
  describes MgO MTJs when the pulse is longer than the ~1 ns inverse attempt frequency,
  [P-TMAG12]), and the spin-torque-lowered barrier ``Δ(1−i)^b`` must be at least
  :data:`MIN_THERMAL_BARRIER_KT` k_BT (Arrhenius escape needs a barrier well above k_BT;
  *assumption*). Between that overdrive and i = 1 neither closed form applies;
- i = 1 exactly is the boundary of both regimes and is rejected.
"""
from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict

from accelsim.core.errors import ConfigError
from accelsim.core.ranges import Real

#: MTJ write pulses and device times: STT writes take 1-100 ns; 1 ms is far beyond any device
PulseNs = Real(0, 1e6, "MTJ write pulses and device times are 0.1-100 ns", "ns", lo_open=True)
CurrentUa = Real(0, 1e5, "MTJ switching currents are 10-500 µA", "µA", lo_open=True)

#: physical constants (CODATA 2018)
ELEMENTARY_CHARGE_C = 1.602176634e-19
BOLTZMANN_J_PER_K = 1.380649e-23
HBAR_J_S = 1.054571817e-34
#: electron gyromagnetic ratio γ in rad/(s·T)
GYROMAGNETIC_RAD_PER_S_T = 1.76085963e11

#: lowest spin-torque-lowered barrier, in k_BT, for which the thermal model is used (assumption)
MIN_THERMAL_BARRIER_KT = 5.0


class MramWritePoint(BaseModel):
    """Where an STT-MRAM buffer is written, and the MTJ device it writes.

    The operating point: ``voltage_scale`` × the nominal write voltage (the overdrive i scales
    with it) and the write ``pulse_ns``. ``pulse_ns = None`` (the default) means the pulse the
    technology preset's cell was characterised with (its ``cell_write_pulse_ns``), so a point
    that only sets the voltage keeps the preset's pulse (``apply_write_point`` in
    :mod:`accelsim.hardware.memory.technology` fills it in). Standalone, the physics (WER, cell energy,
    validity) needs a pulse: give ``pulse_ns`` or use :meth:`resolved`. ``voltage_scale = 1`` is
    the preset's own (nominal-current) write; the device fields below are not recorded by the
    presets.

    Device defaults ([P-But], [T-ARM]; docs/design.md §5):
    Δ = 60, Gilbert damping α = 0.01, spin-polarisation efficiency η = 0.5, μ0·H_K = 0.5 T and
    T = 300 K give I_c0 = 4αe·k_BT·Δ/(ħη) = 30.2 µA and τ_D = (1+α²)/(αγμ0H_K) = 1.136 ns (the
    formulas of ARM's MRAM simulation framework [T-ARM]). The nominal point is NVSim's sample
    STT cell: 80 µA, 10 ns, 1 pJ per bit [T-NVSim]. Thermal regime: attempt time τ0 = 1 ns
    [P-TMAG12] and barrier exponent b = 2 (Taniguchi & Imamura, Fokker–Planck [P-Tan]; b = 1 is
    the older architecture-paper form). ``ic0_ua`` and ``tau_d_ns`` override the derived
    values when given.
    """
    model_config = ConfigDict(extra="forbid", frozen=True)
    voltage_scale: Real(0, 10, "a multiple of the nominal write voltage; above ~2x the MTJ "
                        "barrier breaks down", lo_open=True) = 1.0
    pulse_ns: PulseNs | None = None
    thermal_stability_delta: Real(0, 1000, "Δ = E_b/k_BT is 40-100 in products", "k_BT",
                                  lo_open=True) = 60.0
    damping_alpha: Real(0, 1, "Gilbert damping of CoFeB is 0.004-0.03", lo_open=True) = 0.01
    spin_polarization_eta: Real(0, 1, "an efficiency", lo_open=True) = 0.5
    anisotropy_field_t: Real(0, 100, "μ0·H_K of perpendicular MTJs is 0.1-2 T", "T",
                             lo_open=True) = 0.5
    temperature_k: Real(0, 1000, "chips operate at 4-400 K", "K", lo_open=True) = 300.0
    ic0_ua: CurrentUa | None = None
    tau_d_ns: PulseNs | None = None
    nominal_current_ua: CurrentUa = 80.0
    nominal_pulse_ns: PulseNs = 10.0
    attempt_time_ns: PulseNs = 1.0
    thermal_exponent_b: Real(0, 10, "1 or 2 in the literature", lo_open=True) = 2.0

    def resolved(self, pulse_ns: float) -> "MramWritePoint":
        """This point with ``pulse_ns`` filled in when it is unset (an explicit pulse is kept)."""
        if self.pulse_ns is not None:
            return self
        return self.model_copy(update={"pulse_ns": float(pulse_ns)})

    def pulse(self, *, source: str | None = None, field: str | None = None) -> float:
        """The write pulse in ns; ConfigError when it is unset (not resolved against a preset)."""
        if self.pulse_ns is None:
            raise ConfigError(
                "the write pulse is unset (None means the technology preset's cell pulse)",
                source=source, field=f"{field}.pulse_ns" if field else "pulse_ns",
                fix="give pulse_ns, or use MramWritePoint.resolved(pulse_ns=...) / "
                    "apply_write_point with a technology")
        return self.pulse_ns

    @property
    def critical_current_ua(self) -> float:
        """I_c0 = 4αe·k_BT·Δ/(ħη), in µA (or the ``ic0_ua`` override)."""
        if self.ic0_ua is not None:
            return self.ic0_ua
        amps = (4 * self.damping_alpha * ELEMENTARY_CHARGE_C * BOLTZMANN_J_PER_K
                * self.temperature_k * self.thermal_stability_delta
                / (HBAR_J_S * self.spin_polarization_eta))
        return amps * 1e6

    @property
    def precession_time_ns(self) -> float:
        """τ_D = (1+α²)/(α·γ·μ0H_K), in ns (or the ``tau_d_ns`` override)."""
        if self.tau_d_ns is not None:
            return self.tau_d_ns
        a = self.damping_alpha
        return (1 + a * a) / (a * GYROMAGNETIC_RAD_PER_S_T * self.anisotropy_field_t) * 1e9

    @property
    def overdrive(self) -> float:
        """i = I/I_c0 at this operating point (I = voltage_scale × the nominal current)."""
        return self.voltage_scale * self.nominal_current_ua / self.critical_current_ua

    @property
    def regime(self) -> str:
        return "precessional" if self.overdrive > 1.0 else "thermal"

    @property
    def cell_energy_scale(self) -> float:
        """Cell write energy relative to the nominal point: (V/V_nom)²·(t/t_nom) ∝ i²·t."""
        return self.voltage_scale ** 2 * self.pulse() / self.nominal_pulse_ns


def check_validity(point: MramWritePoint, *, source: str | None = None,
                   field: str | None = None) -> None:
    """Raise ConfigError when no closed-form WER model is valid at ``point``."""
    i = point.overdrive
    delta = point.thermal_stability_delta
    b = point.thermal_exponent_b
    state = (f"voltage_scale {point.voltage_scale:g} gives overdrive i = I/I_c0 = {i:.3f} "
             f"(I_c0 = {point.critical_current_ua:.1f} µA)")
    if i == 1.0:
        raise ConfigError(f"{state}: exactly at the critical current, neither WER model applies",
                          source=source, field=field, fix="choose i > 1 (precessional) or well "
                          "below 1 (thermal)")
    if i > 1.0:
        return
    barrier = delta * (1.0 - i) ** b
    if barrier < MIN_THERMAL_BARRIER_KT:
        i_max = 1.0 - (MIN_THERMAL_BARRIER_KT / delta) ** (1.0 / b)
        v_max = i_max * point.critical_current_ua / point.nominal_current_ua
        v_min = point.critical_current_ua / point.nominal_current_ua
        raise ConfigError(
            f"{state}: sub-critical barrier Δ(1−i)^b = {barrier:.2f} k_BT is below "
            f"{MIN_THERMAL_BARRIER_KT:g} k_BT, between the thermal and precessional models",
            source=source, field=field,
            fix=f"use voltage_scale > {v_min:.4f} (precessional) or <= {v_max:.4f} (thermal)")
    pulse_ns = point.pulse(source=source, field=field)
    if pulse_ns < point.attempt_time_ns:
        raise ConfigError(
            f"{state}: a thermal-regime pulse of {pulse_ns:g} ns is shorter than the "
            f"attempt time τ0 = {point.attempt_time_ns:g} ns", source=source, field=field,
            fix=f"use pulse_ns >= {point.attempt_time_ns:g} or an overdrive i > 1")


def write_error_rate(point: MramWritePoint, *, source: str | None = None,
                     field: str | None = None) -> float:
    """Probability that one write of a bit that must toggle leaves it unswitched."""
    t = point.pulse(source=source, field=field)
    check_validity(point, source=source, field=field)
    i = point.overdrive
    delta = point.thermal_stability_delta
    if i > 1.0:
        exponent = -2.0 * (i - 1.0) * t / point.precession_time_ns
        return -math.expm1(-(math.pi ** 2 * delta / 4.0) * math.exp(exponent))
    tau_ns = point.attempt_time_ns * math.exp(delta * (1.0 - i) ** point.thermal_exponent_b)
    return math.exp(-t / tau_ns)
