"""Energy per action and static power per component, for one resolved hardware config.

A :class:`PriceList` turns (action group, action name) into the charges it incurs — a list of
(component, pJ per count) — and lists each powered component's static power in mW. It reads
only the resolved config dict (``HardwareConfig.resolved_dict()``) and an :class:`EnergyTable`;
every table entry it uses is recorded (``used``) so the run's summary can cite it.

Rules (docs/energy.md gives the derivations):

- MAC of format f at node n = (multiply_f + accumulate-add) at 45 nm × node factor(n); the
  accumulator is int32 for int8 and fp32 for bf16, fp16 and fp32 ([P-Hor], docs/design.md §7).
- PE pipeline registers per MAC: (2 × operand bits + accumulator bits) × register energy per bit
  (Aladdin, 40 nm) × factor(n)/factor(40).
- Vector op = one fp32 fused multiply-add lane operation = fp32 multiply + fp32 add × factor(n).
- Scratchpad word = the technology's per-``access_bits`` energy × word bits / access_bits;
  leakage = leakage_mw × capacity / reference capacity.
- Write buffer (a buffer's ``write_buffer``): every written word is one entry write and one drain
  read, each = the ``write_buffer.<node>nm`` SRAM energy per 64-bit access × word bits / 64, at
  the node of the buffer's technology; leakage = leakage_mw × entries × entry_bytes / 64 KB.
- DRAM: bits × (core read or write pJ/bit) and bits × I/O pJ/bit; activations × ACT+PRE energy;
  refreshes × refresh energy; active-standby rank-ns × (active − precharge standby) mW; static
  background = precharge standby per rank × ranks × channels.
- Crossbar: ADC per conversion by (bits, node); DAC and shift-add scaled from 32 nm; digital
  accumulation = int32 add. Cell read = V_read² · G_on · read_ns and write pulse = V_write² ·
  G_on · write_pulse_ns of the configured tile and device
  (:mod:`accelsim.hardware.crossbar.cell_energy`); the table's ``crossbar.cell_read_pj`` / ``write_pulse_pj`` are the fallback for a device without
  that physics, and an entry set by a user table wins over the physics.
"""
from __future__ import annotations

from dataclasses import dataclass

from accelsim.core.errors import ConfigError
from accelsim.energy.components import (
    DRAM_BACKGROUND,
    LEAKAGE,
    action_component,
    dynamic_names,
)
from accelsim.energy.table import DEFAULT_ORIGIN, EnergyTable, Entry
from accelsim.hardware.crossbar.cell_energy import cell_read_energy, write_pulse_energy
from accelsim.hardware.crossbar.config import crossbar_from_dict

#: format → (multiply entry, accumulate-add entry, operand bits, accumulator bits)
MAC_COMPOSITION = {
    "int8": ("int8_multiply", "int32_add", 8, 32),
    "bf16": ("bf16_multiply", "fp32_add", 16, 32),
    "fp16": ("fp16_multiply", "fp32_add", 16, 32),
    "fp32": ("fp32_multiply", "fp32_add", 32, 32),
}
#: crossbar action → the component it charges (declared in accelsim.energy.components)
CROSSBAR_COLUMNS = action_component("crossbar")
#: write-buffer energies are per access of this many bits, leakage and area per this capacity
WRITE_BUFFER_ACCESS_BITS = 64
WRITE_BUFFER_REFERENCE_BYTES = 64 * 1024
#: crossbar per-cell action → (table key of its fallback, the tile/device physics that prices it)
CELL_ENERGY = {"cell_reads": ("crossbar.cell_read_pj", cell_read_energy),
               "write_pulses": ("crossbar.write_pulse_pj", write_pulse_energy)}


@dataclass(frozen=True)
class Charge:
    component: str
    pj_per_count: float


def protected_kinds(config: dict) -> list[str]:
    """Tensor kinds whose stored words carry ECC check bits in a resolved hardware config."""
    return sorted(k for k, p in (config.get("protection") or {}).items()
                  if p.get("protect", "none") != "none")


