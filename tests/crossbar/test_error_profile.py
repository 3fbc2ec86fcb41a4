"""The error_profile.crossbar section built from a config and kernel calls."""
from accelsim.accuracy.error_profile import CrossbarSpec
from accelsim.hardware.crossbar.config import crossbar_from_dict
from accelsim.hardware.crossbar.devices import resolve_device
from accelsim.hardware.crossbar.error_profile import error_profile_section
from accelsim.hardware.crossbar.kernels import (
    backward_mvm,
    forward_vmm,
    outer_product_update,
    program_weights,
)
from accelsim.hardware.crossbar.mapping import WeightMatrix, map_matrix


def test_section_shape_and_totals():
    cfg = crossbar_from_dict({"device": "ag-a-si", "adc_bits": 6, "dac_bits": 5,
                              "parameters": {"c2c_sigma": 0.01, "stuck_at_gmin_fraction": 0.002}})
    a = map_matrix(WeightMatrix("fc1", 200, 100, 1, 1), cfg)
    b = map_matrix(WeightMatrix("fc2", 100, 10, 1, 1), cfg)
    calls = [program_weights(a, cfg, 1.0), program_weights(b, cfg, 1.0)]
    for step in range(2):
        calls += [forward_vmm(a, cfg, 4, 1.0), forward_vmm(b, cfg, 4, 1.0),
                  backward_mvm(b, cfg, 4, 1.0), outer_product_update(b, cfg, 4, 1.0),
                  outer_product_update(a, cfg, 4, 1.0)]
    sec = error_profile_section(cfg, calls)
    assert sec["device"] == "ag-a-si" and sec["adc_bits"] == 6 and sec["dac_bits"] == 5
    assert sec["parameters"] == {"c2c_sigma": 0.01, "stuck_at_gmin_fraction": 0.002, "adc_bits": 6,
                                 "dac_bits": 5, "rows_per_tile": 128, "cols_per_tile": 64,
                                 "update_scheme": "per_sample"}
    assert set(sec) == set(CrossbarSpec.model_fields)
    CrossbarSpec.model_validate(sec)   # the accuracy model reads it
    resolve_device(sec["device"], sec["parameters"])
    assert sec["layers"] == ["fc1", "fc2"]
    per = sec["counts"]["per_layer"]
    assert per["fc1"]["adc_conversions"] == 2 * forward_vmm(a, cfg, 4, 1.0).adc_conversions
    assert per["fc2"]["backward_mvm_calls"] == 2 and per["fc1"]["backward_mvm_calls"] == 0
    assert per["fc1"]["update_pulses"] == 2 * 4 * 200 * 100
    total = sec["counts"]["total"]
    assert total["adc_conversions"] == per["fc1"]["adc_conversions"] + per["fc2"]["adc_conversions"]
    assert total["update_pulses"] == total["write_pulses"]
    assert total["adc_saturations"] is None
    assert cfg.update.program_pulses == 49.5   # ag-a-si: (100 states - 1) / 2
    assert sec["counts"]["programming"]["write_pulses"] == (200 * 100 + 100 * 10) * 49.5
