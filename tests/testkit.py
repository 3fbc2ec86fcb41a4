"""Shared test helpers: small machines and workloads built in code (import as testkit)."""
from __future__ import annotations

from pathlib import Path

from accelsim.hardware.config import HardwareConfig
from accelsim.workload.layers import Workload

ROOT = Path(__file__).resolve().parents[1]


def machine(rows=8, cols=8, dataflow="ws", *, tech="sram_22nm", ideal=False, banks=4,
            word_bytes=8, capacity=64 * 1024, dram="ddr4_3200", lanes=8, **kw) -> HardwareConfig:
    """A small machine with SCALE-Sim-style operand buffers."""
    buf = dict(capacity_bytes=capacity, banks=banks, word_bytes=word_bytes, technology=tech)
    return HardwareConfig.model_validate({
        "name": f"test_{rows}x{cols}_{dataflow}", "arrays": [
            {"rows": rows, "cols": cols, "dataflow": dataflow}],
        "vector_unit": {"lanes": lanes},
        "scratchpad": [{"name": "ifmap", "holds": ["ifmap"], **buf},
                       {"name": "filter", "holds": ["filter"], **buf},
                       {"name": "ofmap", "holds": ["ofmap"], **buf}],
        "dram": {"preset": "ideal"} if ideal else {"preset": dram},
        "ideal_scratchpad": ideal, **kw})


def small_cnn(batch=2) -> Workload:
    return Workload.model_validate({"name": "small_cnn", "batch": batch, "layers": [
        {"kind": "conv2d", "name": "c1", "in_h": 8, "in_w": 8, "kernel": 3, "padding": 1,
         "in_channels": 1, "out_channels": 8},
        {"kind": "conv2d", "name": "c2", "in_h": 8, "in_w": 8, "kernel": 3, "stride": 2,
         "padding": 1, "in_channels": 8, "out_channels": 16},
        {"kind": "pool", "name": "p", "in_h": 4, "in_w": 4, "kernel": 2, "stride": 2,
         "channels": 16},
        {"kind": "linear", "name": "fc", "in_features": 64, "out_features": 10}]})



def cli_fails(capsys, *argv) -> str:
    """Run the CLI; it must exit 2 with one stderr line and no traceback. Returns the line."""
    from accelsim.cli import main
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    assert "Traceback" not in out + err and len(err.strip().splitlines()) == 1, err
    return err.strip()
