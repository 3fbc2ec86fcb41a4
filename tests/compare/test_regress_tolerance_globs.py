"""A suite tolerance glob that matches no compared metric is a typo: exit 2, not a silent rule."""
import shutil

import yaml

from accelsim.cli import main


def test_suite_tolerance_glob_matching_nothing_is_an_error(tmp_path, root, capsys):
    suite = tmp_path / "suite"
    suite.mkdir()
    data = {"name": "t", "configs": [str(root / "hw_configs/sa32_ws.yaml")],
            "workloads": [str(root / "workloads/digits_mlp.yaml")], "batch": 1,
            "metrics": ["*_cycles"], "tolerances": {"rel": {"total_cycle": 0.01}}}
    (suite / "suite.yaml").write_text(yaml.safe_dump(data))
    base = tmp_path / "base"
    # --update with the typo is refused before any baseline is written
    assert main(["regress", str(suite), "--baseline", str(base), "--update"]) == 2
    err = capsys.readouterr().err
    assert "'total_cycle' matches no compared metric" in err and "tolerances.rel" in err
    assert len(err.strip().splitlines()) == 1
    assert not base.exists() or not any(base.iterdir())
    data["tolerances"]["rel"] = {"total_cycles": 0.01}
    (suite / "suite.yaml").write_text(yaml.safe_dump(data))
    assert main(["regress", str(suite), "--baseline", str(base), "--update"]) == 0
    data["tolerances"]["rel"] = {"total_cycle": 0.01}
    (suite / "suite.yaml").write_text(yaml.safe_dump(data))
    assert main(["regress", str(suite), "--baseline", str(base)]) == 2
    err = capsys.readouterr().err
    assert "'total_cycle' matches no compared metric" in err and "tolerances.rel" in err
    shutil.rmtree(base)
