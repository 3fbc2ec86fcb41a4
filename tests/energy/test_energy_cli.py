"""``accelsim energy RUN_DIR``: re-pricing a saved run without simulating again."""
import csv
import json

import pytest
import yaml

from accelsim.cli import main
from accelsim.energy.pricing import price, summary_section
from accelsim.results.runfiles import merge_layer_rows


def make_run(tmp_path, config, counts):
    """A run directory as 'accelsim run' writes it (energy priced with the default table)."""
    run = tmp_path / "run"
    run.mkdir()
    result = price(counts, config)
    header = ["layer", "phase", "total_cycles", "macs"]
    rows = [{"layer": r["layer"], "phase": r["phase"], "total_cycles": str(r["total_cycles"]),
             "macs": "0"} for r in counts["rows"]]
    rows, header = merge_layer_rows(rows, header, result["rows"])
    with (run / "layers.csv").open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    summary = {"schema": "accelsim.summary/1", "hardware": {"config": config},
               "total_cycles": counts["total_cycles"], **summary_section(result)}
    (run / "summary.json").write_text(json.dumps(summary, indent=2))
    (run / "counts.json").write_text(json.dumps(counts))
    return run


def read_layers(path):
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


def test_repricing_with_the_same_table_reproduces_the_run_exactly(tmp_path, config, counts,
                                                                  capsys):
    run = make_run(tmp_path, config, counts)
    before_rows = read_layers(run / "layers.csv")
    before = json.loads((run / "summary.json").read_text())
    assert main(["energy", str(run), "-o", str(tmp_path / "out")]) == 0
    out = tmp_path / "out"
    assert read_layers(out / "layers.csv") == before_rows
    assert json.loads((out / "summary.json").read_text()) == before
    assert json.loads((out / "counts.json").read_text()) == counts
    text = capsys.readouterr().out
    assert "dram_background" in text and "total" in text
    # in place, twice: still identical
    assert main(["energy", str(run)]) == 0
    assert main(["energy", str(run)]) == 0
    assert read_layers(run / "layers.csv") == before_rows
    assert json.loads((run / "summary.json").read_text()) == before


def test_a_table_doubling_one_entry_doubles_exactly_that_column(tmp_path, config, counts):
    run = make_run(tmp_path, config, counts)
    table = tmp_path / "double.yaml"
    table.write_text(yaml.safe_dump({"name": "double", "entries": {
        "dram.ddr4_3200.activation_nj": {"value": 8.46, "source": "test: 2 × 4.23"}}}))
    assert main(["energy", str(run), "--table", str(table), "-o", str(tmp_path / "o")]) == 0
    old, new = read_layers(run / "layers.csv"), read_layers(tmp_path / "o" / "layers.csv")
    for a, b in zip(old, new):
        assert a.keys() == b.keys()
        for key in a:
            if key == "dram_activation_energy_pj":
                assert float(b[key]) == 2 * float(a[key])
            elif key != "total_energy_pj":
                assert b[key] == a[key], key
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["energy_table"]["name"] == "default+double"
    assert summary["energy_table"]["entries"]["dram.ddr4_3200.activation_nj"]["value"] == 8.46


def test_old_energy_columns_are_replaced_and_other_columns_kept(tmp_path, config, counts):
    run = make_run(tmp_path, config, counts)
    rows = read_layers(run / "layers.csv")
    with (run / "layers.csv").open("w", newline="") as f:      # a stale column from old runs
        header = list(rows[0]) + ["stale_energy_pj"]
        w = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        w.writeheader()
        w.writerows({**r, "stale_energy_pj": "1"} for r in rows)
    assert main(["energy", str(run)]) == 0
    new = read_layers(run / "layers.csv")
    assert "stale_energy_pj" not in new[0]
    assert [r["macs"] for r in new] == ["0"] * len(rows)


@pytest.mark.parametrize("damage, message", [
    (lambda run: (run / "counts.json").unlink(), "counts.json: file not found"),
    (lambda run: (run / "summary.json").write_text("{"), "malformed JSON"),
    (lambda run: (run / "summary.json").write_text("{}"), "hardware.config"),
    (lambda run: (run / "layers.csv").write_text("layer,phase\nx,forward\n"),
     "has 1 rows but counts.json has 3"),
    (lambda run: (run / "layers.csv").write_text(
        "layer,phase\nconv1,forward\nconv1,update\nconv1,update\n"), "row 1 is"),
])
def test_damaged_run_directories_give_one_line_errors(tmp_path, config, counts, capsys,
                                                      damage, message):
    run = make_run(tmp_path, config, counts)
    damage(run)
    assert main(["energy", str(run)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and err.count("\n") == 1


def test_missing_run_directory(tmp_path, capsys):
    assert main(["energy", str(tmp_path / "nope")]) == 2
    assert "not found" in capsys.readouterr().err
