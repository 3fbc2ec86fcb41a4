"""Running a sweep: the store equals 'accelsim run', resume skips, point errors never abort."""
import io
import json
import sqlite3

import pytest
from sweepkit import GRID_AXES, MLP, TINY_HW, write_sweep

from accelsim.api import hardware_from_dict, load_graph, simulate
from accelsim.core.progress import progress
from accelsim.results.rundir import read_run_dir
from accelsim.results.writer import write_run
from accelsim.tools.sweep import SweepStore, run_sweep
from accelsim.tools.sweep.export import export


def stored(store_path):
    """{key: (metrics, summary, layer rows)} of every ok point, wall time excluded."""
    with SweepStore(store_path, create=False) as s:
        out = {}
        for p in s.points():
            key = (p["config_hash"], p["workload_sha256"], p["phases"], p["batch"], p["seed"])
            out[key] = (p["status"], p["total_cycles"], p["total_energy_pj"], p["summary"],
                        s.layers(p["id"]))
        return out


def test_store_holds_what_accelsim_run_writes(tmp_path):
    path = write_sweep(tmp_path, [{"path": "arrays.0.rows", "values": [4, 8], "label": "rows"}])
    report = run_sweep(path, tmp_path / "s.db")
    assert (report.points, report.ran, report.ok, report.errors) == (2, 2, 2, [])
    with SweepStore(tmp_path / "s.db", create=False) as s:
        points = s.points()
        for p in points:
            hw = hardware_from_dict({**TINY_HW, "arrays": [{**TINY_HW["arrays"][0],
                                                            "rows": p["axes"]["rows"]}]})
            run = simulate(hw, load_graph(MLP, batch=1))
            out = tmp_path / f"run{p['axes']['rows']}"
            summary = json.loads(json.dumps(write_run(run, out)))
            summary.pop("run_info")
            assert p["config_hash"] == hw.config_hash
            assert p["total_cycles"] == summary["total_cycles"]
            for k in ("hardware", "workload"):
                summary[k].pop("source")
                p["summary"][k].pop("source")
            assert p["summary"] == summary
            assert s.layers(p["id"]) == read_run_dir(out).rows
            assert p["total_energy_pj"] == summary["energy_pj"]["total"]


def test_rerun_skips_finished_points_and_adds_new_ones(tmp_path):
    path = write_sweep(tmp_path, GRID_AXES)
    first = run_sweep(path, tmp_path / "s.db")
    before = stored(tmp_path / "s.db")
    again = run_sweep(path, tmp_path / "s.db")
    assert (first.ran, again.ran, again.skipped) == (4, 0, 4)
    assert stored(tmp_path / "s.db") == before
    path = write_sweep(tmp_path, [{**GRID_AXES[0], "values": [4, 8, 16]}, GRID_AXES[1]])
    grown = run_sweep(path, tmp_path / "s.db")
    assert (grown.points, grown.skipped, grown.ran) == (6, 4, 2)
    assert len(stored(tmp_path / "s.db")) == 6


@pytest.mark.parametrize("jobs", [1, 2])
def test_point_errors_are_recorded_and_retried_never_abort(tmp_path, monkeypatch, jobs):
    import accelsim.api as api
    real = api.simulate

    def flaky(hw, graph, *a, **kw):  # a simulator bug that hits the 4-row machines only
        if hw.arrays[0].rows == 4:
            raise ZeroDivisionError("boom")
        return real(hw, graph, *a, **kw)

    monkeypatch.setattr(api, "simulate", flaky)
    path = write_sweep(tmp_path, GRID_AXES)
    report = run_sweep(path, tmp_path / "s.db", jobs=jobs)
    assert (report.ran, report.ok, len(report.errors)) == (4, 2, 2)
    assert all("ZeroDivisionError: boom" in e.message for e in report.errors)
    assert {e.axes["rows"] for e in report.errors} == {4}
    with SweepStore(tmp_path / "s.db", create=False) as s:
        failed = s.points(status="error")
        assert len(failed) == 2 and all(s.layers(p["id"]) == [] for p in failed)
    monkeypatch.setattr(api, "simulate", real)     # the bug is fixed: a rerun retries them
    again = run_sweep(path, tmp_path / "s.db", jobs=jobs)
    assert (again.skipped, again.ran, again.errors) == (2, 2, [])
    db = sqlite3.connect(tmp_path / "s.db")
    assert db.execute("SELECT COUNT(*), SUM(status = 'ok') FROM points").fetchone() == (4, 4)


def test_export_csv_and_parquet(tmp_path):
    pytest.importorskip("pyarrow")
    import csv

    import pyarrow.parquet as pq
    path = write_sweep(tmp_path, GRID_AXES)
    run_sweep(path, tmp_path / "s.db")
    files = export(tmp_path / "s.db", tmp_path / "points.csv", tmp_path / "layers.parquet")
    assert [f.name for f in files] == ["points.csv", "layers.parquet"]
    rows = list(csv.DictReader((tmp_path / "points.csv").open()))
    assert len(rows) == 4
    assert {"rows", "memory", "total_cycles", "total_energy_pj", "mac_energy_pj",
            "config_hash"} <= set(rows[0])
    assert [(r["rows"], r["memory"]) for r in rows] == [
        ("4", "sram_22nm"), ("4", "stt_mram_22nm"), ("8", "sram_22nm"), ("8", "stt_mram_22nm")]
    layers = pq.read_table(tmp_path / "layers.parquet").to_pylist()
    with SweepStore(tmp_path / "s.db", create=False) as s:
        assert len(layers) == sum(len(s.layers(p["id"])) for p in s.points())
    assert {"point_id", "rows", "memory", "layer", "phase", "total_cycles"} <= set(layers[0])


def test_progress_bar_only_on_a_terminal():
    quiet, loud = io.StringIO(), io.StringIO()
    for stream, enabled in ((quiet, None), (loud, True)):
        bar = progress(3, "points", stream=stream, enabled=enabled)
        bar.update(1)
        bar.set_postfix(failed=1, refresh=False)
        bar.update(1)
        bar.close()
    assert quiet.getvalue() == ""        # StringIO is not a terminal
    assert "2/3" in loud.getvalue() and "failed=1" in loud.getvalue()


def test_parquet_column_of_mixed_kinds_becomes_text(tmp_path):
    pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    from accelsim.tools.sweep.export import write_table
    write_table([{"a": 1, "b": 0.5}, {"a": "auto", "b": 2}, {"a": None, "b": None}],
                tmp_path / "t.parquet")
    table = pq.read_table(tmp_path / "t.parquet")
    assert table.column("a").to_pylist() == ["1", "auto", None]
    assert table.column("b").to_pylist() == [0.5, 2.0, None]
