"""A tile that cannot fit in its buffer is a clear error, not a silent wrong answer."""
import yaml

from accelsim.cli import main


def test_stationary_tile_too_large(tmp_path, capsys, root):
    hw = yaml.safe_load((root / "hw_configs/sa128_ws.yaml").read_text())
    for b in hw["scratchpad"]:
        b["capacity_bytes"] = 16384
        b["banks"] = 4
    path = tmp_path / "tiny_buffers.yaml"
    path.write_text(yaml.safe_dump(hw))
    code = main(["run", str(path), str(root / "workloads/resnet18.yaml"), "-o",
                 str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2
    assert "scratchpad.filter.capacity_bytes" in err and "raise capacity_bytes" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
