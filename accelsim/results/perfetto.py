"""Trace Event JSON (Chrome / Perfetto) of one training step.

Object form with ``displayTimeUnit: "ns"``; timestamps are microseconds of *simulated* time at
the config's clock (``cycle / clock_ghz / 1000``), and every event also carries its exact cycles
in ``args``. One process (the machine), one thread (track) per compute unit, then a DRAM loader
and a DRAM writer track per unit that moved data:

* complete events (``ph: X``): busy spans (category ``busy``) and stall spans (``stall.<cause>``,
  one colour per cause) from :mod:`accelsim.results.timeline`; DRAM transfers from issue to
  completion on the loader and writer tracks;
* counter events (``ph: C``): DRAM bandwidth in use (GB/s, read and write; a transfer's bytes
  spread evenly from its issue to its completion) and each buffer's resident bytes;
* flow events (``ph: s`` / ``f``): from the producer whose completion released a waiting unit to
  the waiting unit's dependency stall.

Open the file in the Perfetto UI (ui.perfetto.dev, "Open trace file"; it runs locally in the
browser) or in ``chrome://tracing``.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

from accelsim.core.errors import ConfigError
from accelsim.engine.observers import TRACE_FILES
from accelsim.results.rundir import read_run_dir
from accelsim.results.timeline import Span, Timeline, spans

#: trace-viewer colour names per span kind
COLOURS = {"busy": "good", "bank_conflict": "terrible", "dram": "bad",
           "dependency": "grey", "read": "rail_load", "write": "rail_idle"}
PID = 1


def trace_events(tl: Timeline, transfers: list[dict], waits: list[dict], buffers: list[dict],
                 clock_ghz: float, metadata: dict) -> dict:
    """The whole trace as a JSON-ready dict."""
    def us(cycle: int) -> float:
        return round(cycle / clock_ghz / 1000.0, 9)

    tids: dict[str, int] = {}
    events: list[dict] = []

    def track(name: str) -> int:
        if name not in tids:
            tids[name] = len(tids) + 1
            events.append({"ph": "M", "name": "thread_name", "pid": PID, "tid": tids[name],
                           "args": {"name": name}})
            events.append({"ph": "M", "name": "thread_sort_index", "pid": PID,
                           "tid": tids[name], "args": {"sort_index": tids[name]}})
        return tids[name]

    events.append({"ph": "M", "name": "process_name", "pid": PID,
                   "args": {"name": f"accelsim: {metadata.get('hardware', 'machine')}"}})
    for unit in tl.units:
        track(unit)
    last_slice: dict[tuple, Span] = {}
    for s in tl.spans:
        events.append(_slice(s, track(s.unit), us))
        last_slice[(s.layer, s.phase, s.unit)] = s
    runs = transfer_runs(transfers)
    for r in runs:
        name = f"DRAM {'loader' if r['direction'] == 'read' else 'writer'} ({r['unit']})"
        events.append(_transfer_slice(r, track(name), us))
    events.extend(_bandwidth(runs, clock_ghz, us))
    for b in buffers:
        events.append({"ph": "C", "name": f"buffer {b['buffer']} resident bytes", "pid": PID,
                       "ts": us(int(b["cycle"])), "args": {"bytes": int(b["resident_bytes"])}})
    for i, w in enumerate(waits, start=1):
        src = last_slice.get((w["producer_layer"], w["producer_phase"], w["producer_unit"]))
        if src is None:
            continue
        common = {"name": "dependency", "cat": "dependency", "id": i, "pid": PID}
        events.append({**common, "ph": "s", "tid": tids[src.unit], "ts": us(src.start)})
        events.append({**common, "ph": "f", "bp": "e", "tid": tids[w["unit"]],
                       "ts": us(int(w["wait_start_cycle"]))})
    return {"displayTimeUnit": "ns", "traceEvents": events, "otherData": metadata}


def _slice(s: Span, tid: int, us) -> dict:
    args = {"layer": s.layer, "phase": s.phase, "start_cycle": s.start, "cycles": s.cycles,
            "steps": s.steps}
    if s.period_cycles:
        args["period_cycles"] = s.period_cycles
    if s.kind == "busy":
        name = f"{s.layer}.{s.phase}"
        args.update(macs=s.macs, dram_read_bytes=s.dram_read_bytes,
                    dram_write_bytes=s.dram_write_bytes)
        cat = "busy"
    else:
        name = f"stall: {s.kind.replace('_', ' ')}"
        args[f"{s.kind}_stall_cycles"] = s.cycles
        cat = f"stall.{s.kind}"
    return {"ph": "X", "name": name, "cat": cat, "cname": COLOURS[s.kind], "pid": PID,
            "tid": tid, "ts": us(s.start), "dur": _dur(us, s.start, s.end), "args": args}


def transfer_runs(transfers: list[dict]) -> list[dict]:
    """Runs of consecutive DRAM transfers of the same size for one row and direction, each as
    one record from the first issue to the last completion (``period`` is the mean issue
    interval)."""
    out: list[dict] = []
    runs: dict[tuple, dict] = {}  # the open run per (row, direction)
    for t in transfers:
        issue, done, nbytes = int(t["issue_cycle"]), int(t["done_cycle"]), int(t["bytes"])
        key = (t["layer"], t["phase"], t["unit"], t["direction"], nbytes)
        last = runs.get(key[:4])
        if last is not None and last["key"] == key:
            last.update(n=last["n"] + 1, last_issue=issue, done=max(done, last["done"]))
            continue
        runs[key[:4]] = {"key": key, "layer": t["layer"], "phase": t["phase"],
                         "unit": t["unit"], "direction": t["direction"], "bytes": nbytes,
                         "n": 1, "issue": issue, "last_issue": issue, "done": done}
        out.append(runs[key[:4]])
    for r in out:
        r["period"] = (r["last_issue"] - r["issue"]) // (r["n"] - 1) if r["n"] > 1 else 0
    return out


def _transfer_slice(r: dict, tid: int, us) -> dict:
    n = r["n"]
    args = {"layer": r["layer"], "phase": r["phase"], "bytes": n * r["bytes"],
            "issue_cycle": r["issue"], "cycles": r["done"] - r["issue"], "transfers": n}
    if n > 1:
        args.update(bytes_per_transfer=r["bytes"], period_cycles=r["period"])
    label = f"{n}× " if n > 1 else ""
    return {"ph": "X", "name": f"{label}{r['direction']} {r['layer']}.{r['phase']}",
            "cat": f"dram.{r['direction']}", "cname": COLOURS[r["direction"]], "pid": PID,
            "tid": tid, "ts": us(r["issue"]), "dur": _dur(us, r["issue"], r["done"]),
            "args": args}


def _dur(us, start: int, end: int) -> float:
    return round(us(end) - us(start), 9)


def _bandwidth(runs: list[dict], clock_ghz: float, us) -> list[dict]:
    """Counter events of the DRAM bandwidth in use, read and write (GB/s): each run of
    transfers at its average rate from its first issue to its last completion."""
    deltas: dict[int, list[float]] = {}
    for r in runs:
        issue, done, nbytes = r["issue"], r["done"], r["n"] * r["bytes"]
        if done <= issue or nbytes <= 0:
            continue
        rate = nbytes / (done - issue) * clock_ghz  # bytes per ns = GB/s
        i = 0 if r["direction"] == "read" else 1
        deltas.setdefault(issue, [0.0, 0.0])[i] += rate
        deltas.setdefault(done, [0.0, 0.0])[i] -= rate
    out, level = [], [0.0, 0.0]
    for cycle in sorted(deltas):
        level = [max(0.0, level[0] + deltas[cycle][0]), max(0.0, level[1] + deltas[cycle][1])]
        out.append({"ph": "C", "name": "DRAM bandwidth (GB/s)", "pid": PID, "ts": us(cycle),
                    "args": {"read": round(level[0], 6), "write": round(level[1], 6)}})
    return out


def timeline(run_dir, traces: dict[str, list] | None = None) -> dict:
    """The Trace Event JSON dict of a run directory. ``traces`` holds the records of
    :class:`~accelsim.engine.observers.StepTrace` (tuples or dicts, by file name); without it
    they are read from the directory's ``trace*.csv`` files (a run written with ``--trace``)."""
    d = Path(run_dir)
    if traces is None:
        traces = {name: _csv_rows(d, name) for name in TRACE_FILES}
    records = {name: [r if isinstance(r, dict) else dict(zip(TRACE_FILES[name], r))
                      for r in traces[name]] for name in TRACE_FILES}
    run = read_run_dir(d)
    summary = run.summary
    hw = summary["hardware"]
    clock = hw["config"]["clock_ghz"]
    metadata = {"tool": summary["tool"], "hardware": hw["name"],
                "config_hash": hw["config_hash"], "workload": summary["workload"]["name"],
                "seed": summary["seed"], "total_cycles": summary["total_cycles"],
                "clock_ghz": clock}
    tl = spans(run.rows, records["trace.csv"])
    return trace_events(tl, records["trace_dram.csv"], records["trace_waits.csv"],
                        records["trace_buffers.csv"], clock, metadata)


def run_dir_timeline(run_dir) -> tuple[Timeline, dict]:
    """The spans of a run directory written with ``--trace``, and its summary."""
    run = read_run_dir(run_dir)
    return spans(run.rows, _csv_rows(run.path, "trace.csv")), run.summary


def _csv_rows(d: Path, name: str) -> list[dict]:
    path = d / name
    if not path.is_file():
        fix = ("re-run with 'accelsim run HW WORKLOAD -o DIR --trace' (or --timeline FILE)"
               if name.startswith("trace") else "give a run directory written by accelsim run")
        raise ConfigError(f"no {name} in the run directory", source=str(d), fix=fix)
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def write_timeline(run_dir, path, traces: dict[str, list] | None = None) -> dict:
    """Write the timeline of ``run_dir`` to ``path`` (compact JSON, atomically); return it."""
    trace = timeline(run_dir, traces)
    p = Path(path)
    tmp = p.with_name(p.name + ".tmp")
    tmp.write_text(json.dumps(trace, separators=(",", ":")), encoding="utf-8")
    tmp.replace(p)
    return trace
