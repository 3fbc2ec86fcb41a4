"""'accelsim compare': exit 0 when nothing moved beyond tolerance, 1 on a regression (a value
beyond tolerance, a missing layer or metric), 2 on unusable input."""
import json

import pytest
from comparekit import copy_run, edit, make_run, read, write

from accelsim.cli import main


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return make_run(tmp_path_factory.mktemp("cmp") / "base")


@pytest.fixture
def new(base, tmp_path):
    return copy_run(base, tmp_path / "new")


def compare(capsys, *argv) -> tuple[int, str]:
    code = main(["compare", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out + err


def test_identical_runs_exit_0(base, new, capsys):
    code, out = compare(capsys, base, new)
    assert code == 0 and out.splitlines()[-1].startswith("OK: ")
    assert "0 moved" in out


def test_one_cycle_more_in_one_row_is_a_regression(base, new, capsys):
    rows, _ = read(base)
    row = next(r for r in rows if (r["layer"], r["phase"]) == ("conv2", "backward_data"))
    edit(new, "conv2", "backward_data", dram_stall_cycles=int(row["dram_stall_cycles"]) + 1)
    code, out = compare(capsys, base, new)
    assert code == 1
    line = next(ln for ln in out.splitlines() if "dram_stall_cycles" in ln)
    assert line.split()[:3] == ["conv2", "backward_data", "dram_stall_cycles"]
    assert line.rstrip().endswith("exact          FAIL")
    assert out.splitlines()[-1].startswith("REGRESSION: ") and "1 beyond tolerance" in out


def set_cycles(run, value):
    edit(run, "conv1", "forward", total_cycles=value)


def test_relative_tolerance_that_just_holds_and_one_that_just_fails(base, new, capsys):
    base2 = copy_run(base, new.parent / "base2")
    set_cycles(base2, 1000)
    set_cycles(new, 1010)                                           # +1.0 %
    assert compare(capsys, base2, new)[0] == 1                      # integers: exact
    assert compare(capsys, base2, new, "--tol", "total_cycles=0.01")[0] == 0   # 10 <= 10
    assert compare(capsys, base2, new, "--tol", "total_cycles=1%")[0] == 0
    code, out = compare(capsys, base2, new, "--tol", "total_cycles=0.0099")   # 10 > 9.9
    assert code == 1 and "rel 0.0099" in out
    assert compare(capsys, base2, new, "--abs-tol", "total_cycles=10")[0] == 0
    assert compare(capsys, base2, new, "--abs-tol", "total_cycles=9")[0] == 1
    # a glob and the last matching rule wins
    assert compare(capsys, base2, new, "--tol", "*_cycles=0.01")[0] == 0
    assert compare(capsys, base2, new, "--tol", "*_cycles=0.01",
                   "--tol", "total_cycles=0")[0] == 1


def test_energy_has_a_relative_tolerance_by_default(base, new, capsys):
    rows, _ = read(base)
    value = float(next(r for r in rows if (r["layer"], r["phase"]) == ("fc1", "forward"))
                  ["mac_energy_pj"])
    edit(new, "fc1", "forward", mac_energy_pj=value * (1 + 1e-12))   # float noise
    assert compare(capsys, base, new)[0] == 0
    edit(new, "fc1", "forward", mac_energy_pj=value * (1 + 1e-6))
    code, out = compare(capsys, base, new)
    assert code == 1 and "mac_energy_pj" in out and "rel 1e-09" in out
    assert compare(capsys, base, new, "--rel-tol", "2e-6")[0] == 0
    assert compare(capsys, base, new, "--tol", "mac_energy_pj=5e-7")[0] == 1


def test_a_layer_missing_on_one_side_is_a_regression(base, new, capsys):
    rows, header = read(new)
    write(new, [r for r in rows if r["layer"] != "conv2"], header)
    code, out = compare(capsys, base, new)
    assert code == 1
    assert "REGRESSION: layer conv2 phase forward: missing on NEW" in out
    assert "REGRESSION: layer conv2 phase update: missing on NEW" in out
    code, out = compare(capsys, new, base)                          # and the other way round
    assert code == 1 and "layer conv2 phase forward: missing on BASE" in out


def test_a_metric_missing_on_new_is_a_regression_a_new_metric_is_not(base, new, capsys):
    rows, header = read(new)
    header = [h for h in header if h != "pe_register_energy_pj"]
    write(new, [{h: r[h] for h in header} for r in rows], header)
    code, out = compare(capsys, base, new)
    assert code == 1 and "metric pe_register_energy_pj missing on NEW" in out
    code, out = compare(capsys, new, base)
    assert code == 0 and "metrics only NEW has (not compared): pe_register_energy_pj" in out


def test_step_totals_are_compared(base, new, capsys):
    summary = json.loads((new / "summary.json").read_text())
    summary["total_cycles"] += 5
    (new / "summary.json").write_text(json.dumps(summary))
    code, out = compare(capsys, base, new)
    assert code == 1
    assert any(ln.split()[:3] == ["(step)", "-", "total_cycles"] for ln in out.splitlines())


def test_unusable_input_exits_2(base, tmp_path, capsys):
    code, out = compare(capsys, base, tmp_path / "nope")
    assert code == 2 and "nope: not found" in out
    empty = tmp_path / "empty"
    empty.mkdir()
    code, out = compare(capsys, base, empty)
    assert code == 2 and "summary.json: file not found" in out
    other = make_run(tmp_path / "mlp", workload="digits_mlp")     # different layers entirely
    code, out = compare(capsys, base, other)
    assert code == 2 and "different workloads: BASE ran 'digits_cnn', NEW ran 'digits_mlp'" in out
    renamed = copy_run(base, tmp_path / "renamed")
    rows, header = read(renamed)
    write(renamed, [{**r, "layer": "x" + r["layer"]} for r in rows], header)
    code, out = compare(capsys, base, renamed)
    assert code == 2 and "no (layer, phase) row in common" in out
    code, out = compare(capsys, base, base, "--tol", "total_cycles")
    assert code == 2 and "METRIC=VALUE" in out
    code, out = compare(capsys, base, base, "--tol", "total_cycles=-1")
    assert code == 2 and "bad tolerance" in out


@pytest.mark.parametrize("option", ["--tol", "--abs-tol"])
def test_a_tolerance_glob_matching_no_compared_metric_exits_2(base, new, capsys, option):
    for glob in ("foo", "total_cycle", "*_energy_nj"):             # typos
        code, out = compare(capsys, base, new, option, f"{glob}=0.1")
        assert code == 2 and out.count("\n") == 1 and out.startswith("accelsim: error: ")
        assert f"{option}: tolerance glob {glob!r} matches no compared metric" in out
        assert "total_cycles" in out                                 # valid names are listed
    # a metric left out by --metric is not compared, so a rule for it would be ignored
    code, out = compare(capsys, base, new, "--metric", "*_cycles", option, "mac_energy_pj=1")
    assert code == 2 and "'mac_energy_pj' matches no compared metric" in out
    # one good rule does not excuse a bad one; good rules alone are fine
    assert compare(capsys, base, new, option, "total_cycles=1", option, "fo*=1")[0] == 2
    assert compare(capsys, base, new, option, "*_energy_pj=1", option, "total_cycles=1")[0] == 0
