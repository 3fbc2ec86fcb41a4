"""Every energy column of layers.csv adds up over the rows to its total in summary.json: static
energy (leakage, DRAM background) is attributed to the rows in proportion to their windows,
not priced over each row's own (overlapping) window."""
import csv
import json
import math

from accelsim.cli import main


def test_rows_add_up_to_the_step_energy(tmp_path, root, capsys):
    out = tmp_path / "run"
    assert main(["run", str(root / "hw_configs/train128_mixed.yaml"),
                 str(root / "workloads/resnet18.yaml"), "-o", str(out)]) == 0
    capsys.readouterr()
    rows = list(csv.DictReader((out / "layers.csv").open()))
    energy = json.loads((out / "summary.json").read_text())["energy_pj"]
    total = math.fsum(float(r["total_energy_pj"]) for r in rows)
    assert math.isclose(total, energy["total"], rel_tol=1e-9)   # was 4.4x before
    for component, value in energy["by_component"].items():
        column = math.fsum(float(r[f"{component}_energy_pj"]) for r in rows)
        assert math.isclose(column, value, rel_tol=1e-9, abs_tol=1e-6), component
    # the static share follows the window: a longer window gets more leakage
    leak = [c for c in rows[0] if c.endswith("_leakage_energy_pj")][0]
    by_window = sorted(rows, key=lambda r: int(r["total_cycles"]))
    assert float(by_window[0][leak]) <= float(by_window[-1][leak])
