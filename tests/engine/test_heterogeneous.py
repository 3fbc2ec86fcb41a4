"""A heterogeneous scratchpad (a technology and write point per tensor kind) runs, and its error
profile shows a different BER per tensor kind, each from its partition's write point."""
import json

import pytest

from accelsim.cli import main
from accelsim.hardware.error_profile import TOGGLE_FRACTION
from accelsim.hardware.memory.mram_write import MramWritePoint, write_error_rate


def test_error_profile_per_kind(tmp_path, root):
    out = tmp_path / "o"
    assert main(["run", str(root / "hw_configs/train128_hetero.yaml"),
                 str(root / "workloads/digits_cnn.yaml"), "-o", str(out)]) == 0
    prof = json.loads((out / "summary.json").read_text())["error_profile"]
    by_kind = prof["by_kind"]
    wer_act = write_error_rate(MramWritePoint(voltage_scale=0.8, pulse_ns=10.0))
    wer_err = write_error_rate(MramWritePoint(voltage_scale=1.0, pulse_ns=5.0))
    assert by_kind["activation"]["bit_error_rate"] == pytest.approx(TOGGLE_FRACTION * wer_act)
    assert by_kind["error"]["bit_error_rate"] == pytest.approx(TOGGLE_FRACTION * wer_err)
    assert by_kind["weight"]["bit_error_rate"] == 0.0  # SRAM
    assert any(m["tensor_kind"] == "weight" and m["bits_written"] > 0 for m in prof["memory"])
    assert len({by_kind[k]["bit_error_rate"] for k in ("activation", "error", "weight")}) == 3
    for entry in prof["memory"]:
        assert entry["expected_bit_errors"] == pytest.approx(
            entry["bits_written"] * entry["toggle_fraction"] * entry["write_error_rate"])
