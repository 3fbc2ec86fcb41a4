"""The phases of a training step and the phase sets a run can simulate, declared once.

A leaf module (no dependencies), so that the command line can offer the choices without
importing the workload model.
"""
from __future__ import annotations

from typing import Literal

#: the phases of one layer's training step, in program order (docs/design.md §3)
PHASES = ("forward", "backward_data", "backward_weight", "update")

#: what ``--phases`` / ``phases:`` selects: the whole training step or the forward pass only
PhaseSet = Literal["training", "forward"]
PHASE_SETS: dict[str, tuple[str, ...]] = {"training": PHASES, "forward": PHASES[:1]}
