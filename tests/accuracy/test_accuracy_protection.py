"""Memory-error protection: protected sign/exponent bits never flip; saturating loads."""
import numpy as np
import pytest

from accelsim.accuracy.api import Experiment
from accelsim.accuracy.error_profile import ErrorSpec
from accelsim.accuracy.protection import Protection
from accelsim.accuracy.storage import TensorMemory
from accelsim.core.formats import TENSOR_KINDS


@pytest.mark.parametrize("fmt", ["bf16", "fp16", "fp32", "int8"])
def test_sign_exponent_protection_flips_only_mantissa_bits(fmt):
    x = np.random.default_rng(0).uniform(0.5, 2.0, (200, 100)).astype(np.float32)
    x *= np.where(np.arange(x.size).reshape(x.shape) % 2, 1, -1)
    guard = {"weight": Protection("sign_exponent")}
    memory = TensorMemory(dict.fromkeys(TENSOR_KINDS, fmt), {"weight": 0.05},
                          np.random.default_rng(1), protection=guard)
    clean = TensorMemory(dict.fromkeys(TENSOR_KINDS, fmt), {}, np.random.default_rng(1))
    got, want = memory.write("weight", x), clean.write("weight", x)
    assert memory.flips["weight"] > 0 and not np.array_equal(got, want)
    assert np.isfinite(got).all() and np.all(got * want >= 0)  # int8 magnitude may flip to 0
    if fmt != "int8":  # same exponent: within a factor of two
        assert np.all(np.abs(got) < 2 * np.abs(want)) and np.all(np.abs(got) >= np.abs(want) / 2)


def test_saturate_clips_non_finite_loads():
    x = np.array([1.0, np.inf, -np.inf, np.nan], dtype=np.float32)
    memory = TensorMemory(dict.fromkeys(TENSOR_KINDS, "bf16"), {}, np.random.default_rng(0),
                          protection={"error": Protection(saturate=True)})
    got = memory.write("error", x)
    assert got[0] == 1.0 and got[3] == 0.0 and got[1] == -got[2] == pytest.approx(3.3895e38, rel=1e-4)
    assert np.isinf(memory.write("activation", x)[1])  # other kinds load as stored


def test_protection_rescues_training_that_unprotected_errors_kill():
    exp = Experiment("mlp", epochs=3)
    rates = dict.fromkeys(TENSOR_KINDS, 1e-4)
    bare = exp.run(ErrorSpec(rates))
    guarded = exp.run(ErrorSpec(rates, protection={k: Protection("sign_exponent", True)
                                                   for k in TENSOR_KINDS}))
    assert bare["final_test_accuracy"] < 0.3
    assert guarded["final_test_accuracy"] > 0.8
    assert guarded["protection"]["weight"] == {"protect": "sign_exponent", "saturate": True}


def test_zero_rate_with_protection_is_the_ideal_run():
    exp = Experiment("mlp", epochs=2)
    result = exp.run(ErrorSpec(protection={k: Protection("sign_exponent") for k in TENSOR_KINDS}))
    assert result["test_accuracy"] == result["ideal_test_accuracy"]


def test_profile_and_rates_file_carry_protection(tmp_path):
    from accelsim.accuracy.error_profile import read_errors, spec_from_profile
    kinds = {k: {"bit_error_rate": 0.0, "format": "bf16"} for k in TENSOR_KINDS}
    kinds["error"].update(protect="sign_exponent", saturate=True)
    spec = spec_from_profile({"schema": "accelsim.error_profile/1", "by_kind": kinds})
    assert spec.protection["error"] == Protection("sign_exponent", True)
    assert spec.protection["weight"] == Protection()
    path = tmp_path / "rates.yaml"
    path.write_text("bit_error_rate: {weight: 1.0e-5}\nprotect: {weight: sign_exponent}\n"
                    "saturate: {error: true}\n")
    spec = read_errors(path)
    assert spec.protection == {"weight": Protection("sign_exponent"),
                               "error": Protection(saturate=True)}
