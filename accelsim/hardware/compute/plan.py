"""What one operation asks of the machine, step by step.

A compute unit turns an operation into a :class:`Plan`: segments of identical :class:`Step` s.
A step is the unit of work that the engine schedules as SimPy events (docs/design.md §9): its operand
tile is fetched from DRAM into a staging slot (overlapping the previous step when the buffer is
double-buffered), the unit computes for ``compute_cycles`` while the buffers serve the step's
accesses, and the step's results are written back to DRAM. Everything inside a step is closed form.

Operands reach a unit from a buffer in one of three modes (:class:`Operand`):

* ``resident`` — the whole tensor is already in the buffer: no DRAM traffic;
* ``cache`` — it fits in the buffer's resident region: fetched from DRAM on first touch only,
  then reused (for outputs: kept on chip, no DRAM traffic);
* ``writeback`` — an output that nothing on chip reads again but that fits: partial sums
  accumulate on chip and each final value is written back to DRAM once;
* ``stream`` — it does not fit: every step fetches (or, for outputs, writes back) its tile,
  partial sums included.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Operand:
    """How one tensor of an operation is served."""
    tensor: str
    kind: str
    buffer: int              # index into the machine's buffers
    bytes_per_element: int
    mode: str                # "resident" | "cache" | "writeback" | "stream"
    elements: int            # size of the whole tensor


@dataclass(frozen=True)
class Step:
    """One schedulable unit of work. Per-buffer access counts are in words of that buffer."""
    compute_cycles: int
    dram_read_bytes: int
    dram_write_bytes: int
    buffer_reads: tuple[tuple[int, int], ...]   # (buffer index, words)
    buffer_writes: tuple[tuple[int, int], ...]
    writes_by_kind: tuple[tuple[str, int, int], ...] = ()  # (kind, buffer index, bytes)
    reads_by_kind: tuple[tuple[str, int, int], ...] = ()
    #: the part of ``buffer_writes`` that is the DRAM fill of the step's tile (written by the
    #: DMA while the tile streams in, not by the unit: docs/design.md §5)
    fill_writes: tuple[tuple[int, int], ...] = ()
    psum_read_bytes: int = 0    # partial sums read back (from the buffer), at accumulator width
    psum_write_bytes: int = 0   # partial sums written (to the buffer), at accumulator width


@dataclass(frozen=True)
class Segment:
    """``steps`` played in order, ``repeat`` times."""
    steps: tuple[Step, ...]
    repeat: int = 1


@dataclass
class Plan:
    segments: list[Segment]
    compute_cycles: int           # closed-form stall-free cycles of the operation
    peak_ops_per_cycle: int       # for utilisation (R·C MACs, or vector lanes)
    macs: int = 0                 # useful multiply-accumulates (arrays, crossbar tiles)
    mac_slots: int = 0            # MAC slots the mapping occupies (0: as many as macs)
    vector_ops: int = 0           # useful element-wise operations (vector unit)
    actions: dict = field(default_factory=dict)   # extra action counts (e.g. crossbar)
    array_elements: dict = field(default_factory=dict)  # array-side operand accesses (elements)

    def steps(self):
        for seg in self.segments:
            for _ in range(seg.repeat):
                yield from seg.steps


class StepBuilder:
    """Accumulates one step's traffic and converts bytes to per-buffer word accesses."""

    def __init__(self, word_bytes: list[int]):
        self.word_bytes = word_bytes
        self.reads: dict[int, int] = {}
        self.writes: dict[int, int] = {}
        self.dram_read = 0
        self.dram_write = 0
        self.kind_writes: dict[tuple[str, int], int] = {}
        self.kind_reads: dict[tuple[str, int], int] = {}
        self.fills: dict[int, int] = {}
        self.psum_read = 0
        self.psum_write = 0

    def _read(self, op: Operand, nbytes: int) -> None:
        self.reads[op.buffer] = self.reads.get(op.buffer, 0) + \
            -(-nbytes // self.word_bytes[op.buffer])
        key = (op.kind, op.buffer)
        self.kind_reads[key] = self.kind_reads.get(key, 0) + nbytes

    def _write(self, op: Operand, nbytes: int) -> int:
        words = -(-nbytes // self.word_bytes[op.buffer])
        self.writes[op.buffer] = self.writes.get(op.buffer, 0) + words
        key = (op.kind, op.buffer)
        self.kind_writes[key] = self.kind_writes.get(key, 0) + nbytes
        return words

    def unit_reads(self, op: Operand, elements: int) -> None:
        """The unit reads ``elements`` of ``op`` from its buffer."""
        self._read(op, elements * op.bytes_per_element)

    def unit_writes(self, op: Operand, elements: int) -> None:
        """The unit writes ``elements`` of ``op`` into its buffer."""
        self._write(op, elements * op.bytes_per_element)

    def psum_reads(self, op: Operand, elements: int) -> None:
        """The unit reads back ``elements`` partial sums of ``op`` (``op`` at accumulator
        width)."""
        self.psum_read += elements * op.bytes_per_element
        self.unit_reads(op, elements)

    def psum_writes(self, op: Operand, elements: int) -> None:
        """The unit writes ``elements`` partial sums of ``op`` (``op`` at accumulator width)."""
        self.psum_write += elements * op.bytes_per_element
        self.unit_writes(op, elements)

    def fetch(self, op: Operand, elements: int) -> None:
        """DRAM → buffer: a DRAM read and a buffer write (the fill)."""
        self.dram_read += elements * op.bytes_per_element
        words = self._write(op, elements * op.bytes_per_element)
        self.fills[op.buffer] = self.fills.get(op.buffer, 0) + words

    def drain(self, op: Operand, elements: int) -> None:
        """Buffer → DRAM: a buffer read and a DRAM write."""
        self.dram_write += elements * op.bytes_per_element
        self._read(op, elements * op.bytes_per_element)

    def build(self, compute_cycles: int) -> Step:
        return Step(compute_cycles, self.dram_read, self.dram_write,
                    tuple(sorted(self.reads.items())), tuple(sorted(self.writes.items())),
                    tuple(sorted((k, b, v) for (k, b), v in self.kind_writes.items())),
                    tuple(sorted((k, b, v) for (k, b), v in self.kind_reads.items())),
                    tuple(sorted((b, w) for b, w in self.fills.items() if w)),
                    self.psum_read, self.psum_write)


def share(total: int, parts: int, j: int) -> int:
    """Piece ``j`` of ``total`` split into ``parts`` near-equal whole pieces."""
    q, r = divmod(total, parts)
    return q + (1 if j < r else 0)


def split(total: int, parts: int) -> list[tuple[int, int]]:
    """``total`` split into ``parts`` near-equal pieces, as (size, how many) pairs."""
    q, r = divmod(total, parts)
    return [(s, c) for s, c in ((q + 1, r), (q, parts - r)) if c and s]


def chunked_steps(reads: list[tuple[Operand, int]], outs: list[Operand], compute_cycles: int,
                  slot_bytes: list[int], word_bytes: list[int], max_chunks: int) -> list[Step]:
    """Steps of a streaming operation that reads each input once in order (element-wise work,
    crossbar kernels): the tensors are cut into as many near-equal chunks as the fullest staging
    slot needs. ``reads`` pairs an input with the elements the unit reads from it (which may
    exceed its size, e.g. im2col patches); fetched (and drained) traffic is the tensor itself."""
    staged: dict[int, int] = {}
    for op in [op for op, _ in reads] + outs:
        if op.mode == "stream":
            staged[op.buffer] = staged.get(op.buffer, 0) + op.elements * op.bytes_per_element
    chunks = max([1] + [-(-v // slot_bytes[i]) for i, v in staged.items()])
    chunks = min(chunks, max(1, max_chunks))
    steps = []
    for j in range(chunks):
        sb = StepBuilder(word_bytes)
        for op, n in reads:
            sb.unit_reads(op, share(n, chunks, j))
            if op.mode in ("stream", "cache"):
                sb.fetch(op, share(op.elements, chunks, j))
        for op in outs:
            el = share(op.elements, chunks, j)
            sb.unit_writes(op, el)
            if op.mode in ("stream", "writeback"):
                sb.drain(op, el)
        steps.append(sb.build(share(compute_cycles, chunks, j)))
    return steps


def compress(steps: list[Step]) -> list[Segment]:
    """Consecutive identical steps as one repeated segment."""
    out: list[Segment] = []
    for s in steps:
        if out and out[-1].steps == (s,):
            out[-1] = Segment((s,), out[-1].repeat + 1)
        else:
            out.append(Segment((s,), 1))
    return out
