"""Sweep files: axis expansion (product, zip), deduplication, and errors before anything runs."""
import pytest
from sweepkit import CNN, GRID_AXES, MLP, write_sweep

from accelsim.core.errors import ConfigError
from accelsim.tools.sweep.points import build_tasks, expand
from accelsim.tools.sweep.spec import SweepSpec, load_spec


def spec(**kw) -> SweepSpec:
    return SweepSpec.model_validate({"base": "hw.yaml", "workloads": ["a.yaml"], **kw})


def test_product_is_workloads_outermost_last_axis_fastest():
    s = spec(workloads=["a.yaml", "b.yaml"], axes=[
        {"path": "arrays.0.rows", "values": [4, 8, 16]}, {"path": "dram.preset",
                                                          "values": ["hbm2", "ddr4_3200"]}])
    points = expand(s)
    assert len(points) == 2 * 3 * 2
    assert points[0] == {"workload": "a.yaml", "arrays.0.rows": 4, "dram.preset": "hbm2"}
    assert points[1] == {"workload": "a.yaml", "arrays.0.rows": 4, "dram.preset": "ddr4_3200"}
    assert points[6]["workload"] == "b.yaml"


def test_zip_group_moves_together_and_combine_zip():
    s = spec(axes=[{"zip": [{"path": "arrays.0.rows", "values": [4, 8]},
                            {"path": "arrays.0.cols", "values": [16, 32]}]},
                   {"path": "dram.preset", "values": ["hbm2", "ideal"]}])
    pairs = [(p["arrays.0.rows"], p["arrays.0.cols"]) for p in expand(s)]
    assert pairs == [(4, 16), (4, 16), (8, 32), (8, 32)]
    z = spec(combine="zip", axes=[{"path": "arrays.0.rows", "values": [4, 8]},
                                  {"path": "dram.preset", "values": ["hbm2", "ideal"]}])
    assert [(p["arrays.0.rows"], p["dram.preset"]) for p in expand(z)] == \
        [(4, "hbm2"), (8, "ideal")]


@pytest.mark.parametrize("data, message", [
    ({"axes": [{"zip": [{"path": "a", "values": [1, 2]}, {"path": "b", "values": [1]}]}]},
     "equally many values"),
    ({"axes": [{"path": "a", "values": [1]}, {"path": "a", "values": [2]}]}, "more than once"),
    ({"workloads": []}, "no workload"),
    ({"axes": [{"path": "a"}]}, "needs 'path' and 'values'"),
    ({"combine": "zip", "axes": [{"path": "a", "values": [1]}, {"path": "b", "values": [1, 2]}]},
     "equally many values"),
    ({"axes": [{"zip": [{"path": "a", "values": [1], "label": "x"},
                        {"path": "b", "values": [2], "label": "x"}]}]}, "label 'x' appears"),
    ({"axes": [{"label": "g", "zip": [{"path": "a", "values": [1]},
                                      {"path": "b", "values": [2]}]}]}, "label its members"),
])
def test_bad_spec(tmp_path, data, message):
    path = tmp_path / "s.yaml"
    import yaml
    path.write_text(yaml.safe_dump({"base": "hw.yaml", "workloads": ["a.yaml"], **data}))
    with pytest.raises(ConfigError) as exc:
        load_spec(path)
    assert message in str(exc.value) and str(path) in str(exc.value)


def test_tasks_resolve_each_point_and_deduplicate_identical_configs(tmp_path):
    path = write_sweep(tmp_path, [
        {"path": "arrays.0.rows", "values": [8, 8, 4], "label": "rows"},  # 8 twice: one point
        {"path": "batch", "values": [1, 2]}], workloads=(MLP, CNN))
    tasks, columns = build_tasks(load_spec(path), path)
    assert columns == ["workload", "rows", "batch"]
    assert len(tasks) == 2 * 2 * 2
    assert len({t.key for t in tasks}) == len(tasks)
    assert {t.key[3] for t in tasks} == {1, 2}                 # batch is part of the key
    assert {t.hw.arrays[0].rows for t in tasks} == {4, 8}
    assert {t.workload_name for t in tasks} == {"digits_mlp", "digits_cnn"}


def test_a_point_whose_config_is_invalid_fails_before_running(tmp_path):
    path = write_sweep(tmp_path, [{"path": "scratchpad.act.technology",
                                   "values": ["sram_22nm", "sttmram"]}])
    with pytest.raises(ConfigError) as exc:
        build_tasks(load_spec(path), path)
    text = str(exc.value)
    assert "sttmram" in text and "scratchpad.act.technology=sttmram" in text
    assert "stt_mram_22nm" in text   # the valid names


def test_missing_base_is_an_error(tmp_path):
    path = write_sweep(tmp_path, GRID_AXES)
    (tmp_path / "tiny.yaml").unlink()
    with pytest.raises(ConfigError, match="base: base config 'tiny.yaml' not found"):
        build_tasks(load_spec(path), path)


def test_missing_workload_is_an_error(tmp_path):
    path = write_sweep(tmp_path, GRID_AXES, workloads=(tmp_path / "nope.yaml",))
    with pytest.raises(ConfigError, match="workload file not found"):
        build_tasks(load_spec(path), path)
