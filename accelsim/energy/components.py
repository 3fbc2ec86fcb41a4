"""The energy components, declared once.

Every component has a name (the stem of its ``<name>_energy_pj`` column and its key under
``energy_pj.by_component``), a kind (dynamic, leakage or DRAM background), the count actions that
charge it, the part of the machine it needs (DRAM that is not ``ideal``, crossbar tiles) and the
group the MRAM study files it under. A per-buffer component's name holds ``{buffer}``.

From this one table follow: the action vocabulary of ``counts.json``
(:mod:`accelsim.energy.counts`), the columns and their order (:mod:`accelsim.energy.prices`), the
load-time check that a machine is priceable (:mod:`accelsim.energy.check`, which prices one of
every action the machine can produce), the study's breakdown groups and the crossbar comparison's
on-chip energy. How each component is priced stays in :mod:`accelsim.energy.prices`
(docs/energy.md §3); adding a component is a line here plus its rule there (docs/design.md §12).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from accelsim.core.formats import BYTES_PER_ELEMENT

DYNAMIC, LEAKAGE, DRAM_BACKGROUND = "dynamic", "leakage", "dram_background"
#: the counts group of per-buffer actions; in counts.json it is ``buffer.<name>``
BUFFER = "buffer"


@dataclass(frozen=True)
class Component:
    name: str
    kind: str = DYNAMIC
    group: str = "other"                           # the MRAM study's breakdown group
    actions: tuple[tuple[str, str], ...] = ()      # (counts group, action) that charge it
    #: "dram" | "crossbar" | "protection" | "write_buffer" | None; a per-buffer component that
    #: needs "write_buffer" exists only for the buffers that have one
    needs: str | None = None

    @property
    def per_buffer(self) -> bool:
        return "{buffer}" in self.name

    @property
    def on_chip(self) -> bool:
        return self.needs != "dram"

    def names(self, buffers) -> list[str]:
        return [self.name.format(buffer=b) for b in buffers] if self.per_buffer else [self.name]


_MAC = tuple(("mac", f) for f in BYTES_PER_ELEMENT)
_XBAR = "crossbar"
_ECC = "protection"  # a config that protects some tensor kind (accelsim.hardware.memory.protection)
_WB = "write_buffer"  # a buffer with a write buffer (accelsim.hardware.memory.write_buffer)

COMPONENTS: tuple[Component, ...] = (
    Component("mac", group="compute", actions=_MAC),
    Component("pe_register", group="compute", actions=_MAC),
    Component("vector", group="compute", actions=(("vector", "fp32_ops"),)),
    Component("buffer_{buffer}_read", group="scratchpad_read", actions=((BUFFER, "read_words"),)),
    Component("buffer_{buffer}_write", group="scratchpad_write",
              actions=((BUFFER, "write_words"),)),
    Component("dram_read", group="dram_access", actions=(("dram", "read_bytes"),), needs="dram"),
    Component("dram_write", group="dram_access", actions=(("dram", "write_bytes"),),
              needs="dram"),
    Component("dram_io", group="dram_io",
              actions=(("dram", "read_bytes"), ("dram", "write_bytes")), needs="dram"),
    Component("dram_activation", group="dram_access", actions=(("dram", "activations"),),
              needs="dram"),
    Component("dram_refresh", group="dram_background", actions=(("dram", "refreshes"),),
              needs="dram"),
    Component("dram_active_standby", group="dram_background",
              actions=(("dram", "active_rank_ns"),), needs="dram"),
    Component("crossbar_adc", group=_XBAR, actions=((_XBAR, "adc_conversions"),), needs=_XBAR),
    Component("crossbar_dac", group=_XBAR, actions=((_XBAR, "dac_drives"),), needs=_XBAR),
    Component("crossbar_cell_read", group=_XBAR, actions=((_XBAR, "cell_reads"),), needs=_XBAR),
    Component("crossbar_write_pulse", group=_XBAR, actions=((_XBAR, "write_pulses"),),
              needs=_XBAR),
    Component("crossbar_shift_add", group=_XBAR, actions=((_XBAR, "shift_adds"),), needs=_XBAR),
    Component("crossbar_digital_accumulation", group=_XBAR,
              actions=((_XBAR, "digital_accumulations"),), needs=_XBAR),
    Component("buffer_{buffer}_ecc", group="scratchpad_ecc",
              actions=((BUFFER, "ecc_read_bits"), (BUFFER, "ecc_write_bits")), needs=_ECC),
    # every word written to a buffer with a write buffer goes through it: one entry write, one
    # drain read (accelsim.hardware.memory.banks serves all of a buffer's writes through it)
    Component("write_buffer_{buffer}_write", group="scratchpad_write",
              actions=((BUFFER, "write_words"),), needs=_WB),
    Component("write_buffer_{buffer}_drain", group="scratchpad_write",
              actions=((BUFFER, "write_words"),), needs=_WB),
    Component("buffer_{buffer}_leakage", kind=LEAKAGE, group="scratchpad_leakage"),
    Component("write_buffer_{buffer}_leakage", kind=LEAKAGE, group="scratchpad_leakage",
              needs=_WB),
    Component("dram_background", kind=DRAM_BACKGROUND, group="dram_background", needs="dram"),
)


def _has(c: Component, dram: bool, crossbar: bool, protection: bool = False,
         write_buffers=()) -> bool:
    return c.needs is None or (c.needs == "dram" and dram) or (c.needs == _XBAR and crossbar) \
        or (c.needs == _ECC and protection) or (c.needs == _WB and bool(write_buffers))


def dynamic_names(buffers, *, dram: bool, crossbar: bool, protection: bool = False,
                  write_buffers=()) -> list[str]:
    """The dynamic components of a machine, in column order: the per-buffer ones grouped by
    buffer (``buffer_a_read, buffer_a_write, buffer_b_read, ...``); ``write_buffers`` names the
    buffers that have a write buffer."""
    out: list[str] = []
    declared = [c for c in COMPONENTS
                if c.kind == DYNAMIC and _has(c, dram, crossbar, protection, write_buffers)]
    per_buffer = [c for c in declared if c.per_buffer]
    for c in declared:
        if not c.per_buffer:
            out.append(c.name)
        elif c is per_buffer[0]:
            out += [p.name.format(buffer=b) for b in buffers for p in per_buffer
                    if p.needs != _WB or b in write_buffers]
    return out


def actions() -> dict[str, tuple[str, ...]]:
    """Every counts group and its action names, in declaration order (``buffer`` stands for
    every ``buffer.<name>`` group)."""
    out: dict[str, list[str]] = {}
    for c in COMPONENTS:
        for group, action in c.actions:
            names = out.setdefault(group, [])
            if action not in names:
                names.append(action)
    return {g: tuple(n) for g, n in out.items()}


def machine_actions(buffers, *, dram: bool, crossbar: bool, protection: bool = False
                    ) -> dict[str, dict[str, int]]:
    """One of every action a machine can produce, as a counts row's ``actions``."""
    out: dict[str, dict[str, int]] = {}
    for c in COMPONENTS:
        if not _has(c, dram, crossbar, protection):
            continue
        for group, action in c.actions:
            for g in ([f"{BUFFER}.{b}" for b in buffers] if group == BUFFER else [group]):
                out.setdefault(g, {})[action] = 1
    return out


def action_component(group: str) -> dict[str, str]:
    """action → component for a group whose actions each charge one component (``crossbar``)."""
    return {action: c.name for c in COMPONENTS for g, action in c.actions if g == group}


@lru_cache(maxsize=None)
def _pattern(template: str) -> re.Pattern:
    return re.compile(re.escape(template).replace(re.escape("{buffer}"), ".+") + r"\Z")


def component_of(name: str) -> Component | None:
    """The declared component a concrete name (``buffer_act_read``) belongs to."""
    return next((c for c in COMPONENTS if _pattern(c.name).match(name)), None)


def off_chip(name: str) -> bool:
    c = component_of(name)
    return c is not None and not c.on_chip
