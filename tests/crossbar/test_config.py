"""CrossbarConfig: preset defaults, overrides, derived quantities and bad input."""
import pytest

from accelsim.core.errors import ConfigError
from accelsim.core.yamlfile import load_yaml
from accelsim.hardware.crossbar.config import CrossbarConfig, crossbar_from_dict
from accelsim.hardware.crossbar.presets import TILE_PRESETS


def test_defaults_come_from_the_default_preset():
    cfg = crossbar_from_dict({})
    preset = TILE_PRESETS.get(cfg.preset)
    for key, value in preset.config_defaults().items():
        assert getattr(cfg, key) == value


def test_explicit_fields_override_the_preset():
    cfg = crossbar_from_dict({"preset": "isaac_32nm", "cols_per_adc": 16, "adc_bits": 6})
    assert (cfg.cols_per_adc, cfg.adc_bits, cfg.read_ns) == (16, 6, 10.0)
    assert cfg.input_mode == "bit_serial"


def test_derived_quantities():
    cfg = crossbar_from_dict({"rows": 64, "cols": 128, "cols_per_adc": 16, "rows_per_adc": 4})
    assert (cfg.col_adcs, cfg.row_adcs) == (8, 16)
    assert cfg.weight_cols == 64 and cfg.cells_per_weight == 2 and cfg.reference_columns == 0
    ref = crossbar_from_dict({"weight_encoding": "reference_column", "cols": 128})
    assert ref.weight_cols == 127 and ref.cells_per_weight == 1 and ref.reference_columns == 1
    assert crossbar_from_dict({"input_mode": "pwm", "dac_bits": 6}).passes == 1
    assert crossbar_from_dict({"input_mode": "bit_serial", "dac_bits": 6}).passes == 6
    # rows_per_adc defaults to the column sharing factor
    assert crossbar_from_dict({"cols_per_adc": 32}).row_adcs == 128 // 32


def test_update_rules():
    avg = crossbar_from_dict({"update": {"average_pulses_per_update": 2.5}}).update
    assert avg.mean_pulses == 2.5 and avg.slots == 3
    states = crossbar_from_dict({"update": {"rule": "states", "states": 97,
                                            "update_fraction": 0.05}}).update
    assert states.mean_pulses == pytest.approx(0.05 * 96)
    assert states.slots == 5 and states.program_pulses == 48
    assert crossbar_from_dict({"update": {"slots_per_update": 31}}).update.slots == 31


@pytest.mark.parametrize("data, field, words", [
    ({"cols_per_adc": 0}, "crossbar.cols_per_adc", "outside the plausible range [1, "),
    ({"cols_per_adc": 256}, "crossbar.cols_per_adc", "zero ADCs"),
    ({"rows_per_adc": 0}, "crossbar.rows_per_adc", "outside the plausible range [1, "),
    ({"cols_per_adc": 12}, "crossbar.cols_per_adc", "does not divide"),
    ({"rows": 96, "rows_per_adc": 64}, "crossbar.rows_per_adc", "does not divide"),
    ({"rows": 100, "cols_per_adc": 8}, "crossbar", "set rows_per_adc"),
    ({"cols": 126, "cols_per_adc": 2, "rows_per_adc": 8}, None, None),
    ({"cols": 125, "cols_per_adc": 5, "rows_per_adc": 8}, "crossbar", "odd"),
    ({"device": "unobtainium"}, "crossbar.device", "ag-a-si"),
    ({"parameters": {"adc_bits": 4}}, "crossbar", "set by crossbar.adc_bits"),
    ({"parameters": {"c2c": 0.1}}, "crossbar", "unknown crossbar parameter 'c2c'"),
    ({"parameters": {"c2c_sigma": 2.0}}, "crossbar", "outside [0, 1]"),
    ({"preset": "nope"}, "crossbar.preset", "isaac_32nm"),
    ({"update": {"rule": "states"}}, "crossbar.update", "update_fraction"),
    ({"layers": []}, "crossbar.layers", "empty"),
    ({"adc_bits": 0}, "crossbar.adc_bits", "outside the plausible range [1, 32]"),
    ({"tiles": 0}, "crossbar.tiles", "outside the plausible range [1, "),
    ({"adc_bits_": 8}, "crossbar.adc_bits_", "unknown key"),
])
def test_bad_input_names_the_field(data, field, words):
    if field is None:  # the control case: a valid config
        crossbar_from_dict(data)
        return
    with pytest.raises(ConfigError) as exc:
        crossbar_from_dict(data, source="hw.yaml")
    assert exc.value.field == field
    assert exc.value.source == "hw.yaml"
    assert words in str(exc.value)
    assert "\n" not in str(exc.value)


def test_frozen_and_rejects_extra():
    cfg = crossbar_from_dict({})
    with pytest.raises(Exception):
        cfg.rows = 3  # type: ignore[misc]
    assert CrossbarConfig.model_config["extra"] == "forbid"


def test_loads_from_yaml_file(tmp_path):
    path = tmp_path / "xbar.yaml"
    path.write_text("preset: isaac_32nm\ntiles: 8\nlayers: [conv2, conv3]\n"
                    "exclude_layers: [conv3]\n")
    cfg = crossbar_from_dict(load_yaml(path), source=str(path))
    assert cfg.tiles == 8 and cfg.maps("conv2") and not cfg.maps("conv3")
    assert not cfg.maps("fc")


def test_update_scheme_errors_name_the_field():
    with pytest.raises(ConfigError, match="pulse trains are stochastic") as exc:
        crossbar_from_dict({"update": {"scheme": "pulse_train", "rounding": "deterministic"}},
                           source="hw.yaml")
    assert exc.value.field.startswith("crossbar.update")
    with pytest.raises(ConfigError) as exc:
        crossbar_from_dict({"update": {"scheme": "per_batch"}}, source="hw.yaml")
    assert exc.value.field == "crossbar.update.scheme"
    with pytest.raises(ConfigError, match="set by crossbar.update.scheme"):
        crossbar_from_dict({"parameters": {"update_scheme": "per_sample"}}, source="hw.yaml")
