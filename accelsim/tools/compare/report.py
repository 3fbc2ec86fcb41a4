"""The text report of a comparison: what moved, by how much, against which tolerance."""
from __future__ import annotations

from accelsim.tools.compare.diff import Change, Comparison


def _num(v) -> str:
    return f"{v:,}" if isinstance(v, int) else f"{v:.10g}"


def _rel(c: Change) -> str:
    if c.base == 0:
        return "new" if c.new else "0"
    return f"{100.0 * (c.new - c.base) / abs(c.base):+.4g}%"


def format_report(cmp: Comparison, max_changes: int = 200) -> str:
    lines = [f"BASE {cmp.base}", f"NEW  {cmp.new}"]
    shown = sorted(cmp.changes, key=lambda c: not c.fails)[:max_changes]
    if shown:
        widths = {"layer": max(5, *(len(c.layer) for c in shown)),
                  "phase": max(5, *(len(c.phase) for c in shown)),
                  "metric": max(6, *(len(c.metric) for c in shown))}
        head = (f"{'layer':<{widths['layer']}}  {'phase':<{widths['phase']}}  "
                f"{'metric':<{widths['metric']}}  {'base':>18}  {'new':>18}  {'delta':>14}  "
                f"{'rel':>10}  {'tolerance':<14} verdict")
        case = None
        for c in shown:
            if c.case != case:
                case = c.case
                if case:
                    lines.append(f"point {case}")
                lines.append(head)
            delta = c.new - c.base
            lines.append(f"{c.layer:<{widths['layer']}}  {c.phase:<{widths['phase']}}  "
                         f"{c.metric:<{widths['metric']}}  {_num(c.base):>18}  {_num(c.new):>18}  "
                         f"{('+' if delta > 0 else '') + _num(delta):>14}  {_rel(c):>10}  "
                         f"{str(c.tolerance):<14} {'FAIL' if c.fails else 'ok'}")
        if len(cmp.changes) > len(shown):
            lines.append(f"... and {len(cmp.changes) - len(shown)} more moved values "
                         f"(--max-changes to show more)")
    lines += [f"REGRESSION: {p}" for p in cmp.problems]
    lines += [f"note: {n}" for n in cmp.notes]
    verdict = "REGRESSION" if cmp.regressed else "OK"
    cases = f"{cmp.cases} points, " if cmp.cases > 1 or cmp.changes and cmp.changes[0].case else ""
    lines.append(f"{verdict}: {cases}{cmp.rows} rows, {cmp.values} values compared; "
                 f"{len(cmp.changes)} moved, {len(cmp.failures)} beyond tolerance, "
                 f"{len(cmp.problems)} missing or failed")
    return "\n".join(lines)
