"""Configuration of the analog ReRAM crossbar tiles of a machine (the ``crossbar:`` section).

A tile is a ``rows × cols`` array of ReRAM cells with DACs on the rows and ADCs on the columns
(and, for the transpose multiply of the backward pass, ADCs on the rows too). The geometry,
converter and timing fields default to a tile preset (:mod:`accelsim.hardware.crossbar.presets`); any field
given in the file overrides the preset's value.

Decisions documented here and in docs/crossbar.md:

* **ADC sharing.** ``cols_per_adc`` physical columns share one ADC, so a tile has
  ``cols / cols_per_adc`` column ADCs; ``rows_per_adc`` (default: the same factor) gives the row
  ADCs of the transpose direction. The factor must *divide* the number of lines: every ADC then
  serves the same number of lines and none is left half-used. A factor of 0 or one larger than the
  lines would leave the tile without ADCs and is rejected.
* **Weight encoding.** ``differential``: a weight is a pair of cells in adjacent columns
  (G⁺ − G⁻), subtracted in analog before the ADC, so a tile holds ``cols / 2`` weight columns
  (``cols`` must be even). ``reference_column``: one weight per cell and one reference column per
  tile holding the zero level, subtracted in analog; a tile holds ``cols − 1`` weight columns.
* **Input mode.** ``pwm``: an input vector is applied once, as pulse widths of ``dac_bits``
  resolution; ``read_ns`` must cover the full-scale pulse. ``bit_serial``: the input is streamed
  one bit per pass through 1-bit drivers, ``dac_bits`` passes, each pass converted by the ADCs and
  merged by a shift-and-add.
* **Update pulses.** ``update.rule: average`` uses ``average_pulses_per_update`` pulses per cell and
  update event; ``update.rule: states`` derives it from the device's number of states and the mean
  update magnitude: ``update_fraction × (states − 1)`` (one pulse moves a weight by
  1/(states − 1) of its range).
* **Mapping.** ``layers: all`` maps every weight layer; a list maps those layers only;
  ``exclude_layers`` keeps layers digital (e.g. the first and the last). Weights stay in place for
  the whole run, so all mapped layers must fit in ``tiles`` at once; a layer that does not fit is an
  error unless ``on_overflow: digital`` sends it to the systolic array.
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core.core_schema import ValidationInfo

from accelsim.core.errors import ConfigError
from accelsim.core.ranges import Int, Real
from accelsim.core.yamlfile import validate
from accelsim.hardware.crossbar.devices import DEVICES, CrossbarDevice, resolve_device
from accelsim.hardware.crossbar.presets import DEFAULT_PRESET, TILE_PRESETS, TilePreset

#: device parameters that the tile fields set (the error profile passes the tile's values), and the
#: crossbar field that sets each
TILE_OWNED_PARAMETERS = {"adc_bits": "adc_bits", "dac_bits": "dac_bits", "rows_per_tile": "rows",
                         "cols_per_tile": "cols", "update_scheme": "update.scheme",
                         "update_rounding": "update.rounding",
                         "pulse_train_length": "update.pulse_train_length"}
#: fallback number of states for a device without a finite number (the ``ideal`` device):
#: NeuroSim MLP V3.0 RealDevice default, 64 levels ([T-NS3])
DEFAULT_STATES = 64


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


#: crossbar rows, columns and the lines an ADC serves: IR drop keeps arrays at 64-1024 a side
Lines = Int(1, 4096, "ReRAM crossbars are 64-1024 lines a side (IR drop); x4 margin")
#: times of one crossbar read or write pulse
PulseNs = Real(0, 1e6, "crossbar reads and write pulses take 1-1000 ns; 1 ms", "ns", lo_open=True)
ConverterBits = Int(1, 32, "DACs and ADCs resolve 1-16 bits; 32")
Pulses = Real(0, 1e6, "write pulses per cell and event: 1 to a few hundred; 10^6", lo_open=True)


class UpdateRule(_Strict):
    """How the outer-product update is pulsed (``scheme``, ``rounding``) and how many write pulses
    an update event applies (``rule``; docs/crossbar.md, docs/design.md §6).

    ``scheme``: ``per_sample`` (default) pulses every sample's outer product as its own step, as
    crossbar training hardware does (NeuroSim V3.0 ``Train.cpp`` writes every image's update;
    Marinella et al. 2018; Gokmen & Vlasov 2016), so a timing run has one update event per
    vector; ``pulse_train`` pulses every sample with stochastic trains of ``pulse_train_length``
    bits (aihwkit), one event of ``pulse_train_length`` slots per vector; ``batch_summed`` sums
    the batch's outer product digitally and pulses once per step (one event per step and vector
    position; the digital summation is not timed). ``rounding`` (stochastic | deterministic)
    turns wanted steps into whole pulses in the functional model; unset, the accuracy profile's
    rounding applies.
    """
    scheme: Literal["per_sample", "pulse_train", "batch_summed"] = "per_sample"
    rounding: Literal["stochastic", "deterministic"] | None = None
    pulse_train_length: Int(1, 1 << 16, "stochastic pulse trains are 1-64 bits (aihwkit BL "
                            "31); 2^16") = Field(
        default=31, description="scheme pulse_train: bits per stochastic pulse train (aihwkit "
        "desired_bl 31)")
    rule: Literal["average", "states"] = "average"
    average_pulses_per_update: Pulses = Field(
        default=1.0, description="rule 'average': mean pulses per cell per update event "
        "(default 1: the minimum non-zero update, an assumption)")
    states: Int(2, 1 << 16, "analog devices hold 2-1000 conductance levels; 2^16") = Field(
        description="conductance states per direction; default: the "
                        "device preset's (the larger of LTP and LTD), 64 for a device without "
                        "finite states (NeuroSim MLP V3.0 RealDevice)")
    update_fraction: Real(0, 1, "a fraction of the weight range", lo_open=True) | None = Field(
        default=None, description="rule 'states': mean |Δw| per update event as a "
        "fraction of the weight range")
    slots_per_update: Int(1, 1 << 16, "pulse slots per event: 1 to 31 (aihwkit BL); 2^16"
                          ) | None = Field(
        default=None, description="pulse slots an update event takes (its time); default: the mean "
        "pulses rounded up (deterministic pulsing); 31 for aihwkit-style stochastic pulse trains")
    program_pulses_per_weight: Pulses | None = Field(
        default=None, description="one-time programming pulses per weight; default (states − 1)/2, "
        "the mean distance from the reset state to a uniformly distributed target")

    @model_validator(mode="after")
    def _check(self):
        if self.scheme == "pulse_train" and self.rounding == "deterministic":
            raise ValueError("pulse trains are stochastic; rounding deterministic applies to "
                             "scheme per_sample and batch_summed only")
        if self.rule == "states" and self.update_fraction is None:
            raise ValueError("update.rule 'states' needs update_fraction (mean |Δw| per update as a "
                             "fraction of the weight range, e.g. 0.01)")
        return self

    @property
    def mean_pulses(self) -> float:
        """Mean write pulses per cell and update event."""
        if self.rule == "states":
            return float(self.update_fraction) * (self.states - 1)
        return float(self.average_pulses_per_update)

    @property
    def slots(self) -> int:
        """Pulse slots (each ``write_pulse_ns`` long) per update event."""
        if self.slots_per_update is not None:
            return self.slots_per_update
        if self.scheme == "pulse_train":
            return self.pulse_train_length
        m = self.mean_pulses
        return max(1, int(m) if m == int(m) else int(m) + 1)

    @property
    def program_pulses(self) -> float:
        if self.program_pulses_per_weight is not None:
            return float(self.program_pulses_per_weight)
        return (self.states - 1) / 2


class CrossbarConfig(_Strict):
    """The crossbar tiles of a machine and which layers they run."""
    preset: str = Field(default=DEFAULT_PRESET, description="tile preset supplying the defaults")
    tiles: Int(1, 1 << 20, "chips hold 10-10^4 crossbar tiles (ISAAC: 16,896); 2^20") = Field(
        default=64, description="number of tiles")
    rows: Lines
    cols: Lines
    weight_encoding: Literal["differential", "reference_column"] = "differential"
    input_mode: Literal["pwm", "bit_serial"]
    dac_bits: ConverterBits
    adc_bits: ConverterBits
    cols_per_adc: Lines
    rows_per_adc: Lines | None = None
    adc_rate_gsps: Real(0, 100, "SAR ADCs sample at 0.1-1.3 GS/s, flash ADCs ~10 GS/s; 100",
                        "GS/s", lo_open=True)
    read_ns: PulseNs
    read_voltage_v: Real(0, 10, "crossbar reads stay below the write threshold: 0.15-0.5 V "
                         "(MNSIM, NeuroSim); 10", "V", lo_open=True) = Field(
        description="read voltage on a driven row; with read_ns and the device's conductance it "
                    "prices a cell read")
    write_pulse_ns: PulseNs
    device: str = Field(default="ideal", description="device preset of the functional accuracy "
                        "model (accelsim/hardware/crossbar/devices.py)")
    parameters: dict[str, float | int | bool | str | None] = Field(
        default_factory=dict, description="non-ideality overrides of the device preset, passed to "
        "the functional accuracy model through the error profile")
    update: UpdateRule
    layers: Literal["all"] | list[str] = "all"
    exclude_layers: list[str] = Field(default_factory=list)
    on_overflow: Literal["error", "digital"] = "error"

    @model_validator(mode="before")
    @classmethod
    def _fill_defaults(cls, data: Any) -> Any:
        """Tile preset values, then the device's write pulse and number of states, fill the
        fields the file does not set."""
        if not isinstance(data, dict):
            return data
        given = dict(data)
        name = data.get("preset", DEFAULT_PRESET)
        if isinstance(name, str) and name in TILE_PRESETS:
            data = {**TILE_PRESETS.get(name).config_defaults(), **given}
        device = data.get("device", "ideal")
        if isinstance(device, str) and device in DEVICES:
            dev = DEVICES.get(device)
            pulse = device_pulse_ns(dev)
            if pulse is not None and "write_pulse_ns" not in given:
                data["write_pulse_ns"] = pulse
            update = data.get("update", {})
            if isinstance(update, dict) and "states" not in update:
                data["update"] = {**update, "states": device_states(dev)}
        return data

    @field_validator("preset")
    @classmethod
    def _known_preset(cls, v: str) -> str:
        return TILE_PRESETS.check(v)

    @field_validator("device")
    @classmethod
    def _known_device(cls, v: str) -> str:
        return DEVICES.check(v)

    @field_validator("cols_per_adc")
    @classmethod
    def _col_sharing(cls, v: int, info: ValidationInfo) -> int:
        return _check_sharing(v, info.data.get("cols"), "cols")

    @field_validator("rows_per_adc")
    @classmethod
    def _row_sharing(cls, v: int | None, info: ValidationInfo) -> int | None:
        return None if v is None else _check_sharing(v, info.data.get("rows"), "rows")

    @field_validator("layers")
    @classmethod
    def _layer_list(cls, v):
        if isinstance(v, list):
            if not v:
                raise ValueError("empty layer list; use 'all' or name at least one layer")
            if len(set(v)) != len(v):
                raise ValueError("a layer is listed twice")
        return v

    @model_validator(mode="after")
    def _check_parameters(self):
        owned = [k for k in self.parameters if k in TILE_OWNED_PARAMETERS]
        if owned:
            raise ValueError(f"parameters.{owned[0]} is set by crossbar."
                             f"{TILE_OWNED_PARAMETERS[owned[0]]}; remove it from parameters")
        try:
            self.resolved_device()
        except ConfigError as exc:
            raise ValueError(str(exc)) from None
        return self

    @model_validator(mode="after")
    def _check_geometry(self):
        if self.rows_per_adc is None and self.rows % self.row_sharing:
            raise ValueError(f"rows_per_adc defaults to cols_per_adc {self.cols_per_adc}, which does "
                             f"not divide rows {self.rows}; set rows_per_adc to a divisor of "
                             f"{self.rows}")
        if self.weight_encoding == "differential" and self.cols % 2:
            raise ValueError(f"cols {self.cols} is odd, but differential encoding stores each weight "
                             "in a pair of columns; use an even cols or weight_encoding "
                             "reference_column")
        if self.weight_encoding == "reference_column" and self.cols < 2:
            raise ValueError("reference_column encoding needs cols >= 2 (one reference column plus "
                             "at least one weight column)")
        return self

    # ---- derived quantities -------------------------------------------------------------------
    @property
    def row_sharing(self) -> int:
        return self.rows_per_adc if self.rows_per_adc is not None else min(self.cols_per_adc,
                                                                             self.rows)

    @property
    def col_adcs(self) -> int:
        """ADCs converting column outputs (forward VMM)."""
        return self.cols // self.cols_per_adc

    @property
    def row_adcs(self) -> int:
        """ADCs converting row outputs (backward transpose MVM)."""
        return self.rows // self.row_sharing

    @property
    def cells_per_weight(self) -> int:
        return 2 if self.weight_encoding == "differential" else 1

    @property
    def weight_cols(self) -> int:
        """Weight (logical) columns per tile."""
        return self.cols // 2 if self.weight_encoding == "differential" else self.cols - 1

    @property
    def reference_columns(self) -> int:
        return 1 if self.weight_encoding == "reference_column" else 0

    @property
    def passes(self) -> int:
        """Array passes per input vector: 1 for PWM, ``dac_bits`` for bit-serial input."""
        return self.dac_bits if self.input_mode == "bit_serial" else 1

    @property
    def adc_conversion_ns(self) -> float:
        return 1.0 / self.adc_rate_gsps

    @property
    def tile_preset(self) -> TilePreset:
        return TILE_PRESETS.get(self.preset)

    def device_parameters(self) -> dict:
        """The device overrides the functional model replays: the user's ``parameters`` plus the
        tile's converters, the lines summed per conversion in each direction and the update
        scheme (and its rounding, when set)."""
        out = {**self.parameters, "adc_bits": self.adc_bits, "dac_bits": self.dac_bits,
               "rows_per_tile": self.rows, "cols_per_tile": self.weight_cols,
               "update_scheme": self.update.scheme}
        if self.update.scheme == "pulse_train":
            out["pulse_train_length"] = self.update.pulse_train_length
        if self.update.rounding is not None:
            out["update_rounding"] = self.update.rounding
        return out

    def resolved_device(self, source: str | None = None) -> CrossbarDevice:
        return resolve_device(self.device, self.device_parameters(), source=source)

    def maps(self, layer_name: str) -> bool:
        """Whether the config asks for ``layer_name`` on crossbar tiles (before capacity checks)."""
        if layer_name in self.exclude_layers:
            return False
        return self.layers == "all" or layer_name in self.layers


def device_pulse_ns(dev: CrossbarDevice) -> float | None:
    """The device's write pulse width (the longer of LTP and LTD), if its preset gives one."""
    widths = [w for w in (dev.write_pulse_width_ltp_ns, dev.write_pulse_width_ltd_ns) if w]
    return max(widths) if widths else None


