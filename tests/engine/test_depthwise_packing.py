"""Closed-form checks of ``depthwise: packed`` (accelsim.hardware.compute.packing, docs/design.md
§4), computed by hand for one depthwise layer on a 20×4 array, every dataflow and phase.

The layer: 5 channels, 6×6 input, 3×3 kernel, no padding, batch 1, so P = Q = 4 and
forward (M, K, N) = (16, 9, 1), backward_data (36, 9, 1), backward_weight (9, 16, 1), ×5.
Channels per fold: os min(C, 5) = 4; ws min(⌊20/9⌋, 4) = 2; is ⌊20/9⌋ = 2 (backward_weight:
⌊20/16⌋ = 1 in ws and is, so it stays per channel). Cycles per fold: os T + R + C − 2 =
T + 22, ws/is 2R + C + T − 2 = T + 42.
"""
import pytest
from testkit import machine

from accelsim.api import simulate
from accelsim.hardware.config import HardwareConfig
from accelsim.workload.graph import build_graph
from accelsim.workload.layers import Workload

pytestmark = pytest.mark.closed_form

LAYERS = [  # a 1×1 conv first, so that the depthwise layer has a backward_data phase
    {"kind": "conv2d", "name": "c0", "in_h": 6, "in_w": 6, "in_channels": 1, "out_channels": 5,
     "kernel": 1},
    {"kind": "depthwise_conv2d", "name": "dw", "in_h": 6, "in_w": 6, "channels": 5, "kernel": 3}]
MACS = {"forward": 5 * 16 * 9, "backward_data": 5 * 36 * 9, "backward_weight": 5 * 9 * 16}

# per phase: (compute cycles, mac_slots), by hand
PER_CHANNEL = {
    # os: fwd 1 fold of T=9: 31 each; bd 2 row folds (M=36 > 20) × 31; bw T=16: 38
    "os": {"forward": 5 * 31, "backward_data": 5 * 2 * 31, "backward_weight": 5 * 38},
    # ws: one 9×1 fold per channel, T = M: 58, 78; bw K=16 rows, T=9: 51
    "ws": {"forward": 5 * 58, "backward_data": 5 * 78, "backward_weight": 5 * 51},
    # is: Sc = M on 4 columns: 4 / 9 column folds of T=1 (43); bw 16×9 → 3 column folds
    "is": {"forward": 5 * 4 * 43, "backward_data": 5 * 9 * 43, "backward_weight": 5 * 3 * 43},
}
PACKED = {
    # os: a pack of 4 channels (16, 36, 4): T=36 → 58, plus 1 channel alone (31)
    "os": {"forward": (58 + 31, 16 * 36 * 4 + 16 * 9),
           "backward_data": (2 * 58 + 2 * 31, 36 * 36 * 4 + 36 * 9),
           "backward_weight": (86 + 38, 9 * 64 * 4 + 9 * 16)},
    # ws: two packs of 2 (Sr = 18 rows, Sc = 2), T = M, plus 1 channel alone
    "ws": {"forward": (3 * 58, 2 * 16 * 18 * 2 + 16 * 9),
           "backward_data": (3 * 78, 2 * 36 * 18 * 2 + 36 * 9),
           "backward_weight": (5 * 51, MACS["backward_weight"])},
    # is: two packs of 2 (Sr = 18, T = 2 → 44 a fold) on 4 / 9 column folds, plus 1 alone
    "is": {"forward": (2 * 4 * 44 + 4 * 43, 2 * 16 * 18 * 2 + 16 * 9),
           "backward_data": (2 * 9 * 44 + 9 * 43, 2 * 36 * 18 * 2 + 36 * 9),
           "backward_weight": (5 * 3 * 43, MACS["backward_weight"])},
}


def _rows(dataflow: str, depthwise: str) -> dict:
    base = machine(20, 4, dataflow, ideal=True).model_dump()
    base["arrays"][0]["depthwise"] = depthwise
    hw = HardwareConfig.model_validate(base)
    wl = Workload.model_validate({"name": "dw", "batch": 1, "layers": LAYERS})
    return {r.phase: r for r in simulate(hw, build_graph(wl, "training")).result.rows
            if r.layer == "dw" and r.phase in MACS}


