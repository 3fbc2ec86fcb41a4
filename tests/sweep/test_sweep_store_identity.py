"""A store belongs to the sweep that created it: another sweep spec is refused unless asked
for (--allow-other-spec), growing a sweep's values is not another spec, and two sweep files
with the same name never share a default store."""
import json
import sqlite3

from accelsim.cli import main
from accelsim.tools.sweep.runner import default_store
from accelsim.tools.sweep.spec import load_spec, spec_identity
from sweepkit import GRID_AXES, write_sweep
from test_sweep_cli import one_error_line


def test_a_second_sweep_file_is_refused_by_the_store(tmp_path, capsys):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = write_sweep(tmp_path / "a", GRID_AXES[:1])
    other = write_sweep(tmp_path / "b", [{"path": "vector_unit.lanes", "values": [4, 8]}])
    store = tmp_path / "s.db"
    assert main(["sweep", str(first), "-s", str(store), "--no-progress"]) == 0
    before = sqlite3.connect(store).execute("SELECT COUNT(*), MAX(id) FROM points").fetchone()
    meta = dict(sqlite3.connect(store).execute("SELECT key, value FROM meta"))
    line = one_error_line(capsys, "sweep", other, "-s", store, "--no-progress")
    assert str(store) in line and "--store" in line and "another sweep" in line
    assert "--allow-other-spec" in line.split("fix:")[1]
    # nothing was run and the store's metadata is untouched
    assert sqlite3.connect(store).execute("SELECT COUNT(*), MAX(id) FROM points").fetchone() \
        == before
    assert dict(sqlite3.connect(store).execute("SELECT key, value FROM meta")) == meta
    assert main(["sweep", str(other), "-s", str(store), "--no-progress",
                 "--allow-other-spec"]) == 0
    ids = json.loads(dict(sqlite3.connect(store).execute("SELECT key, value FROM meta"))
                     ["spec_identities"])
    assert len(ids) == 2


def test_more_values_are_the_same_sweep(tmp_path):
    path = write_sweep(tmp_path, GRID_AXES)
    before = spec_identity(load_spec(path), path)
    path = write_sweep(tmp_path, [{**GRID_AXES[0], "values": [4, 8, 16]}, GRID_AXES[1]])
    assert spec_identity(load_spec(path), path) == before
    path = write_sweep(tmp_path, GRID_AXES, seed=3)
    assert spec_identity(load_spec(path), path) != before


def test_same_stem_different_sweeps_get_different_default_stores(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = write_sweep(tmp_path / "a", GRID_AXES[:1])
    b = write_sweep(tmp_path / "b", GRID_AXES[1:])
    ida, idb = spec_identity(load_spec(a), a), spec_identity(load_spec(b), b)
    assert default_store(a, ida) != default_store(b, idb)
    assert default_store(a, ida).name.startswith("sweep-")
