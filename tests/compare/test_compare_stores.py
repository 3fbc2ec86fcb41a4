"""'accelsim compare' on two sweep stores: points are matched by workload, batch and axes."""
import json
import sqlite3
import sys
from pathlib import Path

import pytest

from accelsim.cli import main
from accelsim.tools.sweep import run_sweep

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sweep"))
from sweepkit import GRID_AXES, write_sweep  # noqa: E402


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("stores")
    path = write_sweep(tmp, GRID_AXES)
    run_sweep(path, tmp / "base.db")
    return path, tmp / "base.db"


def fresh(stores, tmp_path) -> Path:
    path, _ = stores
    run_sweep(path, tmp_path / "new.db")
    return tmp_path / "new.db"


def compare(capsys, *argv):
    code = main(["compare", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out + err


def test_same_sweep_twice_exit_0(stores, tmp_path, capsys):
    code, out = compare(capsys, stores[1], fresh(stores, tmp_path))
    assert code == 0 and out.splitlines()[-1].startswith("OK: 4 points")


def test_a_moved_layer_value_names_the_point(stores, tmp_path, capsys):
    new = fresh(stores, tmp_path)
    with sqlite3.connect(new) as db:
        pid, text = db.execute(
            "SELECT l.point_id, l.data_json FROM layers l JOIN points p ON p.id = l.point_id "
            "WHERE json_extract(p.axes_json, '$.rows') = 8 AND json_extract(p.axes_json, "
            "'$.memory') = 'stt_mram_22nm' AND l.layer = 'fc2' AND l.phase = 'forward'"
        ).fetchone()
        row = json.loads(text)
        row["compute_cycles"] += 3
        db.execute("UPDATE layers SET data_json = ? WHERE point_id = ? AND layer = 'fc2' AND "
                   "phase = 'forward'", (json.dumps(row), pid))
    code, out = compare(capsys, stores[1], new)
    assert code == 1
    assert 'point digits_mlp batch=1 rows=8 memory="stt_mram_22nm"' in out
    assert any(ln.split()[:3] == ["fc2", "forward", "compute_cycles"] for ln in out.splitlines())


def test_a_point_missing_on_new_is_a_regression(stores, tmp_path, capsys):
    new = fresh(stores, tmp_path)
    with sqlite3.connect(new) as db:
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("DELETE FROM points WHERE json_extract(axes_json, '$.rows') = 4 AND "
                   "json_extract(axes_json, '$.memory') = 'sram_22nm'")
    code, out = compare(capsys, stores[1], new)
    assert code == 1
    assert 'REGRESSION: point digits_mlp batch=1 rows=4 memory="sram_22nm": missing on NEW' in out


def test_store_against_run_dir_is_unusable(stores, tmp_path, capsys):
    run = tmp_path / "run"
    assert main(["run", str(Path(stores[0]).parent / "tiny.yaml"),
                 str(Path(__file__).resolve().parents[2] / "workloads" / "digits_mlp.yaml"),
                 "-o", str(run)]) == 0
    capsys.readouterr()
    code, out = compare(capsys, stores[1], run)
    assert code == 2 and "cannot compare a sweep with a run" in out
