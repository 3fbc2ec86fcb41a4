"""Count first, price second: action counts × energy per action, and static power × time.

:func:`price` needs only the counts document and the resolved hardware config dict, so a saved
run can be re-priced under another table without simulating again (``accelsim energy``).

Per counts row (same order), every component gets a column ``<component>_energy_pj``:
dynamic components = Σ count × pJ per count. The row's ``total_energy_pj`` is the sum of its
component columns.

Summary totals: a dynamic component's total is the sum of its row column over all rows; a static
component's total (scratchpad leakage, DRAM background) is its power × the step's makespan
(counts ``total_cycles``): the machine is powered for the whole step. That static energy is
*attributed* to the rows in proportion to their time windows (``total_cycles``): a row's share
is ``power × makespan × window / Σ windows``. Row windows overlap (pipelined phases on several
units), so pricing each row's own window would count the overlapped time several times (4.4×
the step's energy on train128_mixed × ResNet-18); the shares instead add up to the static
totals, and every column of the rows adds up to its summary total. All sums use ``math.fsum``
(correctly rounded, independent of order).
"""
from __future__ import annotations

import math

from accelsim.core.errors import ConfigError
from accelsim.energy.area import area_breakdown
from accelsim.energy.components import DRAM_BACKGROUND, LEAKAGE
from accelsim.energy.counts import parse_counts
from accelsim.energy.prices import PriceList
from accelsim.energy.table import EnergyTable

#: keys of the price result that go into summary.json (everything except the rows)
SUMMARY_KEYS = ("energy_pj", "static_power_mw", "area_mm2", "energy_table", "unpriced")


def column(component: str) -> str:
    return f"{component}_energy_pj"


def price(counts: dict, resolved_config: dict, table: EnergyTable | None = None, *,
          counts_source: str = "counts", config_source: str = "hardware config") -> dict:
    """Energy and area of a run; see the module docstring and docs/energy.md for the schema."""
    parsed = parse_counts(counts, counts_source)
    _check_consistent(parsed, resolved_config, counts_source)
    prices = PriceList(resolved_config, table or EnergyTable.default(), source=config_source)
    with_crossbar = (resolved_config.get("crossbar") is not None
                     or any("crossbar" in r.actions for r in parsed.rows))
    dynamic = prices.dynamic_components(with_crossbar)
    static = prices.static_power_mw()
    unpriced: list[str] = []

    makespan_ns = parsed.ns(parsed.total_cycles)
    windows = math.fsum(row.total_cycles for row in parsed.rows)
    rows = []
    for i, row in enumerate(parsed.rows):
        parts: dict[str, list[float]] = {c: [] for c in dynamic}
        for group, names in row.actions.items():
            for name, n in names.items():
                where = f"rows[{i}].actions.{group}.{name}"
                charges = prices.charges(group, name, where=where)
                if not charges and group == "dram":
                    _note(unpriced, "dram: ideal DRAM has no energy model; its traffic is "
                                    "not priced")
                for ch in charges:
                    parts[ch.component].append(n * ch.pj_per_count)
        out = {"layer": row.layer, "phase": row.phase}
        values = {c: math.fsum(v) for c, v in parts.items()}
        share = row.total_cycles / windows if windows else 0.0
        values.update({c: mw * makespan_ns * share for c, (_, mw) in static.items()})
        out.update({column(c): v for c, v in values.items()})
        out["total_energy_pj"] = math.fsum(values.values())
        rows.append(out)

    by_component = {c: math.fsum(r[column(c)] for r in rows) for c in dynamic}
    by_component.update({c: mw * makespan_ns for c, (_, mw) in static.items()})
    leakage = [by_component[c] for c, (k, _) in static.items() if k == LEAKAGE]
    background = [by_component[c] for c, (k, _) in static.items() if k == DRAM_BACKGROUND]
    area = area_breakdown(prices, parsed.formats)
    return {
        "rows": rows,
        "energy_pj": {
            "total": math.fsum(by_component.values()),
            "dynamic": math.fsum(by_component[c] for c in dynamic),
            "leakage": math.fsum(leakage),
            "dram_background": math.fsum(background),
            "by_component": by_component,
        },
        "static_power_mw": {c: mw for c, (_, mw) in static.items()},
        "area_mm2": area,
        "energy_table": {"name": prices.table.name,
                         "entries": {k: e.as_dict() for k, e in sorted(prices.used.items())}},
        "unpriced": unpriced,
    }


def summary_section(result: dict) -> dict:
    """The part of a :func:`price` result that belongs in summary.json."""
    return {k: result[k] for k in SUMMARY_KEYS}


def _note(notes: list[str], text: str) -> None:
    if text not in notes:
        notes.append(text)


def _check_consistent(parsed, config: dict, source: str) -> None:
    for key, value in (("clock_ghz", parsed.clock_ghz), ("node_nm", parsed.node_nm)):
        if config.get(key) != value:
            raise ConfigError(f"{key} {value!r} differs from the hardware config's "
                              f"{config.get(key)!r}", source=source, field=key,
                              fix="price counts with the config of the run that produced them")
    for i, row in enumerate(parsed.rows):
        if row.total_cycles > parsed.total_cycles:
            raise ConfigError(f"row window {row.total_cycles} cycles is longer than the step's "
                              f"makespan {parsed.total_cycles}", source=source,
                              field=f"rows[{i}].total_cycles")
