"""The scheduler on hand-made graphs: pools, ready-first choice in program order, dependency
stalls, and the order in which idle units wake."""
import itertools

import networkx as nx
import pytest
import simpy

from accelsim.engine.scheduler import Scheduler

pytestmark = pytest.mark.closed_form


def graph(ops, edges):
    """``ops``: names in program order; ``edges``: (producer, consumer) through a tensor node."""
    g = nx.DiGraph()
    for i, op in enumerate(ops):
        g.add_node(op, kind="op", order=i)
    for a, b in edges:
        g.add_node(f"t:{a}", kind="tensor")
        g.add_edge(a, f"t:{a}")
        g.add_edge(f"t:{a}", b)
    return g


def run(g, pool_of, duration):
    """Play the graph with one process per unit; return {op: (unit, start, picked, end)}."""
    env = simpy.Environment()
    ops = [n for n, d in sorted(g.nodes(data=True), key=lambda x: x[1].get("order", -1))
           if d.get("kind") == "op"]
    sched = Scheduler(env, g, ops, pool_of)
    log = {}

    def unit(name, pool):
        while True:
            start = env.now
            op = yield from sched.next_operation(pool)
            if op is None:
                return
            picked = env.now
            yield env.timeout(duration[op])
            log[op] = (name, start, picked, env.now)
            sched.complete(op)

    for pool in sched.pools.values():
        for u in pool.units:
            env.process(unit(u, pool))
    env.run()
    return log


def test_a_free_unit_takes_the_first_ready_operation_not_the_first_pending():
    # B waits for D (another pool, 50 cycles); C is independent: after A the array takes C
    g = graph(["A", "B", "C", "D"], [("D", "B")])
    pools = {"A": ("array",), "B": ("array",), "C": ("array",), "D": ("vector",)}
    log = run(g, pools, {"A": 10, "B": 10, "C": 10, "D": 50})
    assert [op for op, _ in sorted(log.items(), key=lambda x: x[1][2]) if op != "D"] == \
        ["A", "C", "B"]
    _, start, picked, end = log["B"]
    assert (start, picked, end) == (20, 50, 60)   # a dependency stall of 30 cycles


def test_a_completed_operation_frees_its_successor_only_once_simpy_processed_it():
    # chain A -> B and an independent C later in program order: when A completes, the unit
    # looks again in the same cycle, before A's completion is processed, so it takes C first
    g = graph(["A", "B", "C"], [("A", "B")])
    log = run(g, {op: ("u",) for op in "ABC"}, {"A": 5, "B": 5, "C": 5})
    assert log["C"][2] == 5 and log["B"][2] == 10


def test_units_of_a_pool_share_one_queue_and_wake_in_the_order_they_waited():
    # P feeds X, Y, Z (one pool of two units); both units idle while P runs; the first to wait
    # takes X, the second Y, and Z goes to whichever is free first
    g = graph(["P", "X", "Y", "Z"], [("P", "X"), ("P", "Y"), ("P", "Z")])
    pools = {"P": ("v",), "X": ("a0", "a1"), "Y": ("a0", "a1"), "Z": ("a0", "a1")}
    log = run(g, pools, {"P": 7, "X": 3, "Y": 4, "Z": 1})
    assert log["X"][:3] == ("a0", 0, 7) and log["Y"][:3] == ("a1", 0, 7)
    assert log["Z"][0] == "a0" and log["Z"][2] == 10


def test_a_long_chain_schedules_every_operation_once_in_order():
    n = 2000
    ops = [f"L{i}" for i in range(n)]
    g = graph(ops, list(itertools.pairwise(ops)))
    log = run(g, {op: ("u",) for op in ops}, {op: 1 for op in ops})
    assert [log[op][2] for op in ops] == list(range(n))
