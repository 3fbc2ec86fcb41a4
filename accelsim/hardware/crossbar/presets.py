"""Crossbar tile presets: geometry, converters, timing and area, each with its source.

A preset fills the fields of a :class:`~accelsim.hardware.crossbar.config.CrossbarConfig` that the user
does not set (``crossbar: {preset: isaac_32nm, cols_per_adc: 16}`` overrides one of them). Energies
per action (ADC conversion, DAC drive, cell read, write pulse, shift-add) are *not* here: they live
in the energy tables (``accelsim/energy/``, count first, price second) and are looked up by action,
ADC bits and node. The areas are here because the energy tables do not carry per-tile geometry.

Sources (tags of docs/design.md §13):

* ISAAC (Shafiee et al., ISCA 2016) as tabulated in Accelergy's ``hwcomponents-library``
  ``isaac.py``: one 8-bit, 1.2 GS/s SAR ADC (Kull et al., ISSCC 2013, 32 nm SOI) per 128×128
  crossbar (8 ADCs per 8-crossbar IMA; one ADC converts the 128 columns of its crossbar in one
  ~100 ns cycle), 1200 µm² per ADC; 1-bit DACs of 0.166 µm² per row (170 µm² / 128 rows / 8);
  shift-and-add units of 60 µm², 16-bit inputs streamed one bit per cycle.
* NeuroSim (DNN_NeuroSim V2.1 ``Param.cpp``, MLP_NeuroSim V3.0 ``Cell.cpp``, [T-NS3]): 128×128 subarrays,
  8 columns share one ADC, read pulse 10 ns at a 0.5 V read voltage (``readVoltage`` in both),
  10 ns write pulses, 1T1R cell of 4F × 4F.
* Murmann ADC survey model (Accelergy ``accelergy-adc-plug-in``, our run): best-case 8-bit ADC
  at 14 nm and 1 GS/s, 1.4–1.7e3 µm² (1650 µm² used in the recommended default set).
* Stillmaker & Baas (2017) area scaling 32 → 14 nm: ×0.380 (for the ISAAC DAC and shift-add).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from accelsim.core.registry import Registry


@dataclass(frozen=True)
class TilePreset:
    """One crossbar tile design. Field names of the configurable part equal the
    :class:`CrossbarConfig` field names; the ``*_area_um2*`` fields feed the area report.
    ``node_nm`` is the node the preset's numbers are for; energies are priced at the machine's
    ``node_nm`` (a machine using this preset should set that node)."""
    name: str
    node_nm: int
    rows: int
    cols: int
    cols_per_adc: int
    adc_bits: int
    adc_rate_gsps: float
    input_mode: str
    dac_bits: int
    read_ns: float
    read_voltage_v: float
    write_pulse_ns: float
    adc_area_um2: float
    dac_area_um2_per_line: float
    shift_add_area_um2: float
    cell_area_f2: float
    source: str

    #: fields copied into a CrossbarConfig as defaults
    CONFIG_FIELDS = ("rows", "cols", "cols_per_adc", "adc_bits", "adc_rate_gsps",
                     "input_mode", "dac_bits", "read_ns", "read_voltage_v", "write_pulse_ns")

    def config_defaults(self) -> dict:
        data = asdict(self)
        return {k: data[k] for k in self.CONFIG_FIELDS}


TILE_PRESETS: Registry[TilePreset] = Registry("crossbar tile preset")

_ISAAC = ("ISAAC (Shafiee et al., ISCA 2016) via Accelergy hwcomponents-library isaac.py: one 8-bit "
          "1.2 GS/s ADC (Kull ISSCC 2013, 32 nm) of 1200 um2 per 128x128 crossbar, 1-bit DACs "
          "0.166 um2/row, shift-add 60 um2, 16-bit inputs bit-serial; read 10 ns and 10 ns write "
          "pulses from NeuroSim, read voltage 0.5 V (DNN_NeuroSim V2.1 Param.cpp, MLP_NeuroSim V3.0 "
          "Cell.cpp); 1T1R cell 4F x 4F (MLP_NeuroSim V3.0)")
_SURVEY14 = ("128x128 subarray with 8 columns per ADC (DNN_NeuroSim V2.1 Param.cpp); 8-bit 1 GS/s "
             "ADC, best case of the Murmann survey model at 14 nm (Accelergy adc plug-in, our run; "
             "memory_energy.md §6-§7: 1650 um2); 8-bit PWM inputs (crossbar.md §5.2 default); "
             "read 10 ns at 0.5 V and 10 ns write pulses (NeuroSim); ISAAC DAC and shift-add areas "
             "scaled 32->14 nm by Stillmaker & Baas (x0.380); 1T1R cell 4F x 4F (MLP_NeuroSim V3.0)")

for _p in (
    TilePreset("isaac_32nm", node_nm=32, rows=128, cols=128, cols_per_adc=128, adc_bits=8,
               adc_rate_gsps=1.2, input_mode="bit_serial", dac_bits=16, read_ns=10.0,
               read_voltage_v=0.5, write_pulse_ns=10.0, adc_area_um2=1200.0,
               dac_area_um2_per_line=0.166,
               shift_add_area_um2=60.0, cell_area_f2=16.0, source=_ISAAC),
    TilePreset("survey_14nm", node_nm=14, rows=128, cols=128, cols_per_adc=8, adc_bits=8,
               adc_rate_gsps=1.0, input_mode="pwm", dac_bits=8, read_ns=10.0,
               read_voltage_v=0.5, write_pulse_ns=10.0, adc_area_um2=1650.0,
               dac_area_um2_per_line=0.166 * 0.380,
               shift_add_area_um2=60.0 * 0.380, cell_area_f2=16.0, source=_SURVEY14),
):
    TILE_PRESETS.add(_p.name, _p)

#: the preset whose areas apply when a config names none
DEFAULT_PRESET = "survey_14nm"
