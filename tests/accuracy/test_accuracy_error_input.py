"""Reading errors: a run's summary.json error_profile, or a rates YAML; bad input is refused."""
import json

import pytest

from accelsim.accuracy.error_profile import read_errors, spec_from_profile
from accelsim.core.errors import ConfigError


def profile(**changes):
    row = {"tensor_kind": "activation", "buffer": "act_buf", "technology": "stt_mram_22nm",
           "format": "bf16", "bits_written": 1000, "toggle_fraction": 0.5,
           "expected_toggled_bits": 500.0, "write_error_rate": 1e-5,
           "expected_bit_errors": 0.005, "bit_error_rate": 5e-6}
    data = {"schema": "accelsim.error_profile/1", "memory": [row],
            "by_kind": {"activation": {"bit_error_rate": 5e-6, "format": "bf16"},
                        "weight": {"bit_error_rate": 0.0, "format": "int8"}},
            "crossbar": {"device": "ag-a-si", "adc_bits": 6, "dac_bits": 7,
                         "parameters": {"c2c_sigma": 0.01}, "layers": ["fc1"],
                         "counts": {"adc_conversions": 10}}}
    data.update(changes)
    return data


def test_profile_is_read():
    spec = spec_from_profile(profile())
    assert spec.bit_error_rate["activation"] == 5e-6 and spec.bit_error_rate["error"] == 0.0
    assert spec.formats == {"activation": "bf16", "weight": "int8"}
    assert spec.crossbar.device == "ag-a-si" and spec.crossbar.layers == ["fc1"]


def test_run_directory_and_summary_json(tmp_path):
    (tmp_path / "summary.json").write_text(json.dumps({"error_profile": profile(crossbar=None)}))
    for path in (tmp_path, tmp_path / "summary.json"):
        spec = read_errors(path)
        assert spec.bit_error_rate["activation"] == 5e-6 and spec.crossbar is None


def test_rates_yaml(tmp_path):
    f = tmp_path / "rates.yaml"
    f.write_text("bit_error_rate: {activation: 1e-4, weight: 0}\nformats: {error: int8}\n"
                 "crossbar: {device: pcmo, adc_bits: 5}\n")
    spec = read_errors(f)
    assert spec.bit_error_rate["activation"] == 1e-4 and spec.formats == {"error": "int8"}
    assert spec.crossbar.device == "pcmo" and spec.crossbar.layers is None


@pytest.mark.parametrize("bad", [1.5, -1e-9, float("nan")])
def test_rate_outside_unit_interval(tmp_path, bad):
    f = tmp_path / "rates.yaml"
    f.write_text(f"bit_error_rate: {{weight: {bad}}}\n")
    with pytest.raises(ConfigError, match=r"rates.yaml: bit_error_rate.weight: .*outside \[0, 1\]"):
        read_errors(f)
    p = profile()
    p["by_kind"]["activation"]["bit_error_rate"] = bad
    with pytest.raises(ConfigError, match="by_kind.activation.bit_error_rate"):
        spec_from_profile(p)


def test_wrong_schema_is_refused():
    with pytest.raises(ConfigError, match="schema 'accelsim.error_profile/0' is not supported"):
        spec_from_profile(profile(schema="accelsim.error_profile/0"))
    with pytest.raises(ConfigError, match="unknown key 'bits'"):
        spec_from_profile(profile(bits=3))
    with pytest.raises(ConfigError, match="by_kind"):
        spec_from_profile({"schema": "accelsim.error_profile/1", "memory": []})
    with pytest.raises(ConfigError, match="must be a mapping"):
        spec_from_profile([1, 2])


def test_summary_without_profile(tmp_path):
    (tmp_path / "summary.json").write_text("{}")
    with pytest.raises(ConfigError, match="no error_profile section"):
        read_errors(tmp_path)


def test_unknown_kind_in_yaml(tmp_path):
    f = tmp_path / "rates.yaml"
    f.write_text("bit_error_rate: {gradients: 1e-4}\n")
    with pytest.raises(ConfigError, match="rates.yaml: bit_error_rate.gradients"):
        read_errors(f)


def test_error_spec_has_no_unused_helpers():
    from accelsim.accuracy.error_profile import ErrorSpec
    assert not hasattr(ErrorSpec, "is_zero")          # removed as dead code (nothing used it)
