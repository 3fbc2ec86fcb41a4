"""Compare two results (run directories or sweep stores) against per-metric tolerances.

:mod:`.sources` reads them, :mod:`.tolerance` decides what may move, :mod:`.diff` finds what
moved and :mod:`.report` prints it. Used by ``accelsim compare`` and ``accelsim regress``.
"""
from accelsim.tools.compare.diff import DEFAULT_METRICS, Comparison, compare_paths
from accelsim.tools.compare.report import format_report
from accelsim.tools.compare.tolerance import Tolerance, Tolerances

__all__ = ["DEFAULT_METRICS", "Comparison", "Tolerance", "Tolerances", "compare_paths",
           "format_report"]
