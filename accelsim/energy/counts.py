"""The action-count document the engine writes (``RUN_DIR/counts.json``), validated.

Schema ``accelsim.counts/1``::

    {"schema": "accelsim.counts/1", "clock_ghz": float, "node_nm": int,
     "total_cycles": int,                      # makespan of the simulated step
     "rows": [{"layer": str, "phase": "forward" | "backward_data" | "backward_weight" | "update",
               "total_cycles": int,            # this row's time window
               "actions": {"mac": {"int8"|"bf16"|"fp16"|"fp32": n},
                           "vector": {"fp32_ops": n},
                           "buffer.<name>": {"read_words": n, "write_words": n,
                                             "ecc_read_bits": n, "ecc_write_bits": n},
                           "dram": {"read_bytes": n, "write_bytes": n, "activations": n,
                                    "refreshes": n, "active_rank_ns": ns},
                           "crossbar": {"adc_conversions": n, "dac_drives": n, "cell_reads": n,
                                        "write_pulses": n, "shift_adds": n,
                                        "digital_accumulations": n}}}, ...]}

A run whose hardware protects a tensor kind (``protection``) also records the workload's
``"formats": {kind: format}`` (the ECC storage they need is priced as area). Absent groups and
names count zero. Anything else is an error naming the row and the key.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from accelsim.core.errors import ConfigError
from accelsim.core.formats import BYTES_PER_ELEMENT, TENSOR_KINDS
from accelsim.core.phases import PHASES
from accelsim.energy.components import BUFFER, actions

SCHEMA = "accelsim.counts/1"

#: valid action names per group, from the declared energy components (``buffer.<name>`` groups
#: use BUFFER_ACTIONS)
ACTIONS = {g: names for g, names in actions().items() if g != BUFFER}
BUFFER_ACTIONS = actions()[BUFFER]


@dataclass(frozen=True)
class CountRow:
    layer: str
    phase: str
    total_cycles: int
    actions: dict[str, dict[str, float]]  # group → name → count (non-zero entries only)


@dataclass(frozen=True)
class Counts:
    clock_ghz: float
    node_nm: int
    total_cycles: int
    rows: tuple[CountRow, ...]
    formats: dict[str, str] = field(default_factory=dict)

    def ns(self, cycles: int) -> float:
        return cycles / self.clock_ghz


def parse_counts(doc: dict, source: str = "counts") -> Counts:
    """Validate a counts document; every problem is a ConfigError naming the field."""
    if not isinstance(doc, dict):
        raise ConfigError("expected a JSON object", source=source)
    if doc.get("schema") != SCHEMA:
        raise ConfigError(f"unsupported counts schema {doc.get('schema')!r}", source=source,
                          field="schema", fix=f"expected {SCHEMA!r}")
    clock = _number(doc, "clock_ghz", source, "clock_ghz", positive=True)
    node = _number(doc, "node_nm", source, "node_nm", positive=True, integer=True)
    total = _number(doc, "total_cycles", source, "total_cycles", integer=True)
    rows = doc.get("rows")
    if not isinstance(rows, list):
        raise ConfigError("'rows' must be a list", source=source, field="rows")
    return Counts(clock, int(node), int(total),
                  tuple(_row(r, source, f"rows[{i}]") for i, r in enumerate(rows)),
                  _formats(doc.get("formats", {}), source))


def _formats(formats, source: str) -> dict[str, str]:
    if not isinstance(formats, dict):
        raise ConfigError("'formats' must be an object", source=source, field="formats")
    for kind, fmt in formats.items():
        if kind not in TENSOR_KINDS or fmt not in BYTES_PER_ELEMENT:
            raise ConfigError(f"unknown tensor kind or format {kind!r}: {fmt!r}", source=source,
                              field=f"formats.{kind}", fix="kinds: " + ", ".join(TENSOR_KINDS)
                              + "; formats: " + ", ".join(BYTES_PER_ELEMENT))
    return dict(formats)


def _row(row: dict, source: str, where: str) -> CountRow:
    if not isinstance(row, dict):
        raise ConfigError("a row must be an object", source=source, field=where)
    layer = row.get("layer")
    if not isinstance(layer, str) or not layer:
        raise ConfigError("'layer' must be a non-empty string", source=source,
                          field=f"{where}.layer")
    phase = row.get("phase")
    if phase not in PHASES:
        raise ConfigError(f"unknown phase {phase!r}", source=source, field=f"{where}.phase",
                          fix="one of: " + ", ".join(PHASES))
    cycles = _number(row, "total_cycles", source, f"{where}.total_cycles", integer=True)
    actions = row.get("actions", {})
    if not isinstance(actions, dict):
        raise ConfigError("'actions' must be an object", source=source, field=f"{where}.actions")
    parsed: dict[str, dict[str, float]] = {}
    for group, names in actions.items():
        gwhere = f"{where}.actions.{group}"
        valid = BUFFER_ACTIONS if group.startswith("buffer.") else ACTIONS.get(group)
        if valid is None:
            raise ConfigError(f"unknown action group {group!r}", source=source, field=gwhere,
                              fix="one of: " + ", ".join([*ACTIONS, "buffer.<name>"]))
        if not isinstance(names, dict):
            raise ConfigError("must be an object of action counts", source=source, field=gwhere)
        counted = {}
        for name, n in names.items():
            if name not in valid:
                raise ConfigError(f"unknown action {name!r}", source=source,
                                  field=f"{gwhere}.{name}", fix="one of: " + ", ".join(valid))
            n = _number(names, name, source, f"{gwhere}.{name}")
            if n:
                counted[name] = n
        if counted:
            parsed[group] = counted
    return CountRow(layer, phase, int(cycles), parsed)


def _number(obj: dict, key: str, source: str, field: str, *, positive: bool = False,
            integer: bool = False) -> float:
    if key not in obj:
        raise ConfigError("required key is missing", source=source, field=field)
    v = obj[key]
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise ConfigError(f"must be a finite number (got {v!r})", source=source, field=field)
    if integer and v != int(v):
        raise ConfigError(f"must be a whole number (got {v!r})", source=source, field=field)
    if v < 0 or (positive and v == 0):
        raise ConfigError(f"must be {'positive' if positive else 'non-negative'} (got {v!r})",
                          source=source, field=field)
    return v
