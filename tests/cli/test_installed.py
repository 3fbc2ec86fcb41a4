"""accelsim installed as a plain (non-editable) wheel works from any folder: shipped configs and
workloads by name, the study, the accuracy model and the crossbar comparison.

The wheel is built from a copy of the working tree and installed with ``pip install --no-deps
--target`` (the dependencies are those of the running interpreter); every command then runs in a
temporary folder with only the installed copy on the path, so nothing can come from the checkout.
"""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.smoke

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("accelsim", "hw_configs", "workloads", "pyproject.toml", "README.md")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The folder an accelsim wheel was installed into (built without isolation: setuptools
    >= 70.1, from the test extra, builds wheels by itself)."""
    base = tmp_path_factory.mktemp("installed")
    src = base / "src"
    src.mkdir()
    for name in SOURCES:  # a copy, so that building leaves nothing in the checkout
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, symlinks=True,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(ROOT / name, src / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(pip + ["wheel", "--no-deps", "--no-build-isolation", str(src), "-w",
                          str(base / "wheel")], check=True, capture_output=True)
    wheel = next((base / "wheel").glob("accelsim-*.whl"))
    subprocess.run(pip + ["install", "--no-deps", "--target", str(base / "site"), str(wheel)],
                   check=True, capture_output=True)
    return base / "site"


def accelsim(installed: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(installed)
    code = "import sys; from accelsim.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env=env,
                          capture_output=True, text=True)


def test_the_installed_copy_is_the_one_imported(installed, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(installed)}
    where = subprocess.run([sys.executable, "-c", "import accelsim; print(accelsim.__file__)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    assert Path(where.stdout.strip()).is_relative_to(installed)
    assert not (installed / "accelsim" / "shipped" / "hw_configs").is_symlink()


def test_named_run_and_validate(installed, tmp_path):
    done = accelsim(installed, tmp_path, "run", "train128_sram", "digits_mlp", "-o", "out")
    assert done.returncode == 0, done.stderr
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["hardware"]["name"] == "train128_sram" and summary["total_cycles"] > 0
    done = accelsim(installed, tmp_path, "validate", "tiny8_ws", "resnet18")
    assert done.returncode == 0 and done.stdout.count("ok: ") == 2, done.stderr


def test_list(installed, tmp_path):
    done = accelsim(installed, tmp_path, "list")
    assert done.returncode == 0, done.stderr
    for name in ("train128_sram", "resnet50", "stt_mram_22nm", "hbm2", "ideal", "survey_14nm",
                 "ag-a-si"):
        assert f"  {name} " in done.stdout, name


def test_accuracy(installed, tmp_path):
    done = accelsim(installed, tmp_path, "accuracy", "--network", "digits_cnn", "--epochs", "1",
                    "-o", "acc")
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "acc" / "accuracy.json").read_text())["epochs"] == 1


def test_study_mram(installed, tmp_path):
    done = accelsim(installed, tmp_path, "study", "mram", "--networks", "digits_mlp",
                    "--points", "stt-cap", "-o", "study")
    assert done.returncode == 0, done.stderr
    assert {"study.csv", "study.json", "runs"} <= {p.name for p in (tmp_path / "study").iterdir()}


def test_crossbar_compare(installed, tmp_path):
    done = accelsim(installed, tmp_path, "crossbar-compare", "--json", "x.json")
    assert done.returncode == 0, done.stderr
    machines = json.loads((tmp_path / "x.json").read_text())["machines"]
    assert set(machines) == {"analog", "digital_reram", "sram_digital"}
