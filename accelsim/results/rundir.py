"""Reading and writing a run directory: ``summary.json``, ``layers.csv`` and ``counts.json``.

Every command that reads a run (``energy``, ``compare``, ``plot``, ``accuracy --errors``,
``regress``, sweep workers) goes through :func:`read_run_dir`, and every command that writes one
through :func:`write_run_files`, so the files have one format: JSON with one-space indent and
sorted keys, CSV with ``\\n`` line ends.

Writing is atomic: all files are written into a temporary directory beside the target and then
renamed into place, so a killed run leaves either the previous files or the new ones, never a
half-written ``layers.csv``. A reader that finds a damaged file (truncated, not JSON, rows with
missing cells) says so in one line, naming the file (exit status 2).
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from accelsim.core.errors import ConfigError
from accelsim.core.outputs import writing

SUMMARY, LAYERS, COUNTS = "summary.json", "layers.csv", "counts.json"
#: the files of a run directory, in the order they are renamed into place
RUN_FILES = (LAYERS, COUNTS, SUMMARY)
#: layers.csv columns that are names, kept as text even when they look like numbers
TEXT_COLUMNS = ("layer", "phase", "unit")
DAMAGED_FIX = "the file is damaged (a killed or interrupted run?): re-run 'accelsim run'"
_INT = re.compile(r"-?\d+")


def json_text(data: Any) -> str:
    """The one JSON format of run files (deterministic: sorted keys)."""
    return json.dumps(data, indent=1, sort_keys=True)


def csv_text(rows: list[dict], header: list[str] | None = None) -> str:
    """Rows as CSV text, columns in ``header`` order (default: the first row's keys)."""
    buf = io.StringIO()
    if rows or header:
        w = csv.DictWriter(buf, fieldnames=header or list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return buf.getvalue()


@contextmanager
def output_errors(path: Path):
    """An unwritable output path is the user's problem to fix, not an internal error."""
    with writing(path, "-o/--out"):
        yield


def write_run_files(out_dir: str | Path, files: dict[str, str]) -> None:
    """Write ``files`` (name -> text) into ``out_dir`` atomically: a temporary directory beside
    it is filled first; a new ``out_dir`` is that directory renamed, an existing one gets each
    file renamed into it (other files in it are left alone)."""
    out = Path(out_dir)
    with output_errors(out):
        out.parent.mkdir(parents=True, exist_ok=True)
        if out.exists() and not out.is_dir():
            raise ConfigError("cannot write results: it is a file, where a directory is needed",
                              source=str(out), field="-o/--out",
                              fix="choose another path with -o/--out, or move that file away")
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
        try:
            os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp's 0700 would become the run's mode
            for name, text in files.items():
                (tmp / name).write_text(text, encoding="utf-8")
            if not out.exists():
                try:
                    os.rename(tmp, out)
                    return
                except OSError:  # created meanwhile: fall through to the per-file renames
                    pass
            for name in [n for n in RUN_FILES if n in files] + [n for n in files
                                                                 if n not in RUN_FILES]:
                os.replace(tmp / name, out / name)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def parse_value(text: str):
    """A layers.csv cell as int, float or (if neither) the string itself."""
    if _INT.fullmatch(text):
        return int(text)
    try:
        return float(text)
    except ValueError:
        return text


def _text(path: Path, what: str) -> str:
    if not path.is_file():
        raise ConfigError("file not found", source=str(path),
                          fix=f"pass the output directory of 'accelsim run' ({what})")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ConfigError("not a UTF-8 text file", source=str(path), fix=DAMAGED_FIX) from None


def read_json(path: str | Path) -> dict:
    """A run's JSON file as a dict; a damaged one is a one-line error."""
    path = Path(path)
    text = _text(path, "it has summary.json, layers.csv and counts.json")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"malformed JSON: {exc.msg}", source=str(path),
                          field=f"line {exc.lineno}, column {exc.colno}",
                          fix=DAMAGED_FIX) from None
    if not isinstance(data, dict):
        raise ConfigError("expected a JSON object", source=str(path), fix=DAMAGED_FIX)
    return data


def read_layers(path: str | Path) -> tuple[list[str], list[dict[str, Any]]]:
    """(header, rows with int/float/str cells) of a layers.csv; a truncated or ragged file is a
    one-line error naming the row."""
    path = Path(path)
    text = _text(path, "it has a layers.csv")
    if not text:
        raise ConfigError("is empty", source=str(path), fix=DAMAGED_FIX)
    if not text.endswith("\n"):
        raise ConfigError("ends in the middle of a row", source=str(path),
                          field=f"line {text.count(chr(10)) + 1}", fix=DAMAGED_FIX)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    for column in ("layer", "phase"):
        if column not in header:
            raise ConfigError(f"has no {column!r} column", source=str(path),
                              fix="pass a layers.csv written by 'accelsim run'")
    rows = []
    for line, cells in enumerate(reader, start=2):
        if len(cells) != len(header):
            raise ConfigError(f"has {len(cells)} cells, the header {len(header)}",
                              source=str(path), field=f"line {line}", fix=DAMAGED_FIX)
        rows.append({h: c if h in TEXT_COLUMNS else parse_value(c)
                     for h, c in zip(header, cells)})
    return header, rows


@dataclass
class RunDir:
    """A run directory as read: its summary and its per-(layer, phase) rows."""
    path: Path
    summary: dict
    header: list[str]
    rows: list[dict[str, Any]]

    def counts(self) -> dict:
        """``counts.json``, read when asked for (only re-pricing needs it)."""
        return read_json(self.path / COUNTS)

    def config(self) -> dict:
        """The resolved hardware config recorded in summary.json."""
        config = (self.summary.get("hardware") or {}).get("config")
        if not isinstance(config, dict):
            raise ConfigError("no resolved hardware config", source=str(self.path / SUMMARY),
                              field="hardware.config", fix="re-run 'accelsim run' to rewrite it")
        return config


def read_run_dir(path: str | Path) -> RunDir:
    """The summary and layer rows of a run directory (``accelsim run -o DIR``)."""
    p = Path(path)
    if not p.is_dir():
        raise ConfigError("not a directory" if p.exists() else "not found", source=str(p),
                          fix="pass the output directory of 'accelsim run'")
    summary = read_json(p / SUMMARY)
    header, rows = read_layers(p / LAYERS)
    return RunDir(p, summary, header, rows)
