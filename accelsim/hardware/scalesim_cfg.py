"""Read a SCALE-Sim (v3.0.0) ``.cfg`` file unchanged and map it onto accelsim's hardware models.

The file is Python ``configparser`` syntax: sections ``[general]``, ``[architecture_presets]``,
``[layout]``, ``[sparsity]``, ``[run_presets]``; keys are case-insensitive and ``:`` or ``=``
separate key and value. The mapping (see docs/scalesim.md):

- one :class:`SystolicArray` with ``rows = ArrayHeight``, ``cols = ArrayWidth`` and the dataflow;
- three scratchpad buffers ``ifmap``, ``filter``, ``ofmap`` holding the operand role of the same
  name, ``capacity = <kB> × 1024`` bytes, 1-byte words (SCALE-Sim's word is one byte), SRAM 22 nm,
  double-buffered with ``resident_fraction = 0``: SCALE-Sim splits each SRAM 50/50 into an active
  and a prefetch half and keeps nothing on chip from one layer to the next (every layer starts
  cold, reads its inputs from DRAM and writes its outputs back);
- ``ideal_scratchpad: true``: SCALE-Sim has no bank conflicts unless custom layouts are on;
- a 1 GHz clock (SCALE-Sim counts cycles only);
- ``InterfaceBandwidth: CALC`` → ideal DRAM: SCALE-Sim's CALC mode is stall-free by construction
  (it reports the bandwidth that *would* be needed);
- ``InterfaceBandwidth: USER`` → one DDR4-3200-timed channel whose peak bandwidth is
  ``Bandwidth`` words/cycle × 1 B × 1 GHz, latency 1 ns, no row-cycle limit. SCALE-Sim's own USER
  stalls will differ: it feeds IFMAP and filter through separate ports at the ``[layout]`` bank
  bandwidths, refills in half-buffer prefetch steps, and counts positive stall offsets twice
  (docs/scalesim.md).

What accelsim does not model is rejected rather than ignored: sparsity support, custom
layouts (bank-conflict layouts) and Ramulator traces. Keys SCALE-Sim needs only for its own address
generation (offsets, request-buffer sizes, bank counts of the unused layout path) are read and
ignored; an unknown key is an error, since a misspelt key would otherwise be silently dropped.
Missing optional keys take SCALE-Sim's meaning: no ``[layout]`` / ``[sparsity]`` section means both
off, no ``InterfaceBandwidth`` means CALC (SCALE-Sim v1 files have no ``[run_presets]``), no
``run_name`` means the file stem. SCALE-Sim v1 spellings ``IfmapSramSz`` etc. (also kB) are accepted.
"""
from __future__ import annotations

import configparser
from pathlib import Path

from pydantic import ValidationError

from accelsim.core.errors import ConfigError
from accelsim.core.yamlfile import read_text, translate
from accelsim.hardware.compute.dataflows import DATAFLOWS
from accelsim.hardware.config import HardwareConfig

#: keys accelsim understands, per section (lower case, as configparser stores them); the value says
#: whether the key is used (True) or accepted and ignored (False).
KNOWN_KEYS: dict[str, dict[str, bool]] = {
    "general": {"run_name": True},
    "architecture_presets": {
        "arrayheight": True, "arraywidth": True, "ifmapsramszkb": True, "filtersramszkb": True,
        "ofmapsramszkb": True, "ifmapsramsz": True, "filtersramsz": True, "ofmapsramsz": True,
        "dataflow": True, "bandwidth": True, "ifmapoffset": False, "filteroffset": False,
        "ofmapoffset": False, "memorybanks": False, "readrequestbuffer": False,
        "writerequestbuffer": False},
    "layout": {
        "ifmapcustomlayout": True, "filtercustomlayout": True, "ifmapsrambankbandwidth": False,
        "ifmapsrambanknum": False, "ifmapsrambankport": False, "filtersrambankbandwidth": False,
        "filtersrambanknum": False, "filtersrambankport": False},
    "sparsity": {"sparsitysupport": True, "sparserep": False, "optimizedmapping": False,
                 "blocksize": False, "randomnumbergeneratorseed": False},
    "run_presets": {"interfacebandwidth": True, "useramulatortrace": True,
                    "timelinearmodel": False},
    "network_presets": {"topologycsvloc": False},
}

