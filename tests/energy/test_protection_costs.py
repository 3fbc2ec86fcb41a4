"""Sign/exponent protection: its SEC-DED check bits are counted with the protected kinds' buffer
traffic, priced per bit, widen the buffer's area, leave the timing alone and reach the profile."""
import csv
import json
import math

import pytest
import yaml

from accelsim.cli import main
from accelsim.hardware.memory.protection import TensorProtection

PROTECTION = {"activation": {"protect": "sign_exponent", "saturate": True},
              "error": {"protect": "sign_exponent"}}


def _run(tmp_path, root, name, protection=None):
    data = yaml.safe_load((root / "hw_configs/train128_hetero.yaml").read_text())
    if protection:
        data["protection"] = protection
    hw = tmp_path / f"{name}.yaml"
    hw.write_text(yaml.safe_dump(data))
    out = tmp_path / name
    assert main(["run", str(hw), str(root / "workloads/digits_mlp.yaml"), "-o", str(out)]) == 0
    rows = list(csv.DictReader((out / "layers.csv").open()))
    return (json.loads((out / "summary.json").read_text()),
            json.loads((out / "counts.json").read_text()), rows)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    from pathlib import Path
    root = Path(__file__).resolve().parents[2]
    tmp = tmp_path_factory.mktemp("protection")
    return _run(tmp, root, "bare"), _run(tmp, root, "protected", PROTECTION)


def test_check_bits_are_whole_codewords_of_the_protected_bits():
    guard = TensorProtection(protect="sign_exponent")
    assert guard.check_bits("bf16", 4096) == math.ceil(2048 * 9 / 64) * 8 == 2304
    assert guard.check_bits("fp32", 4) == 8 and guard.check_bits("int8", 64) == 8
    assert guard.check_fraction("bf16") == 9 * 8 / (64 * 16)
    assert TensorProtection().check_bits("bf16", 4096) == 0


def test_timing_is_unchanged_and_only_protected_buffers_move_check_bits(runs):
    (_, bare_counts, bare_rows), (_, counts, rows) = runs
    timing = ("layer", "phase", "total_cycles", "stall_cycles", "start_cycle", "end_cycle",
              "buffer_act_read_words", "buffer_err_write_words", "dram_read_bytes")
    assert [[r[k] for k in timing] for r in rows] == [[r[k] for k in timing] for r in bare_rows]
    assert "formats" not in bare_counts and counts["formats"]["activation"] == "bf16"
    guard = TensorProtection(protect="sign_exponent")
    for row, bare_row in zip(counts["rows"], bare_counts["rows"]):
        assert "ecc_read_bits" not in row["actions"].get("buffer.wgt", {})
        act = row["actions"].get("buffer.act", {})
        words = bare_row["actions"].get("buffer.act", {}).get("write_words", 0)
        if words:  # the act buffer holds only activations: its bytes are theirs
            assert act["ecc_write_bits"] == guard.check_bits("bf16", words * 32)


def test_check_bits_are_priced_per_bit_and_widen_the_area(runs):
    (bare, _, _), (prot, counts, _) = runs
    tech = {b["name"]: b["resolved_technology"] for b in prot["hardware"]["config"]["scratchpad"]}
    for buf in ("act", "err"):
        bits_r = sum(r["actions"].get(f"buffer.{buf}", {}).get("ecc_read_bits", 0)
                     for r in counts["rows"])
        bits_w = sum(r["actions"].get(f"buffer.{buf}", {}).get("ecc_write_bits", 0)
                     for r in counts["rows"])
        t = tech[buf]
        want = (bits_r * t["read_energy_pj"] + bits_w * t["write_energy_pj"]) / t["access_bits"]
        assert prot["energy_pj"]["by_component"][f"buffer_{buf}_ecc"] == pytest.approx(want)
        assert prot["area_mm2"]["by_component"][f"buffer_{buf}"] == pytest.approx(
            bare["area_mm2"]["by_component"][f"buffer_{buf}"] * (1 + 9 * 8 / (64 * 16)))
    assert prot["area_mm2"]["by_component"]["buffer_wgt"] == bare["area_mm2"]["by_component"][
        "buffer_wgt"]
    assert prot["energy_pj"]["total"] > bare["energy_pj"]["total"]
    assert "buffer_act_ecc" not in bare["energy_pj"]["by_component"]


def test_error_profile_carries_the_protection(runs):
    (bare, _, _), (prot, _, _) = runs
    by_kind = prot["error_profile"]["by_kind"]
    assert by_kind["activation"]["protect"] == "sign_exponent" and by_kind["activation"]["saturate"]
    assert by_kind["error"]["saturate"] is False and "protect" not in by_kind["weight"]
    assert "protect" not in bare["error_profile"]["by_kind"]["activation"]
