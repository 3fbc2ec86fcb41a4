"""``accelsim timeline RUN_DIR -o FILE.json``: the Perfetto timeline of a run saved with --trace."""
from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser(
        "timeline", help="Perfetto / chrome://tracing timeline of a run saved with --trace",
        description="Write the Trace Event JSON of a run directory written by 'accelsim run "
                    "--trace': one track per unit with busy and stall spans by cause, DRAM "
                    "loader and writer tracks, DRAM bandwidth and buffer occupancy counters, "
                    "and dependency flows. Open it in ui.perfetto.dev or chrome://tracing.")
    p.add_argument("run_dir", metavar="RUN_DIR")
    p.add_argument("-o", "--out", metavar="FILE.json", required=True, help="timeline file to write")
    p.set_defaults(func=run)


def run(args) -> int:
    from pathlib import Path

    from accelsim.results.perfetto import write_timeline
    from accelsim.results.rundir import output_errors

    with output_errors(Path(args.out)):
        trace = write_timeline(args.run_dir, args.out)
    print(f"wrote {args.out} ({len(trace['traceEvents'])} events)")
    return 0