#: SCALE-Sim's spelling of each key, for messages
SPELLING = {
    "arrayheight": "ArrayHeight", "arraywidth": "ArrayWidth", "ifmapsramszkb": "IfmapSramSzkB",
    "filtersramszkb": "FilterSramSzkB", "ofmapsramszkb": "OfmapSramSzkB",
    "ifmapsramsz": "IfmapSramSz", "filtersramsz": "FilterSramSz", "ofmapsramsz": "OfmapSramSz",
    "dataflow": "Dataflow", "bandwidth": "Bandwidth", "ifmapoffset": "IfmapOffset",
    "filteroffset": "FilterOffset", "ofmapoffset": "OfmapOffset", "memorybanks": "MemoryBanks",
    "readrequestbuffer": "ReadRequestBuffer", "writerequestbuffer": "WriteRequestBuffer",
    "ifmapcustomlayout": "IfmapCustomLayout", "filtercustomlayout": "FilterCustomLayout",
    "ifmapsrambankbandwidth": "IfmapSRAMBankBandwidth", "ifmapsrambanknum": "IfmapSRAMBankNum",
    "ifmapsrambankport": "IfmapSRAMBankPort", "filtersrambankbandwidth": "FilterSRAMBankBandwidth",
    "filtersrambanknum": "FilterSRAMBankNum", "filtersrambankport": "FilterSRAMBankPort",
    "sparsitysupport": "SparsitySupport", "sparserep": "SparseRep",
    "optimizedmapping": "OptimizedMapping", "blocksize": "BlockSize",
    "randomnumbergeneratorseed": "RandomNumberGeneratorSeed",
    "interfacebandwidth": "InterfaceBandwidth", "useramulatortrace": "UseRamulatorTrace",
    "timelinearmodel": "TimeLinearModel", "topologycsvloc": "TopologyCsvLoc", "run_name": "run_name",
}

CLOCK_GHZ = 1.0
BUFFER_TECHNOLOGY = "sram_22nm"
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


