"""Per-operation results: one :class:`OpRow` per (layer, phase), with cycles, stalls by cause and
action counts (the energy pass prices the counts)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from accelsim.hardware.compute.plan import Plan


@dataclass
class OpRow:
    layer: str
    phase: str
    unit: str
    order: int
    macs: int = 0
    mac_slots: int = 0
    vector_ops: int = 0
    mac_format: str = "bf16"
    peak_ops_per_cycle: int = 1
    start_cycle: int = 0
    end_cycle: int = 0
    compute_cycles: int = 0
    bank_conflict_stall_cycles: int = 0
    dram_stall_cycles: int = 0
    dependency_stall_cycles: int = 0
    steps: int = 0
    dram_read_bytes: int = 0
    dram_write_bytes: int = 0
    dram_activations: int = 0
    dram_refreshes: int = 0
    dram_active_rank_ns: float = 0.0
    spill_bytes: int = 0
    psum_read_bytes: int = 0
    psum_write_bytes: int = 0
    buffer_reads: dict[str, int] = field(default_factory=dict)    # words
    buffer_writes: dict[str, int] = field(default_factory=dict)   # words
    writes_by_kind: dict[tuple[str, str], int] = field(default_factory=dict)  # bytes
    reads_by_kind: dict[tuple[str, str], int] = field(default_factory=dict)   # bytes
    array_elements: dict[str, int] = field(default_factory=dict)
    extra_actions: dict = field(default_factory=dict)

    @property
    def stall_cycles(self) -> int:
        return self.bank_conflict_stall_cycles + self.dram_stall_cycles + \
            self.dependency_stall_cycles

    @property
    def total_cycles(self) -> int:
        return self.end_cycle - self.start_cycle

    @property
    def utilization(self) -> float:
        """Useful operations over the unit's peak during this row's window."""
        ops = self.macs or self.vector_ops
        return ops / (self.total_cycles * self.peak_ops_per_cycle) if self.total_cycles else 0.0

    def add_dram(self, cost) -> int:
        """Add a DRAM transfer's counts; return its completion cycle."""
        self.dram_activations += cost.activations
        self.dram_refreshes += cost.refreshes
        self.dram_active_rank_ns += cost.active_rank_ns
        return cost.end_cycle

    def add_plan_counts(self, plan: Plan, buffer_names: list[str]) -> None:
        """Sum the action counts of every step of ``plan`` (distinct steps counted once each)."""
        mult: Counter = Counter()
        by_id = {}
        for seg in plan.segments:
            for sid, n in Counter(map(id, seg.steps)).items():
                mult[sid] += n * seg.repeat
            for s in seg.steps:
                by_id[id(s)] = s
        for sid, n in mult.items():
            s = by_id[sid]
            self.steps += n
            self.dram_read_bytes += s.dram_read_bytes * n
            self.dram_write_bytes += s.dram_write_bytes * n
            self.psum_read_bytes += s.psum_read_bytes * n
            self.psum_write_bytes += s.psum_write_bytes * n
            for b, w in s.buffer_reads:
                name = buffer_names[b]
                self.buffer_reads[name] = self.buffer_reads.get(name, 0) + w * n
            for b, w in s.buffer_writes:
                name = buffer_names[b]
                self.buffer_writes[name] = self.buffer_writes.get(name, 0) + w * n
            for kind, b, nbytes in s.writes_by_kind:
                key = (kind, buffer_names[b])
                self.writes_by_kind[key] = self.writes_by_kind.get(key, 0) + nbytes * n
            for kind, b, nbytes in s.reads_by_kind:
                key = (kind, buffer_names[b])
                self.reads_by_kind[key] = self.reads_by_kind.get(key, 0) + nbytes * n
        for k, v in plan.array_elements.items():
            self.array_elements[k] = self.array_elements.get(k, 0) + v
        for comp, acts in plan.actions.items():
            dst = self.extra_actions.setdefault(comp, {})
            for a, v in acts.items():
                dst[a] = dst.get(a, 0) + v
