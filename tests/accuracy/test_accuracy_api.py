"""``evaluate_error_profile``: the function ``accelsim run … --accuracy`` calls."""
import pytest

from accelsim.accuracy.api import evaluate_error_profile
from accelsim.core.errors import ConfigError

PROFILE = {
    "schema": "accelsim.error_profile/1",
    "memory": [],
    "by_kind": {k: {"bit_error_rate": 0.0, "format": "bf16"}
                for k in ("activation", "weight", "error", "weight_gradient")},
    "crossbar": {"device": "epiram", "adc_bits": 8, "dac_bits": 8, "parameters": {},
                 "layers": ["fc2"], "counts": {}},
}


def test_returns_the_accuracy_json_dict():
    result = evaluate_error_profile(PROFILE, epochs=2, seed=3)
    assert result["schema"] == "accelsim.accuracy/1" and result["seed"] == 3
    assert len(result["test_accuracy"]) == len(result["ideal_test_accuracy"]) == 2
    assert result["crossbar"]["device"] == "epiram" and result["crossbar"]["layers"] == ["fc2"]
    assert result["formats"]["optimizer_state"] == "fp32"   # kinds not in the profile: workload


def test_zero_profile_without_crossbar_equals_ideal():
    result = evaluate_error_profile({**PROFILE, "crossbar": None}, epochs=2)
    assert result["test_accuracy"] == result["ideal_test_accuracy"]
    assert result["accuracy_drop_points"] == 0


def test_wrong_schema():
    with pytest.raises(ConfigError, match="schema"):
        evaluate_error_profile({**PROFILE, "schema": "accelsim.error_profile/9"})
