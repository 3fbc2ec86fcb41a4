"""The SRAM vs STT-MRAM study machinery (accelsim/tools/studies/mram.py, `accelsim study mram`).

Fast tests run a tiny subset (digits_cnn on a few design points); the full study is `slow`.
"""
import csv
import json
import math

import pytest
from matplotlib.image import imread

from accelsim.api import load_hardware
from accelsim.cli import main
from accelsim.core.errors import ConfigError
from accelsim.energy.pricing import price
from accelsim.tools.studies import mram

BASE = mram.DEFAULT_BASE
SUBSET = ["stt-cap", "stt-area-v0.8-t5", "hetero-cap"]


def _config_without_name(hw) -> dict:
    d = hw.resolved_dict()
    d.pop("name")
    return d


@pytest.fixture(scope="module")
def points():
    return {p.name: p for p in mram.design_points(load_hardware(BASE), str(BASE))}


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    out = tmp_path_factory.mktemp("study")
    doc = mram.run_study(out, networks=["digits_cnn"], points=SUBSET, log=lambda *_: None)
    return out, doc


def test_design_points_cover_both_isos_and_the_write_ladder(points):
    assert list(points) == ["sram", "stt-cap", "stt-cap-v0.8", "stt-cap-t5", "stt-cap-v0.8-t5",
                            "stt-area", "stt-area-v0.8", "stt-area-t5", "stt-area-v0.8-t5",
                            "hetero-cap"]
    sram = points["sram"].hw
    for name, p in points.items():
        caps = [b.capacity_bytes for b in p.hw.scratchpad]
        if p.iso == "area":
            assert all(c > s.capacity_bytes for c, s in zip(caps, sram.scratchpad))
        else:
            assert caps == [b.capacity_bytes for b in sram.scratchpad]
    # the write ladder reaches the buffers: latency and energy fall, WER rises
    techs = [points[n].hw.scratchpad[0].resolved_technology()
             for n in ("stt-cap", "stt-cap-v0.8", "stt-cap-v0.8-t5")]
    assert [t.write_energy_pj for t in techs] == sorted((t.write_energy_pj for t in techs),
                                                        reverse=True)
    assert techs[0].write_error_rate < techs[1].write_error_rate < techs[2].write_error_rate
    assert techs[2].write_latency_ns < techs[0].write_latency_ns


def test_derived_points_equal_the_shipped_twin_configs(points, root):
    """Derivation, not hand-written configs: the iso-capacity nominal point is the shipped STT
    twin and the heterogeneous point the shipped hetero config (names aside)."""
    twin = load_hardware(root / "hw_configs" / "train128_stt_mram.yaml")
    hetero = load_hardware(root / "hw_configs" / "train128_hetero.yaml")
    assert _config_without_name(points["stt-cap"].hw) == _config_without_name(twin)
    assert _config_without_name(points["hetero-cap"].hw) == _config_without_name(hetero)


def test_iso_area_points_do_not_exceed_the_sram_area(points):
    for name in ("stt-area", "stt-area-t5"):
        for c in points[name].changes:
            assert c.to_area_mm2 <= c.from_area_mm2
            assert c.to_capacity_bytes > c.from_capacity_bytes


def test_ratios_come_from_the_same_runs(study):
    out, doc = study
    table = {r["point"]: r for r in doc["table"]}
    assert list(table) == ["sram", *SUBSET]
    base = json.loads((out / "runs" / "sram" / "digits_cnn" / "summary.json").read_text())
    for name, row in table.items():
        s = json.loads((out / "runs" / name / "digits_cnn" / "summary.json").read_text())
        assert row["energy_pj"] == s["energy_pj"]["total"]
        assert row["total_cycles"] == s["total_cycles"]
        assert row["energy_gain"] == base["energy_pj"]["total"] / s["energy_pj"]["total"]
        assert row["energy_ratio"] == s["energy_pj"]["total"] / base["energy_pj"]["total"]
        assert row["cycles_ratio"] == s["total_cycles"] / base["total_cycles"]
        writes = math.fsum(v for k, v in s["energy_pj"]["by_component"].items()
                           if k.startswith("buffer_") and k.endswith("_write"))
        assert row["scratchpad_write_energy_pj"] == pytest.approx(writes, rel=1e-12)
        assert row["write_energy_ratio"] == (row["scratchpad_write_energy_pj"]
                                             / table["sram"]["scratchpad_write_energy_pj"])
    assert table["sram"]["energy_gain"] == 1.0
    assert table["sram"]["write_energy_gain_vs_nominal"] is None
    assert table["stt-cap"]["write_energy_gain_vs_nominal"] == 1.0
    # iso-capacity at the same capacity as SRAM, STT writes cost more per access
    assert table["stt-cap"]["write_energy_ratio"] > 1


