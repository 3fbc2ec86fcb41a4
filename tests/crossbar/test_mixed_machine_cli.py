"""The shipped mixed machine (systolic array + crossbar tiles) trains ResNet-18 end to end:
layers.csv names the engine of every (layer, phase), and stalls and energy add up."""
import csv
import json
import math

from accelsim.cli import main


def test_mixed_machine_runs_resnet18(tmp_path, root):
    out = tmp_path / "o"
    assert main(["run", str(root / "hw_configs/train128_mixed.yaml"),
                 str(root / "workloads/resnet18.yaml"), "-o", str(out)]) == 0
    rows = list(csv.DictReader(open(out / "layers.csv")))
    unit = {(r["layer"], r["phase"]): r["unit"] for r in rows}
    assert unit[("conv1", "forward")] == "array0" and unit[("fc", "backward_weight")] == "array0"
    assert unit[("layer3.1.conv2", "backward_data")] == "xbar:layer3.1.conv2"
    assert ("layer3.1.conv2", "update") not in unit  # updated in place by the outer product
    for r in rows:
        assert int(r["total_cycles"]) == int(r["compute_cycles"]) + int(r["stall_cycles"])
        assert int(r["stall_cycles"]) == sum(int(r[c]) for c in (
            "bank_conflict_stall_cycles", "dram_stall_cycles", "dependency_stall_cycles"))
        parts = [float(v) for k, v in r.items() if k.endswith("_energy_pj")
                 and k != "total_energy_pj"]
        assert math.isclose(float(r["total_energy_pj"]), math.fsum(parts), rel_tol=1e-12)
        if r["unit"].startswith("xbar:"):
            assert float(r["mac_energy_pj"]) == 0.0  # analog MACs are crossbar actions
    s = json.loads((out / "summary.json").read_text())
    assert s["crossbar"]["tiles_used"] <= 2048
    assert s["error_profile"]["crossbar"]["device"] == "taox-hfox"
    e = s["energy_pj"]
    assert math.isclose(e["total"], math.fsum(e["by_component"].values()), rel_tol=1e-12)
