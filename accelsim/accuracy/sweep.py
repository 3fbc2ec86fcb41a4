"""Accuracy sweeps: bit error rate per tensor kind, crossbar presets, or one crossbar parameter.

A crossbar parameter is a device field (devices.py) or one of the pairs in ``PAIRED``: ``states``
sets both directions' states, ``nl`` the pair (+NL for potentiation, −NL for depression), as the
one-factor sweeps of docs/accuracy.md do.

Each point trains the network once per seed beside the ideal run of that seed and records the
final test accuracy. Results go to a CSV table (columns in docs/accuracy.md) and a PNG plot
(matplotlib, Agg backend).
"""
from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from accelsim.accuracy.api import Experiment
from accelsim.accuracy.error_profile import CrossbarSpec, ErrorSpec

BER_COLUMNS = ["tensor_kind", "format", "bit_error_rate", "seed", "final_test_accuracy",
               "ideal_final_test_accuracy", "accuracy_drop_points", "bit_flips_injected"]
CROSSBAR_COLUMNS = ["device", "parameter", "value", "seed", "final_test_accuracy",
                    "ideal_final_test_accuracy", "accuracy_drop_points", "write_pulses",
                    "adc_conversions", "adc_saturations"]


def sweep_ber(experiments: list[Experiment], kinds: Iterable[str], rates: Iterable[float],
              base: ErrorSpec | None = None, progress=None) -> list[dict[str, Any]]:
    """One row per (tensor kind, rate, seed); the other kinds keep ``base``'s rates."""
    base = base or ErrorSpec()
    rows = []
    for kind in kinds:
        for rate in rates:
            spec = replace(base, bit_error_rate={**base.bit_error_rate, kind: float(rate)})
            for exp in experiments:
                result = exp.run(spec)
                rows.append({"tensor_kind": kind, "format": result["formats"][kind],
                             "bit_error_rate": float(rate), "seed": exp.config.seed,
                             **_scores(result),
                             "bit_flips_injected": result["bit_flips_injected"][kind]})
                if progress:
                    progress(rows[-1])
    return rows


#: sweep names that set two device fields at once
PAIRED = {"states": lambda v: {"states_ltp": v, "states_ltd": v},
          "nl": lambda v: {"nl_ltp": v, "nl_ltd": None if v is None else -float(v)}}


def overrides(parameter: str, value: Any) -> dict[str, Any]:
    """The device fields one swept (parameter, value) sets (none for the preset as shipped)."""
    if not parameter:
        return {}
    if parameter in PAIRED:
        return PAIRED[parameter](value)
    return {parameter: value}


