"""The same inputs and seed give byte-identical results."""
from accelsim.cli import main


def test_two_runs_write_identical_files(tmp_path, root):
    args = [str(root / "hw_configs/train128_stt_mram.yaml"), str(root / "workloads/resnet18.yaml")]
    for name in ("a", "b"):
        assert main(["run", *args, "--seed", "7", "-o", str(tmp_path / name)]) == 0
    for f in ("layers.csv", "counts.json"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()


def test_summary_records_version_config_hash_and_seed(tmp_path, root):
    import json
    out = tmp_path / "o"
    main(["run", str(root / "hw_configs/sa32_os.yaml"), str(root / "workloads/digits_mlp.yaml"),
          "--seed", "3", "-o", str(out)])
    s = json.loads((out / "summary.json").read_text())
    assert s["seed"] == 3 and s["tool"]["version"]
    assert len(s["hardware"]["config_hash"]) == 64
    assert s["hardware"]["config"]["scratchpad"][0]["resolved_technology"]["read_latency_ns"] > 0
