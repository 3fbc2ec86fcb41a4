"""Tiny hand-made hardware configs and counts documents for the energy tests."""
import copy

import pytest

from accelsim.hardware.config import HardwareConfig

MB = 1 << 20


def hardware(**changes) -> HardwareConfig:
    data = {
        "name": "tiny", "clock_ghz": 1.0, "node_nm": 22,
        "arrays": [{"rows": 4, "cols": 4, "dataflow": "ws"}],
        "scratchpad": [
            {"name": "act", "capacity_bytes": MB, "banks": 2, "word_bytes": 8,
             "holds": ["ifmap", "ofmap"]},
            {"name": "wgt", "capacity_bytes": MB // 2, "word_bytes": 16,
             "technology": "stt_mram_22nm", "holds": ["filter"]},
        ],
        "dram": {"preset": "ddr4_3200"},
    }
    data.update(changes)
    return HardwareConfig.model_validate(data)


def counts_doc(rows=None, total_cycles=1000, clock_ghz=1.0, node_nm=22) -> dict:
    if rows is None:
        rows = [
            {"layer": "conv1", "phase": "forward", "total_cycles": 600, "actions": {
                "mac": {"bf16": 1000, "int8": 10},
                "buffer.act": {"read_words": 100, "write_words": 40},
                "buffer.wgt": {"read_words": 30},
                "dram": {"read_bytes": 640, "write_bytes": 64, "activations": 2,
                         "refreshes": 3, "active_rank_ns": 500.0}}},
            {"layer": "conv1", "phase": "backward_data", "total_cycles": 300, "actions": {
                "mac": {"bf16": 500}, "buffer.act": {"read_words": 7}}},
            {"layer": "conv1", "phase": "update", "total_cycles": 100, "actions": {
                "vector": {"fp32_ops": 64}, "buffer.wgt": {"write_words": 4}}},
        ]
    return {"schema": "accelsim.counts/1", "clock_ghz": clock_ghz, "node_nm": node_nm,
            "total_cycles": total_cycles, "rows": copy.deepcopy(rows)}


@pytest.fixture
def config() -> dict:
    return hardware().resolved_dict()


@pytest.fixture
def counts() -> dict:
    return counts_doc()


@pytest.fixture
def make_hardware():
    return hardware


@pytest.fixture
def make_counts():
    return counts_doc
