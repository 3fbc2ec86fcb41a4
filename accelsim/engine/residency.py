"""Which whole tensors live on chip between operations (activation liveness).

Each buffer's resident region (``capacity × resident_fraction``) keeps whole tensors: outputs for
the next layer, and forward activations saved for ``backward_weight`` of the same layer. When a
new tensor does not fit, the resident tensors whose next use is furthest in the future are evicted
first (Belady's rule: the schedule of a training step is known in advance); a dirty victim (one
that exists only on chip) is *spilled*, i.e. written back to DRAM. A tensor is never evicted for
one that is needed later than itself, and tensors with no future use are dropped without a
write-back after every operation.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

INF = float("inf")


@dataclass
class Held:
    nbytes: int
    dirty: bool


class Residency:
    def __init__(self, capacities: list[int], uses: dict[str, list[int]]):
        self.capacity = list(capacities)
        self.used = [0] * len(capacities)
        self.held: list[dict[str, Held]] = [{} for _ in capacities]
        self.uses = uses  # tensor id -> sorted program-order indices of the ops that read it

    def next_use(self, tensor: str, after: int) -> float:
        uses = self.uses.get(tensor, ())
        i = bisect_right(uses, after)
        return uses[i] if i < len(uses) else INF

    def holds(self, buf: int, tensor: str) -> bool:
        return tensor in self.held[buf]

    def dirty_elsewhere(self, tensor: str, buf: int) -> list[tuple[int, int]]:
        """Other buffers holding the only up-to-date copy: (buffer, bytes)."""
        return [(i, h[tensor].nbytes) for i, h in enumerate(self.held)
                if i != buf and tensor in h and h[tensor].dirty]

    def clean(self, buf: int, tensor: str) -> None:
        self.held[buf][tensor].dirty = False

    def admit(self, buf: int, tensor: str, nbytes: int, now: int, dirty: bool,
              pinned: set[str]) -> tuple[bool, list[tuple[str, int]]]:
        """Try to keep ``tensor`` resident in ``buf``. Returns (admitted, spills) where spills are
        the dirty victims (tensor, bytes) that must be written back to DRAM."""
        if nbytes > self.capacity[buf]:
            return False, []
        free = self.capacity[buf] - self.used[buf]
        victims: list[str] = []
        if free < nbytes:
            mine = self.next_use(tensor, now)
            held = self.held[buf]
            ranked = sorted(((self.next_use(t, now), t) for t in held if t not in pinned),
                            key=lambda x: (-x[0], x[1]))
            for when, t in ranked:
                if free >= nbytes or when <= mine:
                    break
                victims.append(t)
                free += held[t].nbytes
            if free < nbytes:
                return False, []
        spills = []
        for t in victims:
            h = self.held[buf].pop(t)
            self.used[buf] -= h.nbytes
            if h.dirty:
                spills.append((t, h.nbytes))
        self.held[buf][tensor] = Held(nbytes, dirty)
        self.used[buf] += nbytes
        return True, spills

    def drop_dead(self, now: int) -> None:
        """Forget tensors that no later operation reads (no write-back needed)."""
        for buf, held in enumerate(self.held):
            for t in [t for t in held if self.next_use(t, now) == INF]:
                self.used[buf] -= held.pop(t).nbytes
