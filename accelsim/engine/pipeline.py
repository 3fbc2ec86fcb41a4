"""The double-buffered step pipeline that plays one operation's :class:`Plan` on the machine.

Three SimPy processes share the operation's staging slots (two per direction when every buffer
the plan touches is double-buffered, else one):

* the *loader* takes a free input slot and fetches the next step's tile from DRAM (so step i+1's
  fetch overlaps step i's compute); the DMA writes the tile into the banks as it streams in, so
  the fill's bank writes overlap its transfer (:meth:`ScratchpadBuffer.serve_step`: they start
  at the transfer's issue once the banks are idle, and the step's window waits for them);
* the *compute* loop takes the next loaded tile, computes for the step's ``compute_cycles``
  while the banks serve the step's accesses — when the busiest bank needs longer than the
  compute, the excess is a *bank-conflict stall* — then frees the input slot and hands the step
  to the writer through a free output slot;
* the *writer* drains each step's results to DRAM and frees its output slot.

Waiting for a tile, for a free output slot, or for the last write-back is a *DRAM stall*. The
row's ``dram_stall_cycles`` and ``bank_conflict_stall_cycles`` and its DRAM counts are set
here, and observers see every step (``on_step``) and DRAM transfer (``on_transfer``).

There are two shortcuts, both exact: without observers, with ideal DRAM and an ideal scratchpad
nothing can stall, so the operation takes its closed-form compute time in one event; and an
operation that runs alone (nothing else can touch the DRAM or the banks until it ends) is played
by the recurrence of :mod:`accelsim.engine.closed_form`, also in one event, which then reports
its steps and transfers to the observers in one go (the same records as the SimPy pipeline's).
"""
from __future__ import annotations

import simpy

from accelsim.engine.closed_form import closed_form
from accelsim.engine.rows import OpRow
from accelsim.hardware.compute.plan import Plan, Step
from accelsim.hardware.memory.banks import ScratchpadBuffer
from accelsim.hardware.memory.buffer_config import Buffer
from accelsim.hardware.memory.dram import DramChannels


class StepPipeline:
    """Plays plans on one machine's DRAM and buffers (shared by every unit)."""

    def __init__(self, env: simpy.Environment, dram: DramChannels,
                 buffers: list[ScratchpadBuffer], buffer_cfgs: list[Buffer], observers=(),
                 closed_form: bool = True):
        self.closed_form = closed_form
        self.env = env
        self.dram = dram
        self.buffers = buffers
        self.buffer_cfgs = buffer_cfgs
        self.observers = list(observers)
        self.stall_free = dram.ideal and all(b.ideal for b in buffers)

    def depth(self, plan: Plan) -> int:
        """Staging slots per direction: a step's tile is prefetched during the previous step
        only if every buffer the plan touches has a second slot."""
        touched = {b for seg in plan.segments for st in set(seg.steps)
                   for b, _ in st.buffer_reads + st.buffer_writes}
        return 2 if all(self.buffer_cfgs[b].double_buffered for b in touched) else 1

    def play(self, plan: Plan, row: OpRow, alone: bool = False, unit: int = 0):
        """SimPy process body: play ``plan``'s steps, accounting the stalls into ``row``.
        ``alone``: nothing else can touch the DRAM or the banks until the operation ends (the
        scheduler knows), so the pipeline may be played in closed form. ``unit``: the unit's index
        among the machine's requesters of the banks (for their arbitration)."""
        env, dram, buffers, observers = self.env, self.dram, self.buffers, self.observers
        if self.stall_free and not observers:
            yield env.timeout(plan.compute_cycles)
            return
        depth = self.depth(plan)
        steps = list(plan.steps())
        loads = {id(s): bank_loads(s) for seg in plan.segments for s in seg.steps}
        if alone and self.closed_form:
            end = closed_form(steps, loads, depth, row, int(env.now), dram, buffers, unit,
                              observers)
            if end is not None:
                # a timeout even of 0 cycles, so that completions already pending at this cycle
                # are processed before the unit looks for its next operation, as in SimPy mode
                yield env.timeout(end - env.now)
                return
        in_slots = simpy.Container(env, capacity=depth, init=depth)
        out_slots = simpy.Container(env, capacity=depth, init=depth)
        in_q, out_q = simpy.Store(env), simpy.Store(env)

        def transfer(direction: str, nbytes: int):
            t = row.add_dram(dram.transfer(nbytes, write=direction == "write"))
            for obs in observers:
                obs.on_transfer(row, direction, int(env.now), int(t), nbytes)
            if t > env.now:
                yield env.timeout(t - env.now)

        def loader():
            for step in steps:
                yield in_slots.get(1)
                issued = int(env.now)
                if step.dram_read_bytes:
                    yield from transfer("read", step.dram_read_bytes)
                in_q.put((step, issued))

        def writer():
            while True:
                step = yield out_q.get()
                if step is None:
                    return
                yield from transfer("write", step.dram_write_bytes)
                out_slots.put(1)

        env.process(loader())
        writing = env.process(writer())
        # per distinct step: the buffers whose arbiter may push its completion back later
        sharing = {k: [buffers[b] for b, _ in v if buffers[b].shares] for k, v in loads.items()}
        dram_stall = bank_stall = 0
        for step in steps:
            t0 = env.now
            _, issued = yield in_q.get()
            dram_stall += env.now - t0
            now = int(env.now)
            compute_end = now + step.compute_cycles
            end = compute_end
            for b, (r, w, fill) in loads[id(step)]:
                end = max(end, buffers[b].serve_step(r, w, fill, unit, issued))
            if end > now:
                yield env.timeout(end - now)
            shared = sharing.get(id(step))
            while shared:  # another unit's later accesses may have taken a share of the banks
                later = max(buf.completion(unit) for buf in shared)
                if later <= env.now:
                    break
                yield env.timeout(later - env.now)
            bank_stall += int(env.now) - compute_end
            in_slots.put(1)
            for obs in observers:
                obs.on_step(row, now, int(env.now), step)
            if step.dram_write_bytes:
                t1 = env.now
                yield out_slots.get(1)
                dram_stall += env.now - t1
                out_q.put(step)
        t2 = env.now
        out_q.put(None)
        yield writing
        dram_stall += env.now - t2
        row.dram_stall_cycles = int(dram_stall)
        row.bank_conflict_stall_cycles = int(bank_stall)


def bank_loads(step: Step) -> tuple[tuple[int, tuple[int, int, int]], ...]:
    """A step's (read words, the unit's write words, fill write words) per buffer, in buffer
    order."""
    out: dict[int, list[int]] = {}
    for b, w in step.buffer_reads:
        out.setdefault(b, [0, 0, 0])[0] += w
    for b, w in step.buffer_writes:
        out.setdefault(b, [0, 0, 0])[1] += w
    for b, w in step.fill_writes:
        out[b][1] -= w
        out[b][2] += w
    return tuple((b, (r, w, f)) for b, (r, w, f) in sorted(out.items()))
