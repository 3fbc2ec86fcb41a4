"""The energy/area table: one number per action or component, each with its source.

A table is a flat mapping from dotted keys (``compute.fp32_add_pj_45nm``,
``dram.hbm2.read_pj_per_bit``, ``scratchpad.ifmap.leakage_mw`` …) to :class:`Entry` objects
(``value`` > 0, unit in the key, and ``source``). The default table ships inside the package
(``default_table.yaml``); a user table file holds only the entries it changes, in the same
format, and is merged on top. YAML may nest the key parts or spell them dotted. Formats and
every key are documented in docs/energy.md.
"""
from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from accelsim.core.errors import ConfigError
from accelsim.core.ranges import DOC, Plausible
from accelsim.core.yamlfile import load_yaml

SCHEMA = "accelsim.energy_table/1"
DEFAULT_PATH = Path(__file__).with_name("default_table.yaml")
DEFAULT_ORIGIN = "accelsim/energy/default_table.yaml"  # install-independent, for provenance

#: keys a user table may add beyond those of the default table (new nodes, DRAM kinds, ADCs,
#: write-buffer SRAM at other nodes, and per-buffer scratchpad values that replace the resolved
#: technology's)
KEY_PATTERNS = (
    r"node\.energy_factor_from_45nm\.\d+",
    r"dram\.[A-Za-z0-9_]+\.(read_pj_per_bit|write_pj_per_bit|io_pj_per_bit|activation_nj"
    r"|precharge_standby_mw_per_rank|active_standby_mw_per_rank|refresh_nj)",
    r"crossbar\.adc_pj_per_conversion\.\d+b\.\d+nm",
    r"scratchpad\..+\.(read_energy_pj|write_energy_pj|leakage_mw|area_mm2)",
    r"write_buffer\.\d+nm\.(read_energy_pj|write_energy_pj|leakage_mw|area_mm2)",
)
_PATTERNS = tuple(re.compile(p + r"\Z") for p in KEY_PATTERNS)


#: plausible range of an entry by the quantity its key names (first match wins)
ENTRY_RANGES = (
    ("energy_factor", Plausible(0, 100, "node scaling factors relative to 45 nm are 0.1-1",
                                lo_open=True)),
    ("um2", Plausible(0, 1e8, "a converter or driver is 1-10^4 µm²; 100 mm²", "µm²", True)),
    ("mm2", Plausible(0, 1e5, "a macro is < 100 mm²; a whole wafer 70,000 mm²", "mm²", True)),
    ("nj", Plausible(0, 1e5, "a DRAM row activation costs 1-10 nJ, an all-bank refresh "
                             "100-1000 nJ; 100 µJ", "nJ", True)),
    ("mw", Plausible(0, 1e6, "background and leakage powers are mW to W; 1 kW", "mW", True)),
    ("pj", Plausible(0, 1e4, "one action (a MAC, a bit moved, a conversion) costs 0.001-100 "
                              "pJ; 10 nJ", "pJ", True)),
)


def entry_range(key: str) -> Plausible:
    """The plausible range of the table entry ``key``."""
    words = set(re.split(r"[._]", key))
    for token, plausible in ENTRY_RANGES:
        if token in key if "_" in token else token in words:
            return plausible
    raise KeyError(key)  # every key names its unit (tested)


@dataclass(frozen=True)
class Entry:
    """One table number: ``value`` (> 0, unit named by its key) and where it comes from."""
    value: float
    source: str
    origin: str  # the table file that set it

    def as_dict(self) -> dict:
        return {"value": self.value, "source": self.source, "origin": self.origin}


