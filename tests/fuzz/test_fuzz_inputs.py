"""Fuzzing the command line with valid and corrupted inputs (hypothesis).

For hardware configs, workloads, graph JSON traces and sweep specs, valid or corrupted: the
exit status is 0 (or 1 for a sweep with failed points) or 2, never 3 (an internal error); on 2
the message is one line; on 0 the results hold their invariants: the stalls of every row add
up, cycles are at least the closed-form compute bound, energies are >= 0 and nothing is NaN.

The default suite runs a short, derandomized profile; ``pytest -m slow tests/fuzz`` runs the
slow profile, 2,500 examples per property (10,000 in all; ``ACCELSIM_FUZZ_SLOW_EXAMPLES``
changes the count).
"""
from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import os
import sqlite3
import tempfile
from collections import defaultdict
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from accelsim.cli import main
from strategies import corrupted, hardware, text_of, workload

SHORT = settings(max_examples=20, deadline=None, derandomize=True, database=None,
                 suppress_health_check=list(HealthCheck))
#: examples per property of the slow profile (4 properties: 10,000 in all by default)
SLOW_EXAMPLES = int(os.environ.get("ACCELSIM_FUZZ_SLOW_EXAMPLES", "2500"))
SLOW = settings(max_examples=SLOW_EXAMPLES, deadline=None, database=None,
                suppress_health_check=list(HealthCheck))


def cli(*argv) -> tuple[int, str]:
    """Run the CLI in this process; (exit status, stderr)."""
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        try:
            code = main([str(a) for a in argv])
        except SystemExit as exc:  # argparse
            code = exc.code
    return code, err.getvalue()


def check_status(code: int, err: str, allowed=(0, 2)) -> None:
    assert code in allowed, f"exit {code}: {err}"
    if code == 2:
        lines = err.strip().splitlines()
        assert len(lines) == 1 and "error" in lines[0], err
        assert "internal error" not in err and "Traceback" not in err


def _number(text: str):
    try:
        return float(text)
    except ValueError:
        return None


def check_run(out: Path) -> None:
    """The invariants of a finished run directory."""
    rows = list(csv.DictReader((out / "layers.csv").open()))
    summary = json.loads((out / "summary.json").read_text())
    busy: dict[str, int] = defaultdict(int)
    for r in rows:
        for key, text in r.items():
            value = _number(text)
            if value is not None:
                assert math.isfinite(value), (key, r)
                if key.endswith(("_energy_pj", "_cycles", "_bytes", "_elements", "_words")):
                    assert value >= 0, (key, r)
        compute, total = int(r["compute_cycles"]), int(r["total_cycles"])
        stalls = [int(r[f"{c}_stall_cycles"]) for c in ("bank_conflict", "dram", "dependency")]
        assert int(r["stall_cycles"]) == sum(stalls) == total - compute, r
        assert total >= compute
        busy[r["unit"]] += compute
    assert summary["total_cycles"] >= max(busy.values())  # a unit runs one op at a time
    for key, value in summary["energy_pj"].items():
        for v in (value.values() if isinstance(value, dict) else [value]):
            assert math.isfinite(v) and v >= 0, (key, value)


def run_case(hw: bytes, wl: bytes) -> None:
    with tempfile.TemporaryDirectory(prefix="accelsim-fuzz-") as tmp:
        tmp = Path(tmp)
        (tmp / "hw.yaml").write_bytes(hw)
        (tmp / "wl.yaml").write_bytes(wl)
        code, err = cli("run", tmp / "hw.yaml", tmp / "wl.yaml", "-o", tmp / "out")
        check_status(code, err)
        if code == 0:
            check_run(tmp / "out")


def dump(doc: dict) -> bytes:
    return yaml.safe_dump(doc, sort_keys=False).encode()


@st.composite
def config_files(draw, broken: str):
    """(hardware YAML, workload YAML): the ``broken`` one ('hw' or 'wl') valid, with a field
    corrupted, or corrupted as text; the other one valid."""
    docs = {"hw": draw(hardware()), "wl": draw(workload())}
    which = draw(st.sampled_from(["valid", "field", "field", "text"]))
    if which == "field":
        docs[broken] = draw(corrupted(docs[broken]))
    texts = {k: dump(v) for k, v in docs.items()}
    if which == "text":
        texts[broken] = draw(text_of(docs[broken]))
    return texts["hw"], texts["wl"]


def _configs(files):
    run_case(*files)


@st.composite
def graph_case(draw):
    return draw(hardware()), draw(workload()), draw(st.integers(0, 2 ** 31)), draw(st.booleans())


