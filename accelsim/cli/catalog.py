"""``accelsim list``: what ships with accelsim, one line each.

The shipped hardware configs and workloads (usable by name wherever a command takes a file),
and the presets a config can name: memory technologies, DRAM presets, crossbar tile presets and
crossbar device presets. Each section is read from its registry, so a new preset appears here
without touching this module.
"""
from __future__ import annotations

import argparse


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "list", help="list the shipped configs, workloads and presets",
        description="Print the shipped hardware configs and workloads (pass a name instead of a "
                    "file to any command) and the technology, DRAM, crossbar tile and crossbar "
                    "device presets a config can name, one line each.")
    p.set_defaults(func=run)


def _configs() -> list[tuple[str, str]]:
    from accelsim.api import load_hardware
    from accelsim.cli.validate import hardware_summary
    from accelsim.core.shipped import names
    return [(n, hardware_summary(load_hardware(n)).split(": ", 1)[1]) for n in names("hw")]


def _workloads() -> list[tuple[str, str]]:
    from accelsim.cli.validate import workload_summary
    from accelsim.core.shipped import names, resolve
    from accelsim.workload.loader import load_workload
    return [(n, workload_summary(load_workload(resolve(n, "workload"))).split(": ", 1)[1])
            for n in names("workload")]


def _technologies() -> list[tuple[str, str]]:
    from accelsim.hardware.memory.technology import TECHNOLOGIES
    return [(n, f"{t.kind} {t.node_nm} nm: read {t.read_latency_ns:g} ns / "
                f"{t.read_energy_pj:g} pJ, write {t.write_latency_ns:g} ns / "
                f"{t.write_energy_pj:g} pJ per {t.access_bits} bits, leakage {t.leakage_mw:g} mW "
                f"per {t.reference_capacity_bytes // 1024} KiB")
            for n, t in TECHNOLOGIES.items()]


def _dram() -> list[tuple[str, str]]:
    from accelsim.hardware.memory.dram_presets import DRAM_PRESETS
    return [(n, "unbounded bandwidth, zero latency, not priced" if p is None else
             f"{p.channels} channel(s) × {p.ranks} rank(s) × {p.bankgroups}×{p.banks_per_group} "
             f"banks, peak {p.burst_bytes / (p.burst_ck * p.tck_ns):.1f} GB/s per channel, "
             f"tCK {p.tck_ns:g} ns, CL {p.cl_ck}, mapping {p.mapping}, {p.rw_queue} queue")
            for n, p in DRAM_PRESETS.items()]


def _tiles() -> list[tuple[str, str]]:
    from accelsim.hardware.crossbar.presets import TILE_PRESETS
    return [(n, f"{t.rows}x{t.cols} cells at {t.node_nm} nm, {t.adc_bits}-bit ADC per "
                f"{t.cols_per_adc} columns, {t.input_mode} inputs")
            for n, t in TILE_PRESETS.items()]


def _devices() -> list[tuple[str, str]]:
    from accelsim.hardware.crossbar.devices import DEVICES

    def levels(d) -> str:
        return "analog" if d.states_ltp is None else f"{d.states_ltp}/{d.states_ltd} levels"
    return [(n, f"{levels(d)}, nonlinearity {d.nl_ltp:g}/{d.nl_ltd:g}, c2c σ {d.c2c_sigma:g}"
                + ("" if d.adc_bits is None else f", {d.adc_bits}-bit ADC"))
            for n, d in DEVICES.items()]


#: (heading, lines) of each section, in print order
SECTIONS = (("hardware configs (name them instead of a file)", _configs),
            ("workloads (name them instead of a file)", _workloads),
            ("memory technology presets (scratchpad.<buffer>.technology)", _technologies),
            ("DRAM presets (dram.preset)", _dram),
            ("crossbar tile presets (crossbar.preset)", _tiles),
            ("crossbar device presets (crossbar.device, accuracy --crossbar)", _devices))


def run(args: argparse.Namespace) -> int:
    for i, (heading, lines) in enumerate(SECTIONS):
        rows = lines()
        width = max(len(n) for n, _ in rows)
        print(("\n" if i else "") + heading + ":")
        for name, text in rows:
            print(f"  {name:<{width}}  {text}")
    return 0
