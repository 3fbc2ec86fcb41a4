"""Converting physical times to clock cycles."""
from __future__ import annotations

import math


def ns_to_cycles(ns: float, clock_ghz: float) -> int:
    """Whole clock cycles that cover ``ns`` nanoseconds; a positive time takes at least one."""
    if ns <= 0:
        return 0
    return max(1, math.ceil(ns * clock_ghz - 1e-9))