def _graph(case):
    hw, wl, salt, corrupt = case
    with tempfile.TemporaryDirectory(prefix="accelsim-fuzz-") as tmp:
        tmp = Path(tmp)
        (tmp / "hw.yaml").write_bytes(dump(hw))
        (tmp / "wl.yaml").write_bytes(dump(wl))
        code, err = cli("graph", tmp / "wl.yaml", "-o", tmp / "g.json")
        check_status(code, err)
        if code:
            return
        doc = json.loads((tmp / "g.json").read_text())
        if corrupt:
            doc = _corrupt_graph(doc, salt)
        (tmp / "g.json").write_text(json.dumps(doc))
        code, err = cli("run", tmp / "hw.yaml", tmp / "g.json", "-o", tmp / "out")
        check_status(code, err)
        if code == 0:
            check_run(tmp / "out")


def _corrupt_graph(doc: dict, salt: int) -> dict:
    """One field of a node or edge (or of the graph attributes) broken, chosen by ``salt``."""
    from strategies import BAD_VALUES
    targets = [("graph", doc["graph"])] + [("node", n) for n in doc["nodes"]] + \
        [("edge", e) for e in doc["edges"]]
    _, target = targets[salt % len(targets)]
    keys = sorted(target)
    key = keys[(salt // 7) % len(keys)]
    choice = (salt // 101) % (len(BAD_VALUES) + 2)
    writes = target.get("writes")
    if choice < len(BAD_VALUES):
        target[key] = BAD_VALUES[choice]
    elif choice == len(BAD_VALUES):
        del target[key]
    elif isinstance(writes, list) and writes:  # bytes no longer match shape and format
        writes[0]["bytes"] += 1
    else:
        target[key] = BAD_VALUES[salt % len(BAD_VALUES)]
    return doc


SWEEP_AXES = [("arrays.0.rows", [2, 4, 8]), ("arrays.*.dataflow", ["os", "ws", "is"]),
              ("scratchpad.*.capacity_bytes", [4096, 65536]), ("dram.preset", ["ddr4_3200", "hbm2"]),
              ("vector_unit.lanes", [4, 32]), ("batch", [1, 2])]


@st.composite
def sweep_case(draw):
    hw, wl = draw(hardware()), draw(workload())
    path, values = draw(st.sampled_from(SWEEP_AXES))
    values = list(values[:draw(st.integers(1, 2))])
    spec = {"name": "fz", "base": "hw.yaml", "workloads": ["wl.yaml"],
            "axes": [{"path": path, "values": values}]}
    if draw(st.booleans()):
        spec = draw(corrupted(spec))
    return hw, wl, spec


def _sweep(case):
    hw, wl, spec = case
    with tempfile.TemporaryDirectory(prefix="accelsim-fuzz-") as tmp:
        tmp = Path(tmp)
        (tmp / "hw.yaml").write_bytes(dump(hw))
        (tmp / "wl.yaml").write_bytes(dump(wl))
        (tmp / "s.yaml").write_bytes(dump(spec))
        code, err = cli("sweep", tmp / "s.yaml", "-s", tmp / "s.db", "--no-progress")
        check_status(code, err, allowed=(0, 1, 2))
        if code in (0, 1):
            with sqlite3.connect(tmp / "s.db") as db:
                for (error,) in db.execute("SELECT error FROM points WHERE status = 'error'"):
                    assert "internal error" not in error, error
                for (total,) in db.execute("SELECT total_cycles FROM points WHERE status='ok'"):
                    assert total > 0


PROPERTIES = {"hardware": (_configs, lambda: config_files("hw")),
              "workload": (_configs, lambda: config_files("wl")),
              "graph": (_graph, graph_case),
              "sweep": (_sweep, sweep_case)}


def _test(name: str, profile):
    body, strategy = PROPERTIES[name]
    return profile(given(strategy())(body))


test_fuzz_hardware_configs = _test("hardware", SHORT)
test_fuzz_workloads = _test("workload", SHORT)
test_fuzz_graph_json = _test("graph", SHORT)
test_fuzz_sweep_specs = _test("sweep", SHORT)

test_fuzz_hardware_configs_slow = pytest.mark.slow(_test("hardware", SLOW))
test_fuzz_workloads_slow = pytest.mark.slow(_test("workload", SLOW))
test_fuzz_graph_json_slow = pytest.mark.slow(_test("graph", SLOW))
test_fuzz_sweep_specs_slow = pytest.mark.slow(_test("sweep", SLOW))
