"""Properties over random small machines and layers (hypothesis)."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from testkit import machine

from accelsim.api import simulate
from accelsim.hardware.compute.systolic_timing import map_gemm
from accelsim.workload.graph import build_graph
from accelsim.workload.layers import Workload
from accelsim.workload.lowering import lower


@st.composite
def cases(draw):
    rows, cols = draw(st.integers(2, 16)), draw(st.integers(2, 16))
    df = draw(st.sampled_from(["os", "ws", "is"]))
    tech = draw(st.sampled_from(["sram_22nm", "stt_mram_22nm", "stt_mram_22nm_half_pulse"]))
    ideal = draw(st.booleans())
    h = draw(st.integers(3, 12))
    k = draw(st.integers(1, 3))
    stride = draw(st.integers(1, 2))
    pad = draw(st.integers(0, 1))
    c, kf = draw(st.integers(1, 8)), draw(st.integers(1, 8))
    out = (h + 2 * pad - k) // stride + 1
    layers = [{"kind": "conv2d", "name": "conv", "in_h": h, "in_w": h, "kernel": k,
               "stride": stride, "padding": pad, "in_channels": c, "out_channels": kf},
              {"kind": "linear", "name": "fc", "in_features": kf * out * out,
               "out_features": draw(st.integers(1, 12))}]
    wl = Workload.model_validate({"name": "rand", "batch": draw(st.integers(1, 3)),
                                  "layers": layers})
    hw = machine(rows, cols, df, tech=tech, ideal=ideal, banks=draw(st.integers(1, 4)),
                 capacity=draw(st.sampled_from([16384, 65536])),
                 dram=draw(st.sampled_from(["ddr4_3200", "hbm2"])))
    overlap = draw(st.booleans())
    n_arrays = draw(st.integers(1, 2))
    arrays = [hw.arrays[0].model_copy(update={"name": f"array{i}", "fold_overlap": overlap})
              for i in range(n_arrays)]
    return hw.model_copy(update={"arrays": arrays}), wl


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_invariants_hold(case):
    hw, wl = case
    run = simulate(hw, build_graph(wl, "training"))
    layers = {layer.name: layer for layer in wl.layers}
    arr = hw.arrays[0]
    for row in run.result.rows:
        work = lower(layers[row.layer], row.phase, wl)
        assert row.total_cycles >= row.compute_cycles
        assert row.total_cycles - row.compute_cycles == row.bank_conflict_stall_cycles + \
            row.dram_stall_cycles + row.dependency_stall_cycles
        if row.unit.startswith("array"):
            mp = map_gemm(arr.dataflow, arr.rows, arr.cols, work.m, work.k, work.n)
            expect = mp.overlapped_cycles(work.count) if arr.fold_overlap else \
                mp.compute_cycles * work.count
            assert row.compute_cycles == expect
            assert row.macs == work.m * work.k * work.n * work.count
        if hw.ideal_scratchpad:
            assert row.bank_conflict_stall_cycles == 0
