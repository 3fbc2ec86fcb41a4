"""Replay a list of DRAM transfers without a training step, and price it.

The engine's DRAM model (:class:`accelsim.hardware.memory.dram.DramChannels`) serves the transfers; the
energy table prices the counts exactly as the energy pass prices a run's (``dram_*`` components of
docs/energy.md). Exposed as :func:`accelsim.memory.dram.replay`.
"""
from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field

from pydantic import ValidationError

from accelsim.hardware.config import Dram
from accelsim.core.errors import ConfigError
from accelsim.hardware.memory.dram import DramChannels
from accelsim.energy.prices import PriceList
from accelsim.energy.table import EnergyTable

TRANSFER_KEYS = {"op", "bytes", "stream", "chained", "chunk_bytes", "stride_bytes"}


@dataclass(frozen=True)
class DramReplay:
    time_ns: float
    bytes_read: int
    bytes_written: int
    activations: int
    refreshes: int
    energy_pj: dict[str, float] = field(default_factory=dict)

    @property
    def energy_pj_total(self) -> float:
        return math.fsum(self.energy_pj.values())


def _dram(preset) -> Dram:
    data = {"preset": preset} if isinstance(preset, str) else dict(preset)
    try:
        dram = Dram(**data)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise ConfigError(err["msg"], source="dram replay",
                          field="preset." + ".".join(str(x) for x in err["loc"])) from None
    if dram.ideal:
        raise ConfigError("an ideal DRAM has no timing or energy to replay", source="dram replay",
                          field="preset", fix="name a DRAM preset (ddr4_3200, lpddr4_2400, hbm2)")
    return dram


def _check(t: dict, i: int) -> None:
    where = f"transfers[{i}]"
    if not isinstance(t, dict) or not TRANSFER_KEYS >= set(t) or "op" not in t or "bytes" not in t:
        raise ConfigError("a transfer is a dict with op and bytes (and optionally stream, "
                          "chained, chunk_bytes, stride_bytes)", source="dram replay", field=where)
    if t["op"] not in ("read", "write"):
        raise ConfigError(f"unknown op {t['op']!r}", source="dram replay", field=f"{where}.op",
                          fix="read or write")
    if not isinstance(t["bytes"], int) or t["bytes"] < 0:
        raise ConfigError("must be a non-negative integer", source="dram replay",
                          field=f"{where}.bytes")


def replay(preset, transfers: list[dict], clock_ghz: float = 1.0) -> DramReplay:
    """See :func:`accelsim.memory.dram.replay`."""
    dram = _dram(preset)
    resolved = dram.resolved(source="dram replay")
    channels = DramChannels(None, resolved, clock_ghz)
    for i, t in enumerate(transfers):
        _check(t, i)
    # a chained transfer issues when the previous transfer of its stream completes
    after: dict[int, int] = {}
    last: dict[int, int] = {}
    ready = []
    for i, t in enumerate(transfers):
        stream = t.get("stream", 0)
        if t.get("chained", False) and stream in last:
            after[last[stream]] = i
        else:
            heapq.heappush(ready, (0.0, i))
        last[stream] = i
    end = 0.0
    totals = {"read_bytes": 0, "write_bytes": 0, "activations": 0, "refreshes": 0,
              "active_rank_ns": 0.0}
    while ready:
        now, i = heapq.heappop(ready)
        t = transfers[i]
        write = t["op"] == "write"
        cost = channels.transfer(t["bytes"], write=write, now=now,
                                 chunk_bytes=t.get("chunk_bytes"),
                                 stride_bytes=t.get("stride_bytes"))
        end = max(end, cost.end_cycle)
        totals["write_bytes" if write else "read_bytes"] += t["bytes"]
        totals["activations"] += cost.activations
        totals["refreshes"] += cost.refreshes
        totals["active_rank_ns"] += cost.active_rank_ns
        if i in after:
            heapq.heappush(ready, (float(cost.end_cycle), after[i]))
    time_ns = end / clock_ghz
    config = {"node_nm": 22, "scratchpad": [], "dram": {"resolved": resolved.__dict__}}
    prices = PriceList(config, EnergyTable.default(), source="dram replay")
    energy: dict[str, float] = {}
    for action, n in totals.items():
        for charge in prices.charges("dram", action, where=action):
            energy[charge.component] = energy.get(charge.component, 0.0) + n * charge.pj_per_count
    for component, (_, mw) in prices.static_power_mw().items():
        energy[component] = mw * time_ns
    return DramReplay(time_ns, totals["read_bytes"], totals["write_bytes"],
                      totals["activations"], totals["refreshes"], energy)