def sweep_crossbar(experiments: list[Experiment], points: list[tuple[str, str, Any]],
                   base: ErrorSpec | None = None, progress=None,
                   fixed: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """One row per (device, parameter, value, seed); ``points`` are (device, parameter, value)
    with parameter ``""`` for the preset as shipped; ``fixed`` device fields hold at every
    point (a swept parameter wins)."""
    base = base or ErrorSpec()
    rows = []
    for device, parameter, value in points:
        changes = {**(fixed or {}), **overrides(parameter, value)}
        spec = replace(base, crossbar=CrossbarSpec(device=device, parameters=changes))
        for exp in experiments:
            result = exp.run(spec)
            events = result["crossbar_events"] or {}
            rows.append({"device": device, "parameter": parameter, "value": value,
                         "seed": exp.config.seed, **_scores(result),
                         "write_pulses": events.get("write_pulses", 0),
                         "adc_conversions": events.get("adc_conversions", 0),
                         "adc_saturations": events.get("adc_saturations", 0)})
            if progress:
                progress(rows[-1])
    return rows


def _scores(result: dict) -> dict[str, float]:
    return {"final_test_accuracy": result["final_test_accuracy"],
            "ideal_final_test_accuracy": result["ideal_final_test_accuracy"],
            "accuracy_drop_points": result["accuracy_drop_points"]}


def tolerance(rows: list[dict], drop_points: float = 1.0) -> dict[str, float | None]:
    """Per tensor kind, the lowest swept rate whose mean accuracy drop exceeds ``drop_points``
    (None if no swept rate does)."""
    out: dict[str, float | None] = {}
    for kind, by_rate in _mean_drop(rows).items():
        over = [rate for rate, drop in sorted(by_rate.items()) if drop > drop_points]
        out[kind] = over[0] if over else None
    return out


def _mean_drop(rows) -> dict[str, dict[float, float]]:
    groups: dict[str, dict[float, list[float]]] = {}
    for row in rows:
        groups.setdefault(row["tensor_kind"], {}).setdefault(row["bit_error_rate"], []).append(
            row["accuracy_drop_points"])
    return {k: {r: float(np.mean(v)) for r, v in d.items()} for k, d in groups.items()}


def write_csv(rows: list[dict], path: Path, columns: list[str]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def _pyplot():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def plot_ber(rows: list[dict], path: Path, title: str) -> None:
    """Mean final accuracy against BER (log axis), one line per tensor kind, ideal dashed."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=120)
    ideal = float(np.mean([r["ideal_final_test_accuracy"] for r in rows])) * 100
    styles = [("o", "-", 9), ("s", "--", 7.5), ("^", "-.", 6), ("D", ":", 4.5), ("v", "-", 3)]
    for i, kind in enumerate(dict.fromkeys(r["tensor_kind"] for r in rows)):
        marker, line, size = styles[i % len(styles)]
        mine = [r for r in rows if r["tensor_kind"] == kind and r["bit_error_rate"] > 0]
        rates = sorted({r["bit_error_rate"] for r in mine})
        acc = [100 * np.mean([r["final_test_accuracy"] for r in mine if r["bit_error_rate"] == x])
               for x in rates]
        fmt = mine[0]["format"] if mine else ""
        ax.plot(rates, acc, marker=marker, linestyle=line, markersize=size, alpha=0.85,
                label=f"{kind} ({fmt})")
    ax.axhline(ideal, color="black", linestyle="--", linewidth=1, label=f"ideal {ideal:.1f} %")
    ax.axhline(ideal - 1, color="grey", linestyle=":", linewidth=1, label="ideal − 1 point")
    ax.set_xscale("log")
    ax.set_xlabel("bit error rate of the tensor kind (flips per stored bit)")
    ax.set_ylabel("final test accuracy (%)")
    ax.set_ylim(0, 100)
    ax.set_title(title, fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def plot_crossbar(rows: list[dict], path: Path, title: str) -> None:
    """Mean final accuracy per device (bars) or per parameter value (one line per device)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=120)
    ideal = float(np.mean([r["ideal_final_test_accuracy"] for r in rows])) * 100
    devices = list(dict.fromkeys(r["device"] for r in rows))
    parameter = rows[0]["parameter"] if rows else ""
    if not parameter:
        acc = [100 * np.mean([r["final_test_accuracy"] for r in rows if r["device"] == d])
               for d in devices]
        bars = ax.bar(devices, acc, color="tab:blue")
        ax.bar_label(bars, fmt="%.1f", fontsize=8)
        ax.set_xlabel("crossbar device preset (all weight layers mapped)")
        ax.tick_params(axis="x", labelrotation=30)
    else:
        for device in devices:
            mine = [r for r in rows if r["device"] == device]
            values = list(dict.fromkeys(r["value"] for r in mine))
            acc = [100 * np.mean([r["final_test_accuracy"] for r in mine if r["value"] == v])
                   for v in values]
            ax.plot([str(v) for v in values], acc, marker="o", label=device)
        ax.set_xlabel(f"crossbar parameter {parameter}")
    ax.axhline(ideal, color="black", linestyle="--", linewidth=1, label=f"ideal {ideal:.1f} %")
    ax.legend(fontsize=8, loc="lower right")
    ax.set_ylabel("final test accuracy (%)")
    ax.set_ylim(0, 105)
    ax.set_title(title, fontsize=10)
    ax.grid(True, axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