class PriceList:
    """Prices for one resolved config; entries are looked up when an action is first priced,
    so a missing entry is an error only for a component in use."""

    def __init__(self, config: dict, table: EnergyTable, *, source: str = "hardware config"):
        self.config = config
        self.table = table
        self.source = source
        self.node_nm = int(config["node_nm"])
        self.used: dict[str, Entry] = {}
        self.buffers = {b["name"]: b for b in config["scratchpad"]}
        dram = config["dram"]["resolved"]
        self.dram = None if dram.get("ideal") else dram
        self._cache: dict[tuple[str, str], list[Charge]] = {}
        for key in table.keys("scratchpad."):
            buf_name = key[len("scratchpad."):].rsplit(".", 1)[0]
            if buf_name not in self.buffers:
                raise ConfigError(f"table entry names buffer {buf_name!r}, which the hardware "
                                  "config does not have", field=key,
                                  source=table.get(key, needed_for=key).origin,
                                  fix="valid buffers: " + ", ".join(self.buffers))

    # -- components -------------------------------------------------------------------------
    def dynamic_components(self, with_crossbar: bool) -> list[str]:
        return dynamic_names(self.buffers, dram=self.dram is not None, crossbar=with_crossbar,
                             protection=bool(protected_kinds(self.config)),
                             write_buffers=self.write_buffers())

    def write_buffers(self) -> list[str]:
        """The buffers that have a write buffer."""
        return [n for n, b in self.buffers.items() if b.get("write_buffer")]

    def write_buffer_bytes(self, buf_name: str) -> int:
        wb = self.buffers[buf_name]["write_buffer"]
        return wb["entries"] * wb["entry_bytes"]

    def write_buffer_value(self, buf_name: str, field: str) -> float:
        """A write-buffer SRAM number at the node of the buffer's technology."""
        node = self.buffers[buf_name]["resolved_technology"]["node_nm"]
        return self._value(f"write_buffer.{node}nm.{field}",
                           f"the write buffer of buffer {buf_name} ({node} nm SRAM)")

    def static_power_mw(self) -> dict[str, tuple[str, float]]:
        """component → (kind, power in mW) for every powered component."""
        out = {}
        for name, buf in self.buffers.items():
            leak = self.buffer_value(name, "leakage_mw")
            ref = buf["resolved_technology"]["reference_capacity_bytes"]
            out[f"buffer_{name}_leakage"] = (LEAKAGE, leak * buf["capacity_bytes"] / ref)
            if buf.get("write_buffer"):
                out[f"write_buffer_{name}_leakage"] = (
                    LEAKAGE, self.write_buffer_value(name, "leakage_mw")
                    * self.write_buffer_bytes(name) / WRITE_BUFFER_REFERENCE_BYTES)
        if self.dram is not None:
            per_rank = self._dram("precharge_standby_mw_per_rank", "DRAM background power")
            ranks = self.dram["ranks"] * self.dram["channels"]
            out["dram_background"] = (DRAM_BACKGROUND, per_rank * ranks)
        return out

    # -- per-action charges ------------------------------------------------------------------
    def charges(self, group: str, name: str, *, where: str) -> list[Charge]:
        key = (group, name)
        if key not in self._cache:
            self._cache[key] = self._price(group, name, where)
        return self._cache[key]

    def _price(self, group: str, name: str, where: str) -> list[Charge]:
        if group == "mac":
            mult, add, op_bits, acc_bits = MAC_COMPOSITION[name]
            f = self._node_factor(self.node_nm, f"{name} MACs")
            mac = (self._value(f"compute.{mult}_pj_45nm", f"{name} MACs")
                   + self._value(f"compute.{add}_pj_45nm", f"{name} MACs")) * f
            reg = (self._value("pe_register.pj_per_bit_access_40nm", "PE pipeline registers")
                   * (2 * op_bits + acc_bits) * f / self._node_factor(40, "PE registers"))
            return [Charge("mac", mac), Charge("pe_register", reg)]
        if group == "vector":
            f = self._node_factor(self.node_nm, "vector-unit ops")
            fma = (self._value("compute.fp32_multiply_pj_45nm", "vector-unit ops")
                   + self._value("compute.fp32_add_pj_45nm", "vector-unit ops"))
            return [Charge("vector", fma * f)]
        if group.startswith("buffer."):
            return self._buffer_charges(group[len("buffer."):], name, where)
        if group == "dram":
            return self._dram_charges(name)
        return [self._crossbar_charge(name, where)]

    def _buffer_charges(self, buf_name: str, action: str, where: str) -> list[Charge]:
        buf = self.buffers.get(buf_name)
        if buf is None:
            raise ConfigError(f"counts name buffer {buf_name!r}, which the hardware config does "
                              "not have", source=self.source, field=where,
                              fix="valid buffers: " + ", ".join(self.buffers))
        kind = "read" if action in ("read_words", "ecc_read_bits") else "write"
        tech = buf["resolved_technology"]
        energy = self.buffer_value(buf_name, f"{kind}_energy_pj")
        if action.startswith("ecc_"):  # side-band check bits: the buffer's energy per bit
            return [Charge(f"buffer_{buf_name}_ecc", energy / tech["access_bits"])]
        word_bits = buf["word_bytes"] * 8
        out = [Charge(f"buffer_{buf_name}_{kind}", energy * word_bits / tech["access_bits"])]
        if action == "write_words" and buf.get("write_buffer"):  # in, then drained to the banks
            per = word_bits / WRITE_BUFFER_ACCESS_BITS
            out += [Charge(f"write_buffer_{buf_name}_write",
                           self.write_buffer_value(buf_name, "write_energy_pj") * per),
                    Charge(f"write_buffer_{buf_name}_drain",
                           self.write_buffer_value(buf_name, "read_energy_pj") * per)]
        return out

    def buffer_value(self, buf_name: str, field: str) -> float:
        """A resolved-technology number of a buffer, or the table's per-buffer replacement."""
        key = f"scratchpad.{buf_name}.{field}"
        if key in self.table:
            return self._value(key, f"buffer {buf_name}")
        value = self.buffers[buf_name]["resolved_technology"][field]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise ConfigError(f"must be a positive number (got {value!r})", source=self.source,
                              field=f"scratchpad.{buf_name}.resolved_technology.{field}",
                              fix="energies, leakage and area are > 0")
        return float(value)

    def _dram_charges(self, action: str) -> list[Charge]:
        if self.dram is None:
            return []  # ideal DRAM: reported as unpriced by the pricing pass
        if action == "activations":
            return [Charge("dram_activation",
                           self._dram("activation_nj", "DRAM row activations") * 1000.0)]
        if action == "refreshes":
            return [Charge("dram_refresh", self._dram("refresh_nj", "DRAM refreshes") * 1000.0)]
        if action == "active_rank_ns":
            active = self._dram("active_standby_mw_per_rank", "DRAM active standby")
            idle = self._dram("precharge_standby_mw_per_rank", "DRAM active standby")
            return [Charge("dram_active_standby", active - idle)]
        kind = "read" if action == "read_bytes" else "write"
        core = self._dram(f"{kind}_pj_per_bit", f"DRAM {kind}s")
        io = self._dram("io_pj_per_bit", f"DRAM {kind}s")
        return [Charge(f"dram_{kind}", 8 * core), Charge("dram_io", 8 * io)]

    def _dram(self, field: str, needed_for: str) -> float:
        return self._value(f"dram.{self.dram['name']}.{field}", needed_for)

    def _crossbar_charge(self, action: str, where: str) -> Charge:
        column = CROSSBAR_COLUMNS[action]
        n = self.node_nm
        if action == "adc_conversions":
            xbar = self.config.get("crossbar")
            if not isinstance(xbar, dict) or "adc_bits" not in xbar:
                raise ConfigError("counts have ADC conversions but the hardware config has no "
                                  "crossbar.adc_bits", source=self.source, field=where,
                                  fix="add a crossbar section with adc_bits to the config")
            bits = xbar["adc_bits"]
            return Charge(column, self._value(f"crossbar.adc_pj_per_conversion.{bits}b.{n}nm",
                                              f"{bits}-bit ADC conversions at {n} nm"))
        if action in ("dac_drives", "shift_adds"):
            what = "dac_pj_per_drive_32nm" if action == "dac_drives" else "shift_add_pj_32nm"
            ratio = self._node_factor(n, column) / self._node_factor(32, column)
            return Charge(column, self._value(f"crossbar.{what}", column) * ratio)
        if action == "digital_accumulations":
            return Charge(column, self._value("compute.int32_add_pj_45nm", column)
                          * self._node_factor(n, column))
        return Charge(column, self._cell_energy(action, column))

    def _cell_energy(self, action: str, column: str) -> float:
        """Per-cell crossbar energy: a user table's entry, else the tile and device physics,
        else the default table's fallback (a device without that physics, e.g. ``ideal``)."""
        key, physics = CELL_ENERGY[action]
        fallback = self.table.get(key, needed_for=column)
        xbar = self.config.get("crossbar")
        derived = None
        if fallback.origin == DEFAULT_ORIGIN and isinstance(xbar, dict) and "device" in xbar:
            derived = physics(crossbar_from_dict(xbar, self.source))
        if derived is None:
            return self._value(key, column)
        value, how = derived
        self.used[key] = Entry(value, how, "hardware config")
        return value

    # -- table access -------------------------------------------------------------------------
    def _node_factor(self, node_nm: int, needed_for: str) -> float:
        return self._value(f"node.energy_factor_from_45nm.{node_nm}",
                           f"{needed_for} at {node_nm} nm (energy scaling from 45 nm)")

    def _value(self, key: str, needed_for: str) -> float:
        entry = self.table.get(key, needed_for=needed_for)
        self.used[key] = entry
        return entry.value
