"""The Perfetto timeline of a run: schema, no overlaps, exact busy and stall sums, end cycle."""
from __future__ import annotations

import contextlib
import csv
import io
import json
from collections import defaultdict
from types import SimpleNamespace

import pytest

CAUSE_COLUMNS = {"stall.bank_conflict": "bank_conflict_stall_cycles",
                 "stall.dram": "dram_stall_cycles", "stall.dependency": "dependency_stall_cycles"}


def _accelsim(*args):
    from accelsim.cli import main
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main([str(a) for a in args])
    return SimpleNamespace(returncode=code, stderr=err.getvalue())


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    d = tmp_path_factory.mktemp("tl")
    r = _accelsim("run", "train128_stt_mram", "digits_cnn", "--batch", "4", "-o", str(d / "run"),
                  "--trace", "--timeline", str(d / "tl.json"))
    assert r.returncode == 0, r.stderr
    trace = json.loads((d / "tl.json").read_text())
    rows = list(csv.DictReader(open(d / "run" / "layers.csv")))
    summary = json.loads((d / "run" / "summary.json").read_text())
    return d, trace, rows, summary


def _threads(trace):
    return {e["tid"]: e["args"]["name"] for e in trace["traceEvents"]
            if e["ph"] == "M" and e["name"] == "thread_name"}


def test_trace_event_schema(run):
    _, trace, _, summary = run
    assert trace["displayTimeUnit"] == "ns"
    assert trace["otherData"]["config_hash"] == summary["hardware"]["config_hash"]
    for e in trace["traceEvents"]:
        assert e["ph"] in {"M", "X", "C", "s", "f"}
        assert isinstance(e["pid"], int) and isinstance(e["name"], str)
        if e["ph"] == "X":
            assert isinstance(e["tid"], int) and e["ts"] >= 0 and e["dur"] > 0
        if e["ph"] == "C":
            assert all(isinstance(v, (int, float)) and v >= 0 for v in e["args"].values())
    names = set(_threads(trace).values())
    assert {"array0", "vector"} <= names
    assert any(n.startswith("DRAM loader") for n in names)
    assert any(n.startswith("DRAM writer") for n in names)
    assert any(e["ph"] == "C" and e["name"].startswith("buffer ") for e in trace["traceEvents"])
    flows = [e for e in trace["traceEvents"] if e["ph"] in "sf"]
    assert flows and len(flows) % 2 == 0


def test_slices_on_a_track_never_overlap(run):
    _, trace, _, summary = run
    clock = summary["hardware"]["config"]["clock_ghz"]
    by_tid = defaultdict(list)
    for e in trace["traceEvents"]:
        if e["ph"] == "X":
            start = e["args"].get("start_cycle", e["args"].get("issue_cycle"))
            by_tid[e["tid"]].append((start, start + e["args"]["cycles"]))
            assert e["ts"] == pytest.approx(start / clock / 1000, abs=1e-9)
    for spans in by_tid.values():
        spans.sort()
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))


def test_busy_and_stalls_add_up_to_layers_csv(run):
    _, trace, rows, summary = run
    names = _threads(trace)
    busy, stalls = defaultdict(int), defaultdict(int)
    last_end = 0
    for e in trace["traceEvents"]:
        if e["ph"] != "X" or not (e["cat"] == "busy" or e["cat"].startswith("stall.")):
            continue
        unit, a = names[e["tid"]], e["args"]
        last_end = max(last_end, a["start_cycle"] + a["cycles"])
        if e["cat"] == "busy":
            busy[unit] += a["cycles"]
        else:
            assert a[CAUSE_COLUMNS[e["cat"]].replace("_stall_cycles", "") + "_stall_cycles"] \
                == a["cycles"]
            stalls[(a["layer"], a["phase"], unit, e["cat"])] += a["cycles"]
    per_unit = defaultdict(int)
    for r in rows:
        per_unit[r["unit"]] += int(r["compute_cycles"])
        for cat, col in CAUSE_COLUMNS.items():
            assert stalls.pop((r["layer"], r["phase"], r["unit"], cat), 0) == int(r[col]), \
                (r["layer"], r["phase"], cat)
    assert not stalls  # no stall span outside a row's own stall columns
    assert dict(busy) == {u: c for u, c in per_unit.items() if c}
    assert last_end == summary["total_cycles"]


def test_busy_slices_carry_the_rows_macs(run):
    _, trace, rows, _ = run
    macs = defaultdict(int)
    for e in trace["traceEvents"]:
        if e["ph"] == "X" and e["cat"] == "busy":
            macs[(e["args"]["layer"], e["args"]["phase"])] += e["args"]["macs"]
    for r in rows:
        assert macs[(r["layer"], r["phase"])] == (int(r["macs"]) or int(r["vector_ops"]))


def test_timeline_command_equals_run_timeline(run):
    d, trace, _, _ = run
    r = _accelsim("timeline", str(d / "run"), "-o", str(d / "again.json"))
    assert r.returncode == 0, r.stderr
    assert json.loads((d / "again.json").read_text()) == trace


def test_run_without_trace_is_a_one_line_error(tmp_path):
    assert _accelsim("run", "tiny8_ws", "digits_mlp", "-o", str(tmp_path / "r")).returncode == 0
    r = _accelsim("timeline", str(tmp_path / "r"), "-o", str(tmp_path / "t.json"))
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1 and "--trace" in r.stderr


def test_timeline_png_and_window(run, tmp_path):
    d, *_ = run
    r = _accelsim("plot", str(d / "run"), "--timeline", "--window", "0:5000", "-o", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "timeline.png").stat().st_size > 10_000
    bad = _accelsim("plot", str(d / "run"), "--timeline", "--window", "9:3", "-o", str(tmp_path))
    assert bad.returncode == 2 and "--window" in bad.stderr


def test_the_closed_form_reports_the_same_trace_as_the_simpy_pipeline():
    from accelsim.api import load_graph, load_hardware
    from accelsim.engine.observers import StepTrace
    from accelsim.engine.simulator import Simulator

    hw, graph = load_hardware("train128_stt_mram"), load_graph("digits_cnn")
    traces = []
    for closed_form in (True, False):
        trace = StepTrace()
        Simulator(hw, graph, [trace], closed_form=closed_form).run()
        traces.append({k: sorted(v) for k, v in trace.records.items()})
    assert traces[0] == traces[1] and traces[0]["trace.csv"]
