"""``accelsim regress SUITE_DIR --baseline DIR [--update]``: the CI entry point."""
from __future__ import annotations

import argparse


def register(sub) -> None:
    p = sub.add_parser(
        "regress", help="run a suite of configs × workloads and compare with baselines (CI)",
        description="Run every case of SUITE_DIR/suite.yaml (docs/sweeps.md), compare each with "
                    "its baseline run directory in --baseline, print what moved. Exit status: 0 "
                    "every case matches, 1 a regression or a case without baseline, 2 bad input. "
                    "--update rewrites the baselines (and removes those of cases no longer in "
                    "the suite) and exits 0.")
    p.add_argument("suite_dir", metavar="SUITE_DIR", help="directory holding suite.yaml")
    p.add_argument("--baseline", required=True, metavar="DIR",
                   help="baseline directory: one run directory per case")
    p.add_argument("--update", action="store_true", help="rewrite the baselines with new results")
    p.add_argument("-j", "--jobs", type=int, default=1, help="worker processes (default 1)")
    p.add_argument("-o", "--out", metavar="DIR",
                   help="keep the new run directories here (default: a temporary directory)")
    p.add_argument("--max-changes", type=int, default=50, metavar="N",
                   help="moved values printed per failing case (default 50)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from accelsim.core.errors import ConfigError
    from accelsim.tools.compare import format_report
    from accelsim.tools.regress import regress

    if args.jobs < 1:
        raise ConfigError(f"-j must be at least 1 (got {args.jobs})", field="-j")
    report = regress(args.suite_dir, args.baseline, args.update, args.jobs, args.out)
    for r in report.results:
        moved = ""
        if r.comparison is not None:
            c = r.comparison
            moved = f"  ({c.values} values, {len(c.changes)} moved, {len(c.failures)} beyond " \
                    f"tolerance, {len(c.problems)} missing)"
        print(f"{r.status.upper():<11} {r.case.name}{moved}")
        if r.error:
            print(f"    {r.error}")
        if r.status == "fail" and r.comparison is not None:
            text = format_report(r.comparison, args.max_changes)
            print("\n".join("    " + line for line in text.splitlines()))
        if r.status == "no-baseline":
            print(f"    no baseline in {args.baseline}/{r.case.name}; create it with --update")
    for name in report.stale:
        verb = "removed" if args.update else "not in the suite (--update removes it)"
        print(f"STALE       {name}: baseline {verb}")
    n, bad = len(report.results), len(report.failed)
    if args.update:
        print(f"updated {n} baselines in {args.baseline}")
        return 0
    print(f"{'FAILED' if bad else 'PASSED'}: {n - bad}/{n} cases match the baselines")
    return 1 if bad else 0
