"""accelsim's per-sample crossbar updates beside aihwkit 1.1.0's one-factor sweeps.

The reference figures (tests/data/aihwkit/, measured once with aihwkit on accelsim's own MLP,
split, initial weights and batch order) are checked, never fitted: each point must land within 5
points of aihwkit's, or be one of the differences explained in docs/accuracy.md ("accelsim beside
aihwkit"). The full sweep (16 points × 3 seeds) is behind the ``slow`` marker; the default suite
runs two points on one seed, beside the batch-summed scheme that missed them.
"""
import csv
from pathlib import Path

import numpy as np
import pytest

from accelsim.accuracy.api import Experiment
from accelsim.accuracy.error_profile import CrossbarSpec, ErrorSpec

DATA = Path(__file__).resolve().parents[1] / "data" / "aihwkit"
TOLERANCE_POINTS = 5.0
#: differences larger than the tolerance, each explained in docs/accuracy.md
EXPLAINED = {("nl", 6.0): "pulse-count conversion: accelsim (as NeuroSim) turns a wanted step into "
                          "pulses with the linear step range/P_max, aihwkit with its dw_min; at NL "
                          "6 the curve's mid-range step is 3.7x the linear one",
             ("c2c_sigma", 0.05): "run-to-run spread: single runs spread over 54-74 % here "
                                  "(pulse_train lands within 5 points of aihwkit)"}


def _reference() -> dict[tuple[str, float], float]:
    with open(DATA / "one_factor_sweeps.csv", encoding="utf-8") as handle:
        return {(r["factor"], float(r["value"])): float(r["aihwkit_mean_test_accuracy_percent"])
                for r in csv.DictReader(handle)}


def _clean(factor: str, value: float, scheme: str, rounding: str = "stochastic") -> dict:
    """The reference's clean device (100 states each way, NL 0, no c2c) with one factor set."""
    params = {"states_ltp": 100, "states_ltd": 100, "update_scheme": scheme,
              "update_rounding": rounding}
    if factor == "states":
        params.update(states_ltp=int(value), states_ltd=int(value))
    elif factor == "nl":
        params.update(nl_ltp=value, nl_ltd=-value)
    else:
        params[factor] = value
    return params


def _accuracy(experiments, params) -> float:
    spec = ErrorSpec(crossbar=CrossbarSpec(device="ideal", parameters=params))
    return float(np.mean([100 * e.run(spec)["final_test_accuracy"] for e in experiments]))


def test_reference_has_the_three_sweeps():
    ref = _reference()
    assert {f for f, _ in ref} == {"states", "nl", "c2c_sigma"} and len(ref) == 16
    assert set(EXPLAINED) <= set(ref)


def test_per_sample_lands_near_aihwkit_where_batch_summed_did_not():
    ref = _reference()
    experiments = [Experiment("mlp", seed=0)]
    for point in (("states", 8.0), ("c2c_sigma", 0.035)):
        per_sample = _accuracy(experiments, _clean(*point, "per_sample"))
        assert abs(per_sample - ref[point]) <= TOLERANCE_POINTS, (point, per_sample)
    # the old scheme (summed batch, pulses rounded to nearest) lost 8-state updates wholesale
    summed = _accuracy(experiments, _clean("states", 8.0, "batch_summed", "deterministic"))
    assert ref[("states", 8.0)] - summed > 3 * TOLERANCE_POINTS


@pytest.mark.slow
def test_one_factor_sweeps_within_5_points_or_explained():
    ref = _reference()
    experiments = [Experiment("mlp", seed=s) for s in (0, 1, 2)]
    misses = {}
    for point, expected in ref.items():
        got = _accuracy(experiments, _clean(*point, "per_sample"))
        if abs(got - expected) > TOLERANCE_POINTS:
            misses[point] = round(got - expected, 1)
    assert set(misses) <= set(EXPLAINED), misses