def device_states(dev: CrossbarDevice) -> int:
    counts = [s for s in (dev.states_ltp, dev.states_ltd) if s]
    return max(counts) if counts else DEFAULT_STATES


def _check_sharing(v: int, lines: int | None, what: str) -> int:
    if v < 1:
        raise ValueError(f"{v} {what} per ADC leaves the tile with zero ADCs; use a positive "
                         f"factor that divides {what}")
    if lines is None:
        return v
    if v > lines:
        raise ValueError(f"{v} {what} per ADC exceeds the tile's {lines} {what}, leaving zero ADCs; "
                         f"use a divisor of {lines}")
    if lines % v:
        divisors = [d for d in range(1, lines + 1) if lines % d == 0]
        raise ValueError(f"{v} {what} per ADC does not divide the tile's {lines} {what}, so the "
                         f"ADCs would serve unequal numbers of {what}; use one of "
                         + ", ".join(map(str, divisors)))
    return v


def crossbar_from_dict(data: Any, source: str | None = None) -> CrossbarConfig:
    """Validate a ``crossbar:`` mapping; problems become a one-line ConfigError."""
    if not isinstance(data, dict):
        raise ConfigError("the crossbar section must be a mapping", source=source, field="crossbar")
    try:
        return validate(CrossbarConfig, data, source)
    except ConfigError as exc:
        exc.field = "crossbar" + ("" if exc.field in (None, "<top>") else "." + exc.field)
        raise ConfigError(exc.message, source=source, field=exc.field, fix=exc.fix) from None