def test_groups_add_up_and_drivers_sum_to_the_ratio(study):
    _, doc = study
    for row in doc["table"]:
        groups = math.fsum(row[f"{g}_energy_pj"] for g in mram.GROUPS)
        assert groups == pytest.approx(row["energy_pj"], rel=1e-12)
    for d, row in zip(mram.drivers(doc["table"]), doc["table"]):
        assert math.fsum(d[g] for g in mram.GROUPS) == pytest.approx(row["energy_ratio"] - 1,
                                                                      abs=1e-12)


def test_cacti_sensitivity_changes_only_sram_leakage(study):
    out, doc = study
    table = {r["point"]: r for r in doc["table"]}
    run = out / "runs" / "sram" / "digits_cnn"
    s = json.loads((run / "summary.json").read_text())
    by = s["energy_pj"]["by_component"]
    leak = math.fsum(v for k, v in by.items() if k.endswith("_leakage"))
    expected = s["energy_pj"]["total"] + leak * (140.2 / 26.6 - 1)
    assert table["sram"]["energy_pj_cacti_sram_leakage"] == pytest.approx(expected, rel=1e-12)
    # no SRAM buffer: nothing to change
    assert (table["stt-cap"]["energy_pj_cacti_sram_leakage"]
            == pytest.approx(table["stt-cap"]["energy_pj"], rel=1e-15))
    # the same override through the pricing pass, from the run's saved counts
    counts = json.loads((run / "counts.json").read_text())
    hw = load_hardware(BASE)
    repriced = price(counts, s["hardware"]["config"], mram.cacti_leakage_table(hw))
    assert repriced["energy_pj"]["total"] == table["sram"]["energy_pj_cacti_sram_leakage"]


def test_csv_json_and_png_are_written(study):
    out, doc = study
    with open(out / "study.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["point"] for r in rows] == [r["point"] for r in doc["table"]]
    assert float(rows[1]["energy_gain"]) == doc["table"][1]["energy_gain"]
    saved = json.loads((out / "study.json").read_text())
    assert saved["schema"] == mram.SCHEMA and len(saved["runs"]) == 4
    png = out / "energy_breakdown.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    h, w, _ = imread(png).shape
    assert h > 200 and w > 200
    for p in ["sram", *SUBSET]:
        assert (out / "configs" / f"{p}.yaml").is_file()
        load_hardware(out / "configs" / f"{p}.yaml")


def test_parallel_runs_give_the_same_table(study, tmp_path):
    _, doc = study
    again = mram.run_study(tmp_path, networks=["digits_cnn"], points=SUBSET, jobs=2,
                           log=lambda *_: None)
    assert again["table"] == doc["table"]


def test_unknown_point_or_network_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="unknown design point 'stt-cap-v0.5'.*valid points"):
        mram.run_study(tmp_path, networks=["digits_cnn"], points=["stt-cap-v0.5"])
    with pytest.raises(ConfigError, match="no workload 'alexnet'.*resnet18"):
        mram.run_study(tmp_path, networks=["alexnet"], points=["stt-cap"])


def test_cli_runs_the_subset_and_reports_a_broken_network(tmp_path, capsys):
    bad = tmp_path / "broken.yaml"
    bad.write_text("name: broken\nbatch: 1\nlayers: []\n")
    out = tmp_path / "out"
    code = main(["study", "mram", "-o", str(out), "--networks", f"digits_cnn,{bad}",
                 "--points", "stt-cap"])
    captured = capsys.readouterr()
    assert code == 2
    assert "the study is incomplete" in captured.err and "broken" in captured.err
    assert "Traceback" not in captured.err
    assert "digits_cnn         stt-cap" in captured.out
    assert (out / "study.txt").read_text().startswith("gain = SRAM / point")
    assert [r["network"] for r in json.loads((out / "study.json").read_text())["table"]] == [
        "digits_cnn", "digits_cnn"]


@pytest.mark.slow
def test_full_study_covers_four_networks_and_every_point(tmp_path):
    doc = mram.run_study(tmp_path, jobs=2, log=lambda *_: None)
    assert doc["failed"] == []
    assert {r["network"] for r in doc["table"]} == set(mram.DEFAULT_NETWORKS)
    assert len(doc["table"]) == len(mram.DEFAULT_NETWORKS) * len(doc["points"])
