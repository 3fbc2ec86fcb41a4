"""The step pipeline of :mod:`accelsim.engine.pipeline` in closed form, for an operation that
runs alone (no other event pending, so nothing else touches the DRAM or the banks meanwhile).

The three processes' times follow a recurrence. With D staging slots per direction, step i's
fetch is issued at ``max(loader free, compute release of step i − D)``, its compute starts at
``max(compute free, fetch done)`` and ends when the compute cycles and the busiest bank are both
done (the release; the banks serve the step's fill from its fetch's issue, as
:meth:`ScratchpadBuffer.serve_step` books it, then the step's own accesses), and its write-back
takes the k-th output slot (freed when write-back k − D completed) and is issued at
``max(writer free, hand-over)``. Every number equals the SimPy
pipeline's as long as the DRAM sees the transfers in the same order. The recurrence issues them
in time order; a read and a write issued in the same cycle are ordered as SimPy orders them when
one compute release frees both the loader and the writer (the read first). Any other tie is
left to SimPy: :func:`closed_form` then returns None and leaves the DRAM and the banks as it
found them.
"""
from __future__ import annotations

from accelsim.engine.rows import OpRow
from accelsim.hardware.compute.plan import Step
from accelsim.hardware.memory.banks import ScratchpadBuffer
from accelsim.hardware.memory.dram import DramChannels


class _Undecided(Exception):
    """A read and a write issued in the same cycle in an order the recurrence does not decide."""


def closed_form(steps: list[Step], loads: dict, depth: int, row: OpRow, t0: int,
                dram: DramChannels, buffers: list[ScratchpadBuffer], unit: int = 0,
                observers=()) -> int | None:
    """Play ``steps`` from cycle ``t0``; account the stalls and DRAM counts into ``row`` (each
    transfer's in issue order, as SimPy adds them) and return the cycle the operation ends, or
    None (nothing changed) if SimPy must decide."""
    saved = (dram.state(), [b.state() for b in buffers],
             (row.dram_activations, row.dram_refreshes, row.dram_active_rank_ns))
    try:
        seen: list[tuple] = []  # observer calls, made only once the recurrence has decided
        end, dram_stall, bank_stall = _recurrence(steps, loads, depth, t0, row, dram, buffers,
                                                  unit, seen if observers else None)
    except _Undecided:
        dram.restore(saved[0])
        for b, state in zip(buffers, saved[1]):
            b.restore(state)
        row.dram_activations, row.dram_refreshes, row.dram_active_rank_ns = saved[2]
        return None
    row.dram_stall_cycles = dram_stall
    row.bank_conflict_stall_cycles = bank_stall
    for obs in observers:
        for call in seen:
            if call[0] == "step":
                obs.on_step(row, *call[1:])
            else:
                obs.on_transfer(row, *call[1:])
    return end


def _recurrence(steps, loads, depth, t0, row, dram, buffers, unit, seen):
    n = len(steps)
    loaded = [0] * n       # cycle each step's tile is in its slot
    issued = [0] * n       # cycle each step's fetch was issued (its fill may start then)
    released = [0] * n     # cycle each step's compute (and banks) finished: its input slot frees
    timed = [False] * n    # whether the compute waited for a timeout (released > start)
    queued: list[tuple[int, int, bool]] = []  # per write-back: (step, hand-over cycle, slot free)
    written: list[int] = []                   # cycle each write-back completed
    li = ci = wi = 0
    loader = writer = compute = t0
    dram_stall = bank_stall = 0
    ideal = dram.ideal
    while True:
        progressed = True
        while progressed:
            progressed = False
            while li < n and not steps[li].dram_read_bytes:  # no fetch: straight to the slot
                if li >= depth and ci <= li - depth:
                    break
                loaded[li] = issued[li] = loader = \
                    max(loader, t0 if li < depth else released[li - depth])
                li += 1
                progressed = True
            while ci < li:
                step = steps[ci]
                slot_free = True
                if step.dram_write_bytes and len(queued) >= depth:
                    if len(written) <= len(queued) - depth:
                        break  # its output slot frees only with a write-back not issued yet
                    avail = written[len(queued) - depth]
                else:
                    avail = None
                start = max(compute, loaded[ci])
                dram_stall += start - compute
                end = start + step.compute_cycles
                compute_end = end
                for b, (r, w, fill) in loads[id(step)]:
                    end = max(end, buffers[b].serve_step(r, w, fill, unit, issued[ci], start))
                bank_stall += end - compute_end
                released[ci] = end
                timed[ci] = end > start
                if seen is not None:
                    seen.append(("step", start, end, step))
                if step.dram_write_bytes:
                    put = end if avail is None else max(end, avail)
                    slot_free = avail is None or avail < end
                    dram_stall += put - end
                    queued.append((ci, put, slot_free))
                    compute = put
                else:
                    compute = end
                ci += 1
                progressed = True
        read_at = write_at = None
        if li < n and (li < depth or ci > li - depth):
            read_at = max(loader, t0 if li < depth else released[li - depth])
        if wi < len(queued):
            write_at = max(writer, queued[wi][1])
        if read_at is None and write_at is None:
            break
        if read_at is not None and write_at is not None and read_at == write_at and not ideal:
            c, put, slot_free = queued[wi]
            # the one decided tie: compute release of step c (a timeout) at T frees the slot
            # the loader waits for and hands step c to the idle writer; SimPy resumes the loader
            # first
            if not (li >= depth and c == li - depth and released[c] == read_at == put
                    and timed[c] and slot_free and loader < read_at and writer < read_at):
                raise _Undecided
        if read_at is not None and (write_at is None or read_at <= write_at):
            cost = dram.transfer(steps[li].dram_read_bytes, now=read_at)
            issued[li] = read_at
            done = row.add_dram(cost)
            loaded[li] = loader = max(read_at, done)
            if seen is not None:
                seen.append(("dram", "read", read_at, int(done), steps[li].dram_read_bytes))
            li += 1
        else:
            nbytes = steps[queued[wi][0]].dram_write_bytes
            cost = dram.transfer(nbytes, write=True, now=write_at)
            done = row.add_dram(cost)
            writer = max(write_at, done)
            if seen is not None:
                seen.append(("dram", "write", write_at, int(done), nbytes))
            written.append(writer)
            wi += 1
    if ci < n:
        raise RuntimeError("closed-form pipeline stalled")  # unreachable: every wait resolves
    end = max(compute, writer)
    dram_stall += end - compute
    return end, int(dram_stall), int(bank_stall)