class EnergyTable:
    """An immutable set of entries; :meth:`get` raises a ConfigError for a missing key."""

    def __init__(self, entries: dict[str, Entry], name: str):
        self._entries = dict(entries)
        self.name = name

    @classmethod
    def default(cls) -> "EnergyTable":
        return _default_table()

    @classmethod
    def load(cls, path: str | Path | None) -> "EnergyTable":
        """The default table, with the entries of the user table at ``path`` (if any) on top."""
        table = cls.default()
        return table if path is None else table.with_file(path)

    def with_file(self, path: str | Path) -> "EnergyTable":
        return self.with_overrides(load_yaml(path), source=str(path))

    def with_overrides(self, data: dict, source: str = "<table>") -> "EnergyTable":
        """A copy with the entries of ``data`` (a table document) replacing or adding keys."""
        new = _parse(data, source, known=set(self._entries))
        name = f"{self.name}+{data.get('name') or Path(source).stem}"
        return EnergyTable({**self._entries, **new}, name)

    def get(self, key: str, *, needed_for: str) -> Entry:
        try:
            return self._entries[key]
        except KeyError:
            raise ConfigError(
                f"no energy-table entry for {needed_for}", source=self.name, field=key,
                fix=f"add '{key}: {{value: <number>, source: <citation>}}' under 'entries:' in a "
                    "--table file (docs/energy.md)") from None

    def keys(self, prefix: str = "") -> list[str]:
        return sorted(k for k in self._entries if k.startswith(prefix))

    def __contains__(self, key: str) -> bool:
        return key in self._entries

    def to_document(self) -> dict:
        """The table as a YAML/JSON-ready document (flat keys)."""
        return {"schema": SCHEMA, "name": self.name,
                "entries": {k: {"value": e.value, "source": e.source}
                            for k, e in sorted(self._entries.items())}}

    def dump(self) -> str:
        return yaml.safe_dump(self.to_document(), sort_keys=False, allow_unicode=True, width=100)


@functools.cache
def _default_table() -> EnergyTable:
    """The shipped table, parsed once (tables are immutable)."""
    data = load_yaml(DEFAULT_PATH)
    return EnergyTable(_parse(data, DEFAULT_ORIGIN, allow_new=True), str(data.get("name")))


def _parse(data: dict, source: str, *, known: set[str] | None = None,
           allow_new: bool = False) -> dict[str, Entry]:
    extra = set(data) - {"schema", "name", "entries"}
    if extra:
        raise ConfigError(f"unknown top-level key {sorted(extra)[0]!r}", source=source,
                          fix="a table has 'schema', 'name' and 'entries'")
    if data.get("schema", SCHEMA) != SCHEMA:
        raise ConfigError(f"unsupported table schema {data.get('schema')!r}", source=source,
                          field="schema", fix=f"use {SCHEMA!r}")
    entries = data.get("entries")
    if not isinstance(entries, dict) or not entries:
        raise ConfigError("missing or empty 'entries' mapping", source=source, field="entries",
                          fix="list entries as '<key>: {value: <number>, source: <citation>}'")
    out: dict[str, Entry] = {}
    for key, leaf in _flatten(entries, "entries", source):
        if not (allow_new or key in (known or ()) or any(p.match(key) for p in _PATTERNS)):
            raise ConfigError(f"unknown energy-table key {key!r}", source=source,
                              field=f"entries.{key}",
                              fix="use a key of the default table (accelsim energy-table keys "
                                  "are listed in docs/energy.md) or one matching: "
                                  + "; ".join(KEY_PATTERNS))
        out[key] = _entry(leaf, source, f"entries.{key}")
    return out


def _flatten(node: dict, where: str, source: str, prefix: str = ""):
    for raw_key, value in node.items():
        key = f"{prefix}{raw_key}"
        if not isinstance(value, dict):
            raise ConfigError("expected '{value: <number>, source: <citation>}' or a nested "
                              "mapping", source=source, field=f"{where}.{key}")
        if "value" in value or "source" in value:
            yield key, value
        else:
            yield from _flatten(value, where, source, key + ".")


def _entry(leaf: dict, source: str, field: str) -> Entry:
    extra = set(leaf) - {"value", "source"}
    if extra:
        raise ConfigError(f"unknown entry key {sorted(extra)[0]!r}", source=source, field=field,
                          fix="an entry has exactly 'value' and 'source'")
    value = leaf.get("value")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ConfigError(f"value must be a finite number (got {value!r})", source=source,
                          field=field + ".value")
    if value <= 0:
        raise ConfigError(f"value must be positive (got {value})", source=source,
                          field=field + ".value",
                          fix="energies, powers, areas and scaling factors are > 0; to drop a "
                              "component, leave its actions at zero")
    plausible = entry_range(field.removeprefix("entries."))
    if problem := plausible.problem(value):
        raise ConfigError(problem, source=source, field=field + ".value",
                          fix=f"use a value in range (each range and its source: {DOC})")
    cite = leaf.get("source")
    if not isinstance(cite, str) or not cite.strip():
        raise ConfigError("every entry needs a non-empty 'source' citation", source=source,
                          field=field + ".source", fix="say where the number comes from")
    return Entry(float(value), " ".join(cite.split()), source)
