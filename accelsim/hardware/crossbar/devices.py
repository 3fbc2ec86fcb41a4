"""Crossbar device presets for the functional model, and NeuroSim's nonlinear update curve.

Per-device numbers (states, nonlinearity labels, R_on, on/off ratio, cycle-to-cycle σ, write
pulses) are those of NeuroSim's published device table: MLP_NeuroSim V3.0 user manual, Table II
(github neurosim/MLP_NeuroSim_V3.0, ``documents/NeuroSimV3.0_user_mannual.pdf``), as restated in
docs/design.md §6. Parameters Table II does not give take these defaults, each with its anchor
in another simulator:

- read noise σ 1 % of G (NeuroSim read noise; CrossSim's < 5 % requirement);
- device-to-device σ 10 % of each device's conductance range (NeuroSim conductance-range
  variation; aihwkit ``w_max_dtod``);
- stuck-at faults 0.1 % at G_min and 0.1 % at G_max (MNSIM 2.0 SimConfig ``Device_SAF``);
- 8-bit signed DAC and ADC, ADC full scale 12 normalised units (aihwkit ``out_bound``).

Update curve (NeuroSim, ``Cell.cpp``): a device at pulse position P of a direction's curve has
normalised conductance ``c(P) = (1 − e^{−P/A}) / (1 − e^{−P_max/A})`` in [0, 1], i.e.
``G(P) = B(1 − e^{−P/A}) + G_min`` with ``B = (G_max − G_min)/(1 − e^{−P_max/A})``. A carries the
sign of the nonlinearity label NL; ``A = a(|NL|)·P_max``. ``a`` is NeuroSim's table
(NL 1 → 1.25, 2.4 → 0.499, 4.88 → 0.200, 6 → 0.136, 9 → 0.023), interpolated log-log for
1 ≤ |NL| ≤ 9. Below NL 1 (outside the published points) ``a`` is solved from the label's
definition NL = 10 × the largest deviation of c(P) from the straight line, which reproduces the
published NL 1 point within 1 %. NL 0 is a linear device. A device with ``states``
distinct conductance levels per direction has ``P_max = states − 1``.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

from accelsim.core.errors import ConfigError
from accelsim.core.ranges import DOC, Plausible
from accelsim.core.registry import Registry

if TYPE_CHECKING:  # numpy is imported by the curve functions, not by loading a config
    import numpy as np

_TABLE_II = ("MLP_NeuroSim V3.0 user manual, Table II (neurosim/MLP_NeuroSim_V3.0) [T-NS3]; "
             "docs/design.md §6")
_NOTES_52 = "non-table defaults: docs/accuracy.md (read noise, device-to-device, stuck cells, converters)"


@dataclass(frozen=True)
class CrossbarDevice:
    """A crossbar cell technology plus the converters and the weight mapping around it.

    Conductances are normalised so that G_max − G_min = 1; weights are stored one device per
    weight against a virtual reference current (G_max + G_min)/2, so ``w = w_max·(2c − 1)``.
    """
    name: str
    source: str
    states_ltp: int | None = None        # distinct conductance levels, potentiation (None: analog)
    states_ltd: int | None = None        # distinct conductance levels, depression
    nl_ltp: float = 0.0                  # NeuroSim nonlinearity label, potentiation
    nl_ltd: float = 0.0                  # NeuroSim nonlinearity label, depression
    r_on_ohm: float | None = None
    on_off_ratio: float = math.inf       # G_max / G_min
    c2c_sigma: float = 0.0               # write noise per √pulse, fraction of G_max − G_min
    read_noise_sigma: float = 0.0        # read noise, fraction of the device's conductance G
    d2d_sigma: float = 0.0               # device-to-device σ of the conductance range (relative)
    stuck_at_gmin_fraction: float = 0.0  # fraction of devices stuck at G_min
    stuck_at_gmax_fraction: float = 0.0  # fraction of devices stuck at G_max
    adc_bits: int | None = None          # signed ADC; None: no output quantisation
    dac_bits: int | None = None          # signed DAC; None: no input quantisation
    adc_range: float = 12.0              # ADC full scale, in units of one full input × one full weight
    rows_per_tile: int = 128             # rows summed on one ADC conversion (forward)
    cols_per_tile: int = 128             # columns summed on one ADC conversion (transpose)
    init_range_fraction: float = 0.5     # max |initial weight| as a fraction of w_max
    update_scheme: Literal["per_sample", "pulse_train", "batch_summed"] = "per_sample"
    update_rounding: Literal["deterministic", "stochastic"] = "stochastic"
    pulse_train_length: int = 31         # pulse_train: bits per stochastic train (aihwkit BL)
    write_voltage_ltp_v: float | None = None
    write_pulse_width_ltp_ns: float | None = None
    write_voltage_ltd_v: float | None = None
    write_pulse_width_ltd_ns: float | None = None

    @property
    def is_ideal(self) -> bool:
        """True when no non-ideality is on: the crossbar computes exact float math."""
        return (self.states_ltp is None and self.states_ltd is None and self.nl_ltp == 0
                and self.nl_ltd == 0 and self.c2c_sigma == 0 and self.read_noise_sigma == 0
                and self.d2d_sigma == 0 and self.stuck_at_gmin_fraction == 0
                and self.stuck_at_gmax_fraction == 0 and self.adc_bits is None
                and self.dac_bits is None and math.isinf(self.on_off_ratio))

    def as_dict(self) -> dict[str, Any]:
        return {k: (None if isinstance(v, float) and math.isinf(v) else v)
                for k, v in dataclasses.asdict(self).items()}


DEVICES: Registry[CrossbarDevice] = Registry("crossbar device preset")

_SHARED = dict(read_noise_sigma=0.01, d2d_sigma=0.10, stuck_at_gmin_fraction=0.001,
               stuck_at_gmax_fraction=0.001, adc_bits=8, dac_bits=8)
_US, _MS = 1e3, 1e6  # ns per µs, ns per ms

for _device in (
    CrossbarDevice("ideal", "no non-idealities: exact float VMM, MVM and update"),
    CrossbarDevice("ag-a-si", f"Ag:a-Si; {_TABLE_II}; {_NOTES_52}", 97, 100, 2.4, -4.88,
                   26e6, 12.5, 0.035, write_voltage_ltp_v=3.2, write_pulse_width_ltp_ns=300 * _US,
                   write_voltage_ltd_v=-2.8, write_pulse_width_ltd_ns=300 * _US, **_SHARED),
    CrossbarDevice("taox-hfox", f"TaOx/HfOx; {_TABLE_II}; {_NOTES_52}", 128, 128, 0.04, -0.63,
                   100e3, 10.0, 0.037, write_voltage_ltp_v=1.6, write_pulse_width_ltp_ns=50,
                   write_voltage_ltd_v=1.6, write_pulse_width_ltd_ns=50, **_SHARED),
    CrossbarDevice("pcmo", f"PCMO; {_TABLE_II} (c2c < 1 %, taken as 1 %); {_NOTES_52}", 50, 50,
                   3.68, -6.76, 23e6, 6.84, 0.01, write_voltage_ltp_v=-2.0,
                   write_pulse_width_ltp_ns=1 * _MS, write_voltage_ltd_v=2.0,
                   write_pulse_width_ltd_ns=1 * _MS, **_SHARED),
    CrossbarDevice("alox-hfo2", f"AlOx/HfO2; {_TABLE_II}; {_NOTES_52}", 40, 40, 1.94, -0.61,
                   16.9e3, 4.43, 0.05, write_voltage_ltp_v=0.9, write_pulse_width_ltp_ns=100 * _US,
                   write_voltage_ltd_v=-1.0, write_pulse_width_ltd_ns=100 * _US, **_SHARED),
    CrossbarDevice("gst-pcm", f"GST PCM; {_TABLE_II} (states 100–120: 100 LTP, 120 LTD; no "
                   f"pulse given); {_NOTES_52}", 100, 120, 0.105, 2.4, 4.71e3, 19.8, 0.015,
                   **_SHARED),
    CrossbarDevice("epiram", f"EpiRAM (Ag:SiGe); {_TABLE_II}; {_NOTES_52}", 64, 64, 0.5, -0.5,
                   81e3, 50.2, 0.02, write_voltage_ltp_v=5.0, write_pulse_width_ltp_ns=5 * _US,
                   write_voltage_ltd_v=-3.0, write_pulse_width_ltd_ns=5 * _US, **_SHARED),
    CrossbarDevice("hzo-fefet", f"HZO FeFET; {_TABLE_II} (c2c < 0.5 %, taken as 0.5 %); "
                   f"{_NOTES_52}", 32, 32, 1.75, 1.46, 559e3, 45.0, 0.005,
                   write_voltage_ltp_v=3.65, write_pulse_width_ltp_ns=75,
                   write_voltage_ltd_v=-2.95, write_pulse_width_ltd_ns=75, **_SHARED),
):
    DEVICES.add(_device.name, _device)

_INT_FIELDS = {"states_ltp", "states_ltd", "adc_bits", "dac_bits", "rows_per_tile", "cols_per_tile",
               "pulse_train_length"}
#: fields that take one of a few names, and those names
CHOICES = {"update_rounding": ("stochastic", "deterministic"),
           "update_scheme": ("per_sample", "pulse_train", "batch_summed")}
_FRACTIONS = {"c2c_sigma", "read_noise_sigma", "d2d_sigma", "stuck_at_gmin_fraction",
              "stuck_at_gmax_fraction"}
_FIXED = {"name", "source"}
#: plausible ranges of numeric parameters (docs/inputs.md); the fractions ([0, 1]), the
#: nonlinearity labels ([-9, 9]) and the converter bits (2-24) are checked by _check
PARAMETER_RANGES = {
    **dict.fromkeys(("states_ltp", "states_ltd"),
                    Plausible(2, 1 << 16, "analog devices hold 2-1000 conductance levels; 2^16")),
    "r_on_ohm": Plausible(1, 1e9, "ReRAM low-resistance states are 1 kΩ-1 MΩ; 1 GΩ", "Ω"),
    "on_off_ratio": Plausible(1, 1e9, "G_max/G_min of ReRAM/PCM is 2-1000 (null: infinite)",
                              lo_open=True),
    "adc_range": Plausible(0, 1e6, "ADC full scale in full input x full weight units",
                           lo_open=True),
    **dict.fromkeys(("rows_per_tile", "cols_per_tile"),
                    Plausible(1, 4096, "crossbars are 64-1024 lines a side; x4 margin")),
    "init_range_fraction": Plausible(0, 1, "a fraction of w_max", lo_open=True),
    "pulse_train_length": Plausible(1, 1 << 16, "stochastic pulse trains are 1-64 bits"),
    **dict.fromkeys(("write_voltage_ltp_v", "write_voltage_ltd_v"),
                    Plausible(0, 100, "ReRAM write pulses are 0.5-5 V", "V", lo_open=True)),
    **dict.fromkeys(("write_pulse_width_ltp_ns", "write_pulse_width_ltd_ns"),
                    Plausible(0, 1e6, "write pulses are 1-1000 ns; 1 ms", "ns", lo_open=True)),
}


def resolve_device(name: str, parameters: dict[str, Any] | None = None, *,
                   source: str | None = None, field: str = "crossbar") -> CrossbarDevice:
    """The preset ``name`` with ``parameters`` overriding its fields, validated."""
    device = DEVICES.get(name, source=source, field=f"{field}.device")
    valid = [f.name for f in dataclasses.fields(CrossbarDevice) if f.name not in _FIXED]
    updates: dict[str, Any] = {}
    for key, value in (parameters or {}).items():
        where = f"{field}.parameters.{key}"
        if key not in valid:
            raise ConfigError(f"unknown crossbar parameter {key!r}", source=source, field=where,
                              fix="valid parameters: " + ", ".join(valid))
        updates[key] = _coerce(key, value, source, where)
    device = dataclasses.replace(device, **updates)
    _check(device, source, field)
    return device


def _coerce(key: str, value: Any, source: str | None, where: str) -> Any:
    if key in CHOICES:
        if value not in CHOICES[key]:
            raise ConfigError(f"invalid value {value!r}", source=source, field=where,
                              fix="use one of " + ", ".join(CHOICES[key]))
        return value
    if value is None:
        return math.inf if key == "on_off_ratio" else None
    try:  # (strings too: --param NAME=V1,V2 gives text)
        number = float(value)
        if isinstance(value, bool):
            raise TypeError(value)
    except (TypeError, ValueError):
        raise ConfigError(f"expected a number, got {value!r}", source=source, field=where,
                          fix="write a number (not true/false)") from None
    plausible = PARAMETER_RANGES.get(key)
    if plausible is not None and (problem := plausible.problem(number)):
        raise ConfigError(problem, source=source, field=where,
                          fix=f"use a value in range (each range and its source: {DOC})")
    if key in _INT_FIELDS:
        if number != int(number):
            raise ConfigError(f"expected an integer, got {value!r}", source=source, field=where)
        return int(number)
    return number


def _check(d: CrossbarDevice, source: str | None, field: str) -> None:
    def bad(name: str, message: str, fix: str) -> ConfigError:
        return ConfigError(message, source=source, field=f"{field}.parameters.{name}", fix=fix)

    for name in _FRACTIONS:
        if not 0.0 <= getattr(d, name) <= 1.0:
            raise bad(name, f"{getattr(d, name)} is outside [0, 1]", "give a fraction in [0, 1]")
    if d.stuck_at_gmin_fraction + d.stuck_at_gmax_fraction > 1.0:
        raise bad("stuck_at_gmax_fraction", "stuck-at fractions add up to more than 1",
                  "lower the stuck-at fractions")
    for name in ("states_ltp", "states_ltd"):
        value = getattr(d, name)
        if value is not None and value < 2:
            raise bad(name, f"{value} states cannot store a weight", "use at least 2 states")
    if (d.states_ltp is None) != (d.states_ltd is None):
        raise bad("states_ltd", "give states for both directions or for neither",
                  "set states_ltp and states_ltd, or both null for an analog device")
    for name in ("nl_ltp", "nl_ltd"):
        value = getattr(d, name)
        if abs(value) > 9.0:
            raise bad(name, f"nonlinearity label {value} is beyond NeuroSim's table (|NL| ≤ 9)",
                      "use a label in [-9, 9]")
        if value != 0 and d.states_ltp is None:
            raise bad(name, "a nonlinear update needs a finite number of states",
                      "set states_ltp/states_ltd, or NL 0")
    for name in ("adc_bits", "dac_bits"):
        value = getattr(d, name)
        if value is not None and not 2 <= value <= 24:
            raise bad(name, f"{value} bits is out of range", "use 2..24 bits or null for none")
    if not d.on_off_ratio > 1.0:
        raise bad("on_off_ratio", f"on/off ratio {d.on_off_ratio} must exceed 1",
                  "give G_max/G_min > 1")
    for name in ("adc_range", "init_range_fraction"):
        if not getattr(d, name) > 0:
            raise bad(name, "must be positive", "give a positive number")
    if d.init_range_fraction > 1:
        raise bad("init_range_fraction", "initial weights cannot exceed the range",
                  "use a fraction in (0, 1]")
    for name in ("rows_per_tile", "cols_per_tile"):
        if getattr(d, name) < 1:
            raise bad(name, "must be at least 1", "give a tile size in cells")
    if d.pulse_train_length < 1:
        raise bad("pulse_train_length", "must be at least 1", "give the bits per pulse train, e.g. 31")
    if d.update_scheme == "pulse_train" and d.update_rounding == "deterministic":
        raise bad("update_rounding", "pulse trains are stochastic; deterministic rounding applies "
                  "to per_sample and batch_summed only", "use stochastic, or another update scheme")


# ---- NeuroSim nonlinearity label → normalised A -------------------------------------------------

_NL_POINTS = (1.0, 2.4, 4.88, 6.0, 9.0)
_A_POINTS = (1.25, 0.499, 0.200, 0.136, 0.023)


@lru_cache(maxsize=1)
def _grid():
    import numpy as np
    return np.linspace(0.0, 1.0, 4001)


def _max_deviation(a: float) -> float:
    import numpy as np
    grid = _grid()
    return float(np.max(np.expm1(-grid / a) / np.expm1(-1.0 / a) - grid))


def normalised_a(nl: float) -> float:
    """NeuroSim's A/P_max for nonlinearity label ``|nl|`` (inf for a linear device)."""
    label = abs(nl)
    if label == 0.0:
        return math.inf
    if label >= 1.0:
        import numpy as np
        return float(np.exp(np.interp(np.log(label), np.log(np.array(_NL_POINTS)),
                                      np.log(np.array(_A_POINTS)))))
    lo, hi = math.log(1.0), math.log(1e5)  # a(NL < 1) > a(1) ≈ 1.24
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if 10.0 * _max_deviation(math.exp(mid)) > label:
            lo = mid
        else:
            hi = mid
    return math.exp(0.5 * (lo + hi))


def curve_a(nl: float, p_max: int) -> float:
    """Signed A (in pulses) of a direction's G(P) curve."""
    return math.copysign(normalised_a(nl) * p_max, nl) if nl != 0 else math.inf


def conductance(p: np.ndarray, a: float, p_max: int) -> np.ndarray:
    """Normalised conductance c(P) in [0, 1] at pulse position ``p`` of a G(P) curve."""
    import numpy as np
    if math.isinf(a):
        return p / p_max
    return (1.0 - np.exp(-p / a)) / -math.expm1(-p_max / a)


def pulse_position(c: np.ndarray, a: float, p_max: int) -> np.ndarray:
    """Inverse of :func:`conductance`: the (fractional) pulse position of conductance ``c``."""
    import numpy as np
    if math.isinf(a):
        return c * p_max
    return -a * np.log(1.0 + c * math.expm1(-p_max / a))