class _Cfg:
    """A parsed .cfg with typed, located getters."""

    def __init__(self, parser: configparser.ConfigParser, source: str):
        self.parser = parser
        self.source = source

    def _field(self, section: str, key: str) -> str:
        return f"[{section}] {SPELLING.get(key, key)}"

    def raw(self, section: str, key: str) -> str | None:
        if not self.parser.has_section(section) or not self.parser.has_option(section, key):
            return None
        return self.parser.get(section, key).strip()

    def required(self, section: str, key: str, fix: str) -> str:
        value = self.raw(section, key)
        if value is None or value == "":
            raise ConfigError("required key is missing", source=self.source,
                              field=self._field(section, key), fix=fix)
        return value

    def positive_int(self, section: str, key: str, value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise ConfigError(f"not a whole number: {value!r}", source=self.source,
                              field=self._field(section, key),
                              fix="write a positive integer") from None
        if number <= 0:
            raise ConfigError(f"must be positive, got {number}", source=self.source,
                              field=self._field(section, key), fix="write a positive integer")
        return number

    def boolean(self, section: str, key: str, default: bool) -> bool:
        value = self.raw(section, key)
        if value is None or value == "":
            return default
        low = value.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise ConfigError(f"not a boolean: {value!r}", source=self.source,
                          field=self._field(section, key), fix="write True or False")


def _parse(path: Path) -> _Cfg:
    text = read_text(path)
    parser = configparser.ConfigParser(interpolation=None, inline_comment_prefixes=("#", ";"),
                                       strict=True)
    try:
        parser.read_string(text, source=str(path))
    except configparser.MissingSectionHeaderError as exc:
        raise ConfigError("text before the first [section] header", source=str(path),
                          field=f"line {exc.lineno}",
                          fix="a SCALE-Sim .cfg starts with a section such as [general]") from None
    except configparser.DuplicateSectionError as exc:
        raise ConfigError(f"section [{exc.section}] appears twice", source=str(path),
                          field=f"line {exc.lineno}", fix="merge the two sections") from None
    except configparser.DuplicateOptionError as exc:
        raise ConfigError(f"key {exc.option!r} appears twice in [{exc.section}]",
                          source=str(path), field=f"line {exc.lineno}",
                          fix="keep one value (keys are case-insensitive)") from None
    except configparser.ParsingError as exc:
        lineno, line = exc.errors[0]
        raise ConfigError(f"cannot parse {line.strip()!r}", source=str(path),
                          field=f"line {lineno}", fix="write 'Key: value' or 'Key = value'") from None
    cfg = _Cfg(parser, str(path))
    _check_known(cfg)
    return cfg


def _check_known(cfg: _Cfg) -> None:
    for section in cfg.parser.sections():
        known = KNOWN_KEYS.get(section)
        if known is None:
            valid = ", ".join(f"[{s}]" for s in KNOWN_KEYS)
            case = " (section names are case-sensitive)" if section.lower() in KNOWN_KEYS else ""
            raise ConfigError(f"unknown section [{section}]{case}", source=cfg.source,
                              fix=f"valid sections: {valid}")
        for key in cfg.parser.options(section):
            if key not in known:
                valid = ", ".join(SPELLING.get(k, k) for k in known)
                raise ConfigError(f"unknown key {key!r}", source=cfg.source,
                                  field=f"[{section}] {key}", fix=f"valid keys here: {valid}")


def _sram_kb(cfg: _Cfg, operand: str) -> int:
    new, old = f"{operand}sramszkb", f"{operand}sramsz"
    section = "architecture_presets"
    if cfg.raw(section, new) is not None and cfg.raw(section, old) is not None:
        raise ConfigError(f"both {SPELLING[new]} and {SPELLING[old]} are given", source=cfg.source,
                          field=f"[{section}] {SPELLING[new]}", fix=f"keep only {SPELLING[new]}")
    key = old if cfg.raw(section, old) is not None else new
    value = cfg.required(section, key, fix=f"give the {operand} SRAM size in kB, e.g. 64")
    return cfg.positive_int(section, key, value)


def _reject_unmodelled(cfg: _Cfg) -> None:
    if cfg.boolean("sparsity", "sparsitysupport", default=False):
        raise ConfigError("SparsitySupport is on, but accelsim does not model sparsity",
                          source=cfg.source, field="[sparsity] SparsitySupport",
                          fix="set SparsitySupport: false to simulate the dense layers")
    for key in ("ifmapcustomlayout", "filtercustomlayout"):
        if cfg.boolean("layout", key, default=False):
            raise ConfigError("custom SRAM layouts are not modelled by accelsim's .cfg reader",
                              source=cfg.source, field=f"[layout] {SPELLING[key]}",
                              fix="set it to False, or describe the banks in an accelsim YAML "
                                  "config (scratchpad: banks, ports_per_bank, interleave_bytes)")
    if cfg.boolean("run_presets", "useramulatortrace", default=False):
        raise ConfigError("Ramulator latency traces are not read by accelsim", source=cfg.source,
                          field="[run_presets] UseRamulatorTrace",
                          fix="set it to False; accelsim models DRAM itself (YAML 'dram:' presets)")


def _dram(cfg: _Cfg) -> dict:
    """The ``dram`` section of the config (validated with the rest)."""
    mode = (cfg.raw("run_presets", "interfacebandwidth") or "CALC").upper()
    if mode == "CALC":
        return {"preset": "ideal"}
    if mode != "USER":
        raise ConfigError(f"unknown bandwidth mode {mode!r}", source=cfg.source,
                          field="[run_presets] InterfaceBandwidth", fix="use USER or CALC")
    section = "architecture_presets"
    value = cfg.required(section, "bandwidth",
                         fix="USER mode needs the DRAM bandwidth in words (bytes) per cycle")
    first = value.split(",")[0].strip()
    for part in value.split(","):
        cfg.positive_int(section, "bandwidth", part.strip())
    words_per_cycle = cfg.positive_int(section, "bandwidth", first)
    return {"preset": "ddr4_3200", "channels": 1,
            "bandwidth_gb_per_s_per_channel": float(words_per_cycle) * 1.0 * CLOCK_GHZ,
            "latency_ns": 1.0}


def load_scalesim_cfg(path: str | Path) -> HardwareConfig:
    """Read a SCALE-Sim ``.cfg`` file into a :class:`HardwareConfig` (mapping in the module doc)."""
    p = Path(path)
    cfg = _parse(p)
    _reject_unmodelled(cfg)
    section = "architecture_presets"
    rows = cfg.positive_int(section, "arrayheight",
                            cfg.required(section, "arrayheight", fix="give the array rows, e.g. 32"))
    cols = cfg.positive_int(section, "arraywidth",
                            cfg.required(section, "arraywidth", fix="give the array columns, e.g. 32"))
    flows = ", ".join(DATAFLOWS.names())
    dataflow = cfg.required(section, "dataflow", fix=f"use one of {flows}").lower()
    if dataflow not in DATAFLOWS:
        raise ConfigError(f"unknown dataflow {dataflow!r}", source=cfg.source,
                          field=f"[{section}] Dataflow", fix=f"use one of {flows}")
    name = (cfg.raw("general", "run_name") or "").strip().strip('"').strip("'") or p.stem
    data = {"name": name, "clock_ghz": CLOCK_GHZ,
            "arrays": [{"rows": rows, "cols": cols, "dataflow": dataflow}],
            "scratchpad": [{"name": operand, "capacity_bytes": _sram_kb(cfg, operand) * 1024,
                            "word_bytes": 1, "banks": 1, "ports_per_bank": 1,
                            "double_buffered": True, "resident_fraction": 0.0,
                            "technology": BUFFER_TECHNOLOGY, "holds": [operand]}
                           for operand in ("ifmap", "filter", "ofmap")],
            "dram": _dram(cfg), "ideal_scratchpad": True}
    try:
        return HardwareConfig.model_validate(data)
    except ValidationError as exc:  # e.g. an array beyond the plausible range
        err = translate(exc, HardwareConfig, cfg.source, data)
        err.field = _CFG_FIELDS.get(err.field or "", err.field)
        raise err from None


#: the .cfg key behind a HardwareConfig field, for messages
_CFG_FIELDS = {"arrays[0].rows": "[architecture_presets] ArrayHeight",
               "arrays[0].cols": "[architecture_presets] ArrayWidth",
               **{f"scratchpad[{i}]({op}).capacity_bytes":
                  f"[architecture_presets] {op.capitalize()}SramSzkB"
                  for i, op in enumerate(("ifmap", "filter", "ofmap"))}}
