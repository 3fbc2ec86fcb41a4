"""'accelsim sweep' on the command line: bad input errors before anything runs; exit status."""
import socket
import sys

import pytest
from sweepkit import GRID_AXES, write_sweep

from accelsim.cli import main


def one_error_line(capsys, *argv) -> str:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    assert "Traceback" not in out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("accelsim: error: "), err
    return lines[0]


def test_axis_naming_a_missing_field_errors_before_anything_runs(tmp_path, capsys):
    path = write_sweep(tmp_path, [GRID_AXES[0],
                                  {"path": "scratchpad.act.tecnology", "values": ["sram_22nm"]}])
    store = tmp_path / "s.db"
    line = one_error_line(capsys, "sweep", path, "-s", store)
    assert str(path) in line and "scratchpad.act.tecnology" in line
    assert "unknown key 'tecnology'" in line and "technology" in line.split("fix:")[1]
    assert not store.exists()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_dask_scheduler_errors_clearly(tmp_path, capsys):
    pytest.importorskip("distributed")
    path = write_sweep(tmp_path, GRID_AXES)
    store = tmp_path / "s.db"
    address = f"tcp://127.0.0.1:{free_port()}"   # nothing listens there
    line = one_error_line(capsys, "sweep", path, "-s", store, "--dask", address,
                          "--dask-timeout", "1")
    assert f"cannot reach the Dask scheduler at '{address}'" in line
    assert "--dask-local" in line
    assert not store.exists()


def test_missing_dask_is_a_clear_error(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "dask.distributed", None)   # import fails
    path = write_sweep(tmp_path, GRID_AXES)
    line = one_error_line(capsys, "sweep", path, "-s", tmp_path / "s.db", "--dask-local", "2")
    assert "Dask is not installed" in line and "accelsim[dask]" in line


def test_runs_exports_and_exits_0_then_exports_a_store(tmp_path, capsys):
    path = write_sweep(tmp_path, GRID_AXES)
    store = tmp_path / "s.db"
    assert main(["sweep", str(path), "-s", str(store), "--export", str(tmp_path / "p.csv")]) == 0
    out, err = capsys.readouterr()
    assert "4 points, 0 already in the store, ran 4" in out and "4 ok, 0 failed" in out
    assert err == ""      # not a terminal: no progress bar
    assert main(["sweep", str(store), "--export-layers", str(tmp_path / "l.csv")]) == 0
    assert (tmp_path / "l.csv").read_text().startswith(
        "point_id,workload,rows,memory,workload_name,batch,layer,phase,")
    line = one_error_line(capsys, "sweep", store)
    assert "nothing to do" in line


def test_failed_points_exit_1_and_are_listed(tmp_path, capsys, monkeypatch):
    import accelsim.api as api

    def broken(*a, **kw):
        raise RuntimeError("engine bug")

    monkeypatch.setattr(api, "simulate", broken)
    path = write_sweep(tmp_path, GRID_AXES)
    assert main(["sweep", str(path), "-s", str(tmp_path / "s.db")]) == 1
    out, err = capsys.readouterr()
    assert "0 ok, 4 failed" in out
    assert err.count("failed: ") == 4 and "RuntimeError: engine bug" in err


def test_bad_export_format(tmp_path, capsys):
    path = write_sweep(tmp_path, GRID_AXES)
    line = one_error_line(capsys, "sweep", path, "-s", tmp_path / "s.db", "--export",
                          tmp_path / "p.xlsx")
    assert "unknown export format '.xlsx'" in line and ".parquet" in line
