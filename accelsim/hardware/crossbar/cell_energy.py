"""Energy of one crossbar cell read and one write pulse, from the tile and the device.

A cell driven at voltage V for time t through conductance G dissipates E = V² · G · t (Joule
heating of the cell; NeuroSim prices its array reads and write pulses the same way).

- Cell read: V = the tile's ``read_voltage_v``, t = its ``read_ns`` (the full pass: a PWM pass
  covers the full-scale pulse), G = the device's on conductance 1 / ``r_on_ohm`` (G_max: every
  cell read at its most conductive state, an upper bound).
- Write pulse: t = the tile's ``write_pulse_ns`` (the device's pulse unless the config sets it),
  G = G_max, V² = the mean of the potentiation and depression pulses' V² (the update counts do
  not split pulses by direction).

A device without ``r_on_ohm`` (``ideal``), or without write voltages (a write pulse of e.g.
``gst-pcm``), has no such physics: the energy table's entry prices it
(:mod:`accelsim.energy.prices`). Units: V² · S · ns = nJ, so × 1e3 gives pJ.
"""
from __future__ import annotations

from accelsim.hardware.crossbar.config import CrossbarConfig

PJ_PER_V2_S_NS = 1e3


def cell_read_energy(cfg: CrossbarConfig) -> tuple[float, str] | None:
    """(pJ per cell read, how it was derived), or None when the device has no on resistance."""
    dev = cfg.resolved_device()
    if not dev.r_on_ohm:
        return None
    g_s = 1.0 / dev.r_on_ohm
    pj = cfg.read_voltage_v ** 2 * g_s * cfg.read_ns * PJ_PER_V2_S_NS
    return pj, (f"derived: V_read² · G_on · read_ns = {cfg.read_voltage_v:g}² V² × "
                f"{g_s * 1e6:g} µS × {cfg.read_ns:g} ns (crossbar.read_voltage_v and read_ns; "
                f"device {dev.name} r_on_ohm {dev.r_on_ohm:g})")


def write_pulse_energy(cfg: CrossbarConfig) -> tuple[float, str] | None:
    """(pJ per write pulse, how it was derived), or None when the device has no on resistance
    or no write voltage."""
    dev = cfg.resolved_device()
    volts = [v for v in (dev.write_voltage_ltp_v, dev.write_voltage_ltd_v) if v is not None]
    if not dev.r_on_ohm or not volts:
        return None
    v2 = sum(v * v for v in volts) / len(volts)
    g_s = 1.0 / dev.r_on_ohm
    pj = v2 * g_s * cfg.write_pulse_ns * PJ_PER_V2_S_NS
    shown = " / ".join(f"{v:g}" for v in volts)
    return pj, (f"derived: V_write² · G_on · write_pulse_ns = mean({shown} V)² × {g_s * 1e6:g} µS "
                f"× {cfg.write_pulse_ns:g} ns (device {dev.name}; crossbar.write_pulse_ns)")
