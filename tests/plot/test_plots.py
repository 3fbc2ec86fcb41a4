"""'accelsim plot': valid PNG files of a sane size for a run and for a sweep store."""
import sqlite3
import struct
import sys
from pathlib import Path

import pytest

from accelsim.cli import main
from accelsim.tools.plot.sweep_plots import pareto_front
from accelsim.tools.sweep import run_sweep

TESTS = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(TESTS / "sweep"), str(TESTS / "compare")]
from comparekit import make_run, read, write  # noqa: E402
from sweepkit import CNN, GRID_AXES, MLP, write_sweep  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) from the IHDR chunk, after checking the signature."""
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def check_png(path: Path, min_w=700, min_h=400) -> None:
    import matplotlib.image
    w, h = png_size(path)
    assert min_w <= w <= 4000 and min_h <= h <= 4000, (w, h)
    pixels = matplotlib.image.imread(path)              # decodes: the file is a whole PNG
    assert pixels.shape[:2] == (h, w)
    assert pixels.std() > 0.05                          # not a blank canvas


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    return make_run(tmp_path_factory.mktemp("plot") / "run")


def test_run_plots(run_dir, tmp_path, capsys):
    assert main(["plot", str(run_dir), "-o", str(tmp_path / "p")]) == 0
    out = capsys.readouterr().out
    assert "cycles_by_cause.png" in out and "energy_by_component.png" in out
    check_png(tmp_path / "p" / "cycles_by_cause.png")
    check_png(tmp_path / "p" / "energy_by_component.png")


def test_run_without_energy_columns_has_no_energy_plot(run_dir, tmp_path, capsys):
    import shutil
    bare = shutil.copytree(run_dir, tmp_path / "bare")
    rows, header = read(bare)
    header = [h for h in header if not h.endswith("_energy_pj")]
    write(bare, [{h: r[h] for h in header} for r in rows], header)
    assert main(["plot", str(bare)]) == 0
    assert "no *_energy_pj columns" in capsys.readouterr().out
    assert [p.name for p in (bare / "plots").iterdir()] == ["cycles_by_cause.png"]


def test_sweep_pareto_plot_and_fallback_without_energy(tmp_path, capsys):
    store = tmp_path / "s.db"
    run_sweep(write_sweep(tmp_path, GRID_AXES, workloads=(MLP, CNN)), store)
    assert main(["plot", str(store), "-o", str(tmp_path / "p")]) == 0
    check_png(tmp_path / "p" / "pareto.png")
    with sqlite3.connect(store) as db:
        db.execute("UPDATE points SET total_energy_pj = NULL")
    assert main(["plot", str(store), "-o", str(tmp_path / "q")]) == 0
    assert "no energy in this store" in capsys.readouterr().out
    check_png(tmp_path / "q" / "pareto.png")


def test_pareto_front_minimises_both():
    xs = [1, 2, 3, 4, 2, 5]
    ys = [9, 5, 6, 1, 5, 0.5]
    assert pareto_front(xs, ys) == [0, 1, 3, 5]   # (3,6) and the duplicate (2,5) are dominated


def test_bad_input(tmp_path, capsys):
    assert main(["plot", str(tmp_path / "nope")]) == 2
    assert "not found" in capsys.readouterr().err
    (tmp_path / "f.txt").write_text("x")
    assert main(["plot", str(tmp_path / "f.txt")]) == 2
    assert "neither a run directory nor a sweep store" in capsys.readouterr().err
