"""'accelsim regress': a suite of configs × workloads against stored baselines (exit 0/1/2)."""
import json

import pytest
import yaml
from comparekit import ROOT, TINY_HW, edit

from accelsim.cli import main


@pytest.fixture
def suite(tmp_path):
    d = tmp_path / "suite"
    d.mkdir()
    (d / "tiny.yaml").write_text(yaml.safe_dump(TINY_HW))
    (d / "tiny16.yaml").write_text(yaml.safe_dump(
        {**TINY_HW, "arrays": [{**TINY_HW["arrays"][0], "rows": 16, "cols": 16}]}))
    (d / "suite.yaml").write_text(yaml.safe_dump({
        "name": "t", "configs": ["tiny.yaml", "tiny16.yaml"],
        "workloads": [str(ROOT / "workloads" / "digits_mlp.yaml"),
                      str(ROOT / "workloads" / "digits_cnn.yaml")],
        "batch": 1, "exclude": [{"config": "tiny16", "workload": "digits_cnn"}]}))
    return d


def regress(capsys, *argv):
    code = main(["regress", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out + err


CASES = ["tiny__digits_mlp__b1", "tiny__digits_cnn__b1", "tiny16__digits_mlp__b1"]


def test_no_baseline_update_then_pass(suite, tmp_path, capsys):
    base = tmp_path / "baseline"
    base.mkdir()  # (a missing directory is bad input: test_missing_baseline_directory)
    code, out = regress(capsys, suite, "--baseline", base)
    assert code == 1 and out.count("NO-BASELINE") == 3
    code, out = regress(capsys, suite, "--baseline", base, "--update")
    assert code == 0 and "updated 3 baselines" in out
    assert sorted(p.name for p in base.iterdir()) == sorted(CASES)
    summary = json.loads((base / CASES[0] / "summary.json").read_text())
    assert "run_info" not in summary                      # no wall time in a baseline
    assert summary["hardware"]["source"] == "tiny.yaml"   # as written in suite.yaml
    code, out = regress(capsys, suite, "--baseline", base)
    assert code == 0 and "PASSED: 3/3" in out


def test_a_moved_value_fails_with_the_diff_and_update_accepts_it(suite, tmp_path, capsys):
    base = tmp_path / "baseline"
    regress(capsys, suite, "--baseline", base, "--update")
    edit(base / CASES[1], "conv1", "forward", compute_cycles=1)
    code, out = regress(capsys, suite, "--baseline", base, "-j", "2")
    assert code == 1 and "FAILED: 2/3" in out
    assert f"FAIL        {CASES[1]}" in out
    assert any(ln.split()[:3] == ["conv1", "forward", "compute_cycles"]
               for ln in out.splitlines())
    regress(capsys, suite, "--baseline", base, "--update")
    assert regress(capsys, suite, "--baseline", base)[0] == 0


def test_suite_tolerances_apply(suite, tmp_path, capsys):
    base = tmp_path / "baseline"
    regress(capsys, suite, "--baseline", base, "--update")
    edit(base / CASES[0], "fc1", "forward", mac_energy_pj=1.0)
    assert regress(capsys, suite, "--baseline", base)[0] == 1
    spec = yaml.safe_load((suite / "suite.yaml").read_text())
    spec["tolerances"] = {"abs": {"mac_energy_pj": 1e12}}
    (suite / "suite.yaml").write_text(yaml.safe_dump(spec))
    assert regress(capsys, suite, "--baseline", base)[0] == 0


def test_stale_baselines_are_reported_and_removed_by_update(suite, tmp_path, capsys):
    base = tmp_path / "baseline"
    regress(capsys, suite, "--baseline", base, "--update")
    spec = yaml.safe_load((suite / "suite.yaml").read_text())
    spec["configs"] = ["tiny.yaml"]
    (suite / "suite.yaml").write_text(yaml.safe_dump(spec))
    code, out = regress(capsys, suite, "--baseline", base)
    assert code == 0 and f"STALE       {CASES[2]}" in out
    regress(capsys, suite, "--baseline", base, "--update")
    assert not (base / CASES[2]).exists()


@pytest.mark.parametrize("change, message", [
    ({"configz": []}, "unknown key 'configz'"),
    ({"configs": ["missing.yaml"]}, "configs[0] (missing.yaml): file not found"),
    ({"exclude": [{"config": "tiny"}, {"config": "tiny16"}]}, "every case is excluded"),
])
def test_bad_suite_exits_2(suite, tmp_path, capsys, change, message):
    spec = yaml.safe_load((suite / "suite.yaml").read_text())
    spec.update(change)
    (suite / "suite.yaml").write_text(yaml.safe_dump(spec))
    code, out = regress(capsys, suite, "--baseline", tmp_path / "b")
    assert code == 2 and message in out and "suite.yaml" in out
