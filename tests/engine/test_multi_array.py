"""Several systolic arrays share one pool of GEMMs: whichever array is free takes the next ready
operation, so independent GEMMs (backward_data of one layer, backward_weight of another) run in
parallel and the step gets shorter, with every stall still accounted for."""
import yaml

from accelsim.api import run_files


def test_two_arrays_share_the_work(tmp_path, root):
    data = yaml.safe_load((root / "hw_configs/train128_sram.yaml").read_text())
    data["arrays"] = [dict(data["arrays"][0], name="array0"), dict(data["arrays"][0], name="array1")]
    two = tmp_path / "two.yaml"
    two.write_text(yaml.safe_dump(data))
    wl = root / "workloads/resnet18.yaml"
    one_run = run_files(root / "hw_configs/train128_sram.yaml", wl).result
    two_run = run_files(two, wl).result
    units = {r.unit for r in two_run.rows}
    assert {"array0", "array1"} <= units
    assert two_run.total_cycles < one_run.total_cycles
    for r in two_run.rows:
        assert r.total_cycles == r.compute_cycles + r.stall_cycles
    # identical work: the same operations with the same closed-form compute
    assert sorted((r.layer, r.phase, r.compute_cycles) for r in two_run.rows) == \
        sorted((r.layer, r.phase, r.compute_cycles) for r in one_run.rows)
