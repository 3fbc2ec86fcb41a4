"""``accelsim sweep SWEEP.yaml``: run every point of a sweep into a SQLite store (resumable)."""
from __future__ import annotations

import argparse
import sys

from accelsim.cli.options import add_max_steps


def register(sub) -> None:
    p = sub.add_parser(
        "sweep", help="run a sweep of configs × workloads into a SQLite store",
        description="Run every point of SWEEP.yaml (docs/sweeps.md) and store one row per point "
                    "in a SQLite file. Running the same command again skips finished points. "
                    "Given a store (.db) instead of a sweep file, only exports it. Exit status: "
                    "0 all points ok, 1 some points failed (recorded and listed), 2 bad input.")
    p.add_argument("sweep", help="sweep file (.yaml), or an existing store (.db) to export")
    p.add_argument("-s", "--store", help="SQLite store (default: out/<sweep file stem>-<8 hex "
                                         "digits of the sweep's identity>.db)")
    p.add_argument("--allow-other-spec", action="store_true",
                   help="add the points to a store that another sweep spec created (refused "
                        "by default: the store records the identity of every spec written "
                        "into it)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("-j", "--jobs", type=int, default=1,
                       help="local worker processes (default 1: run in this process)")
    where.add_argument("--dask", metavar="ADDRESS",
                       help="run on the Dask scheduler at ADDRESS (e.g. tcp://host:8786)")
    where.add_argument("--dask-local", type=int, metavar="N",
                       help="start a local Dask cluster of N worker processes and run on it")
    p.add_argument("--dask-timeout", type=float, default=5.0, metavar="SECONDS",
                   help="give up connecting to the scheduler after this long (default 5)")
    p.add_argument("--export", metavar="FILE",
                   help="write one row per point to FILE (.csv, or .parquet with pyarrow)")
    p.add_argument("--export-layers", metavar="FILE",
                   help="write one row per (point, layer, phase) to FILE (.csv or .parquet)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar even on a terminal")
    add_max_steps(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from accelsim.core.errors import ConfigError
    from accelsim.tools.sweep import is_store, run_sweep
    from accelsim.tools.sweep.export import export

    if is_store(args.sweep):
        if not (args.export or args.export_layers):
            raise ConfigError("is a sweep store; nothing to do", source=args.sweep,
                              fix="add --export FILE or --export-layers FILE, or pass the "
                                  "sweep .yaml to run it")
        store, failed = args.sweep, 0
    else:
        report = run_sweep(args.sweep, args.store, jobs=args.jobs, dask=args.dask,
                           dask_local=args.dask_local, dask_timeout_s=args.dask_timeout,
                           progress=False if args.no_progress else None,
                           max_steps=args.max_steps or None,
                           allow_other_spec=args.allow_other_spec)
        _print_report(report)
        store, failed = report.store, len(report.errors)
    for path in export(store, args.export, args.export_layers):
        print(f"exported {path}")
    return 1 if failed else 0


def _print_report(r) -> None:
    if not r.ran:
        print(f"sweep: {r.points} points, all already in the store; nothing to run")
    else:
        rate = r.ran / r.wall_seconds if r.wall_seconds else 0.0
        print(f"sweep: {r.points} points, {r.skipped} already in the store, ran {r.ran} "
              f"on {r.executor} in {r.wall_seconds:.1f} s ({rate:.2f} points/s); "
              f"{r.ok} ok, {len(r.errors)} failed")
    print(f"store: {r.store}")
    for e in r.errors:
        axes = ", ".join(f"{k}={v}" for k, v in e.axes.items())
        print(f"failed: {axes}: {e.message}", file=sys.stderr)
