"""The run directory: one writer (atomic, one format), one reader that reports damage in one line,
and docs/outputs.md documents exactly what is written."""
import json
import re
from pathlib import Path

import pytest

from accelsim.api import load_graph, load_hardware, simulate
from accelsim.cli import main
from accelsim.results import rundir
from accelsim.results.writer import write_run

pytestmark = pytest.mark.smoke


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> list[Path]:
    """A digital run, a run with protected tensor kinds and a write buffer, and a crossbar run
    with the accuracy model, between them every section."""
    base = tmp_path_factory.mktemp("runs")
    digital = base / "digital"
    write_run(simulate(load_hardware("tiny8_ws"), load_graph("digits_mlp")), digital)
    protected = base / "protected"
    hw = load_hardware("tiny8_ws")
    bufs = [b.model_dump() for b in hw.scratchpad]
    bufs[0]["write_buffer"] = {"entries": 4, "entry_bytes": 8 * bufs[0]["word_bytes"]}
    hw = hw.model_validate({**hw.model_dump(), "scratchpad": bufs, "protection": {
        "activation": {"protect": "sign_exponent", "saturate": True}}})
    write_run(simulate(hw, load_graph("digits_mlp")), protected)
    crossbar = base / "crossbar"
    assert main(["run", "crossbar_analog", "digits_mlp", "-o", str(crossbar),
                 "--accuracy", "--epochs", "1"]) == 0
    return [digital, protected, crossbar]


def test_write_is_atomic_and_a_failure_keeps_the_previous_files(tmp_path, monkeypatch):
    out = tmp_path / "run"
    rundir.write_run_files(out, {"layers.csv": "layer,phase\na,forward\n", "summary.json": "{}"})
    before = {p.name: p.read_text() for p in out.iterdir()}
    real = Path.write_text

    def dies_on_summary(self, text, *a, **kw):  # a kill while the second file is written
        if self.name == "summary.json":
            raise KeyboardInterrupt
        return real(self, text, *a, **kw)

    monkeypatch.setattr(Path, "write_text", dies_on_summary)
    with pytest.raises(KeyboardInterrupt):
        rundir.write_run_files(out, {"layers.csv": "layer,phase\nb,forward\n",
                                     "summary.json": '{"x": 1}'})
    assert {p.name: p.read_text() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["run"]  # no temporary directory left


def test_json_and_csv_have_one_format(runs, tmp_path):
    run = runs[0]
    summary = json.loads((run / "summary.json").read_text())
    assert (run / "summary.json").read_text() == rundir.json_text(summary)
    assert main(["energy", str(run), "-o", str(tmp_path / "repriced")]) == 0
    for name in ("summary.json", "counts.json"):
        text = (tmp_path / "repriced" / name).read_text()
        assert text == rundir.json_text(json.loads(text))
    assert (tmp_path / "repriced" / "layers.csv").read_text() == (run / "layers.csv").read_text()


def _truncate(path: Path) -> None:
    text = path.read_text()
    path.write_text(text[: len(text) * 2 // 3])


@pytest.mark.parametrize("command", [["compare", "{a}", "{b}"], ["energy", "{b}"],
                                     ["plot", "{b}", "-o", "{out}"]])
@pytest.mark.parametrize("name, message", [("layers.csv", "layers.csv: line "),
                                           ("summary.json", "malformed JSON")])
def test_a_damaged_run_is_one_line_naming_the_file(runs, tmp_path, capsys, command, name,
                                                   message):
    import shutil
    a, b = runs[0], tmp_path / "r2"
    shutil.copytree(a, b)
    _truncate(b / name)
    args = [c.format(a=a, b=b, out=tmp_path / "plots") for c in command]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and "damaged" in err and err.count("\n") == 1, err


def test_accuracy_errors_reads_a_damaged_summary_as_one_line(runs, tmp_path, capsys):
    (tmp_path / "summary.json").write_text('{"error_profile": ')
    assert main(["accuracy", "--errors", str(tmp_path), "--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert "malformed JSON" in err and err.count("\n") == 1


# ---- docs/outputs.md documents every column and key, and nothing that is not written ----

DOC = Path(__file__).resolve().parents[2] / "docs" / "outputs.md"
SECTIONS = {"layers.csv": "## `layers.csv`", "counts.json": "## `counts.json`",
            "summary.json": "## `summary.json`"}


def documented(file: str) -> list[str]:
    """The backticked names in the first column of the tables of ``file``'s section."""
    text = DOC.read_text(encoding="utf-8")
    start = text.index(SECTIONS[file])
    end = text.find("\n## ", start + 1)
    names = []
    for line in text[start:end if end > 0 else None].splitlines():
        cells = line.split("|")
        if len(cells) > 2 and not set(cells[1].strip()) <= set("-"):
            names += re.findall(r"`([^`]+)`", cells[1])
    return [n for n in names if n not in ("column", "key")]


def _regex(name: str) -> re.Pattern:
    parts = re.split(r"(<[a-z]+>)", name)
    body = "".join("[^.]+" if p.startswith("<") else re.escape(p) for p in parts)
    return re.compile(body + r"(?:[.\[].*)?$")  # a documented key covers everything under it


def written_keys(data, prefix: str = "") -> list[str]:
    """Leaf paths of a JSON document; lists of objects are entered as ``name[]``."""
    if isinstance(data, dict) and data:
        return [k for key, v in data.items() for k in written_keys(v, f"{prefix}{key}.")]
    if isinstance(data, list) and data and all(isinstance(x, dict) for x in data):
        return sorted({k for x in data for k in written_keys(x, prefix[:-1] + "[].")})
    return [prefix[:-1]]


def written(runs: list[Path], file: str) -> set[str]:
    out: set[str] = set()
    for run in runs:
        if file == "layers.csv":
            out |= set(rundir.read_layers(run / file)[0])
        else:
            out |= set(written_keys(rundir.read_json(run / file)))
    return out


@pytest.mark.parametrize("file", list(SECTIONS))
def test_everything_written_is_documented(runs, file):
    patterns = [_regex(n) for n in documented(file)]
    missing = sorted(k for k in written(runs, file) if not any(p.match(k) for p in patterns))
    assert not missing, f"written to {file} but not documented in docs/outputs.md: {missing}"


@pytest.mark.parametrize("file", list(SECTIONS))
def test_everything_documented_is_written(runs, file):
    keys = written(runs, file)
    stale = [n for n in documented(file) if not any(_regex(n).match(k) for k in keys)]
    assert not stale, f"documented in docs/outputs.md for {file} but never written: {stale}"


def test_a_new_run_directory_has_the_usual_permissions(tmp_path):
    import os
    import stat
    out = tmp_path / "fresh"
    rundir.write_run_files(out, {"summary.json": "{}"})
    plain = tmp_path / "plain"
    plain.mkdir()
    assert stat.S_IMODE(os.stat(out).st_mode) == stat.S_IMODE(os.stat(plain).st_mode)
