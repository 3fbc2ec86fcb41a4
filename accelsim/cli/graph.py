"""``accelsim graph WORKLOAD -o graph.json``: write the training dataflow graph (a trace format
that ``accelsim run`` plays back)."""
from __future__ import annotations

from accelsim.core.phases import PHASE_SETS


def register(sub) -> None:
    p = sub.add_parser("graph", help="write the training dataflow graph as JSON",
                       description="Build the training dataflow graph of WORKLOAD and write it as "
                                   "networkx node-link JSON; 'accelsim run HW graph.json' plays "
                                   "it back.")
    p.add_argument("workload", help="workload .yaml or SCALE-Sim topology .csv")
    p.add_argument("-o", "--out", required=True, help="output .json file")
    p.add_argument("--phases", choices=tuple(PHASE_SETS), default="training")
    p.add_argument("--batch", type=int, default=None, help="override the batch size")
    p.set_defaults(func=run)


def run(args) -> int:
    from accelsim.api import load_graph
    from accelsim.workload.graph import op_nodes, write_graph

    g = load_graph(args.workload, args.phases, args.batch)
    write_graph(g, args.out)
    ops = op_nodes(g)
    print(f"wrote {args.out}: {len(ops)} operations, {g.number_of_edges()} tensor edges "
          f"(workload {g.graph['workload']}, batch {g.graph['batch']})")
    return 0