@pytest.mark.parametrize("dataflow", ["os", "ws", "is"])
def test_per_channel_is_one_channel_per_fold(dataflow):
    rows = _rows(dataflow, "per_channel")
    for phase, cycles in PER_CHANNEL[dataflow].items():
        r = rows[phase]
        assert (r.compute_cycles, r.macs, r.mac_slots) == (cycles, MACS[phase], MACS[phase])


@pytest.mark.parametrize("dataflow", ["os", "ws", "is"])
def test_packed_cycles_and_slots_by_hand(dataflow):
    rows = _rows(dataflow, "packed")
    for phase, (cycles, slots) in PACKED[dataflow].items():
        r = rows[phase]
        assert (r.compute_cycles, r.macs, r.mac_slots) == (cycles, MACS[phase], slots), phase
        assert r.utilization == r.macs / (r.total_cycles * 20 * 4)


# forward filter-buffer reads in 8-byte words of 2-byte elements: a per-channel step reads its
# 9 taps (18 B → 3 words); a packed step reads only the non-zero taps, g·9 of them, in one go
FORWARD_FILTER_WORDS = {
    "os": (5 * 3, 9 + 3),            # the 4-channel pack: 36 taps = 72 B = 9 words
    "ws": (5 * 3, 2 * 5 + 3),        # a 2-channel pack: 18 taps = 36 B = 5 words
    "is": (5 * 4 * 3, 2 * 4 * 5 + 4 * 3),  # the same, once per column fold
}


@pytest.mark.parametrize("dataflow", ["os", "ws", "is"])
def test_packing_moves_the_same_operands(dataflow):
    """The zero blocks of B are neither stored nor read: A, B and C elements are unchanged."""
    per, packed = _rows(dataflow, "per_channel"), _rows(dataflow, "packed")
    for phase in MACS:
        a, b = per[phase], packed[phase]
        assert b.array_elements == a.array_elements, phase
        # buffer words round up per step, less often when a packed step moves more at once
        for got, per_ch in ((b.buffer_reads, a.buffer_reads), (b.buffer_writes, a.buffer_writes)):
            assert all(got[buf] <= per_ch[buf] for buf in per_ch), phase
        # DRAM moves the stored tensors' share of each step, rounded up per step: never more
        assert b.dram_write_bytes == a.dram_write_bytes, phase
        assert b.dram_read_bytes <= a.dram_read_bytes, phase
    words = (per["forward"].buffer_reads["filter"], packed["forward"].buffer_reads["filter"])
    assert words == FORWARD_FILTER_WORDS[dataflow]


@pytest.mark.parametrize("dataflow", ["os", "ws", "is"])
def test_packed_with_overlapped_folds_plays_its_closed_form(dataflow):
    """Overlapped folds: one whole fold, then every fold of every pack at its overlapped rate."""
    base = machine(20, 4, dataflow, ideal=True).model_dump()
    base["arrays"][0].update(depthwise="packed", fold_overlap=True)
    hw = HardwareConfig.model_validate(base)
    wl = Workload.model_validate({"name": "dw", "batch": 1, "layers": LAYERS})
    fwd = next(r for r in simulate(hw, build_graph(wl, "training")).result.rows
               if (r.layer, r.phase) == ("dw", "forward"))
    # forward packs as in PACKED; overlapped fold: os T, ws/is max(T, R)
    expect = {"os": (58 - 36) + 36 + 9,           # the tail R + C − 2, then T of each fold
              "ws": (58 - 20) + 3 * 20,           # T = 16 < R = 20
              "is": (44 - 20) + 2 * 4 * 20 + 4 * 20}[dataflow]
    assert fwd.compute_cycles == expect
    assert fwd.total_cycles == expect  # an ideal machine plays the closed form, no stalls
