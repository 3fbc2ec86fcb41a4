"""Compare two results (run directories or sweep stores) against per-metric tolerances.

:mod:`.sources` reads them, :mod:`.tolerance` decides what may move, :mod:`.diff` finds what
moved and :mod:`.report` prints it. Used by ``accelsim compare`` and ``accelsim regress``.
"""
from .diff import DEFAULT_METRICS, Comparison, compare_paths
from .report import format_report
from .tolerance import Tolerance, Tolerances

__all__ = ["DEFAULT_METRICS", "Comparison", "Tolerance", "Tolerances", "compare_paths",
           "format_report"]
