"""Every stall has a cause, and the causes add up (issue: stall accounting)."""
import pytest
from testkit import machine, small_cnn

from accelsim.api import simulate
from accelsim.engine.observers import StepTrace
from accelsim.workload.graph import build_graph


@pytest.mark.parametrize("df", ["os", "ws", "is"])
def test_ideal_memory_has_no_stalls_on_any_row(df):
    """Played step by step (an observer turns off the stall-free shortcut), so the pipeline
    itself measures every row's stalls: on ideal memory none."""
    hw = machine(8, 8, df, ideal=True)
    trace = StepTrace()
    run = simulate(hw, build_graph(small_cnn(), "training"), observers=[trace])
    assert len(trace.lines) == sum(r.steps for r in run.result.rows)
    for row in run.result.rows:
        assert row.total_cycles == row.compute_cycles + row.dependency_stall_cycles
        assert row.bank_conflict_stall_cycles == 0 and row.dram_stall_cycles == 0


@pytest.mark.parametrize("df", ["os", "ws", "is"])
def test_forward_on_ideal_memory_is_exactly_compute(df):
    hw = machine(8, 8, df, ideal=True)
    g = build_graph(small_cnn().model_copy(update={"layers": small_cnn().layers[:2]}), "forward")
    run = simulate(hw, g)
    for row in run.result.rows:
        assert row.total_cycles == row.compute_cycles
    assert run.result.total_cycles == sum(r.compute_cycles for r in run.result.rows)


@pytest.mark.parametrize("tech", ["sram_22nm", "stt_mram_22nm"])
@pytest.mark.parametrize("df", ["os", "ws", "is"])
def test_stalls_add_up_with_real_memory(df, tech):
    hw = machine(8, 8, df, tech=tech, banks=2, dram="lpddr4_2400", capacity=8192)
    run = simulate(hw, build_graph(small_cnn(batch=4), "training"))
    stalled = 0
    for row in run.result.rows:
        assert row.total_cycles == row.compute_cycles + row.bank_conflict_stall_cycles + \
            row.dram_stall_cycles + row.dependency_stall_cycles
        stalled += row.bank_conflict_stall_cycles + row.dram_stall_cycles
    assert stalled > 0  # this machine is memory-bound: the accounting is exercised


@pytest.mark.parametrize("df", ["os", "ws", "is"])
def test_each_stall_is_charged_to_the_resource_that_caused_it(df):
    """With an ideal scratchpad the banks cannot stall, so every memory stall is DRAM's; with
    ideal DRAM every memory stall is the banks'; and each still adds up to the row window."""
    g = build_graph(small_cnn(batch=4), "training")
    dram_only = machine(8, 8, df, banks=2, dram="lpddr4_2400", capacity=8192,
                        ideal_scratchpad=True)
    banks_only = machine(8, 8, df, tech="stt_mram_22nm", banks=1, dram="ideal", capacity=8192)
    for hw, cause, other in ((dram_only, "dram_stall_cycles", "bank_conflict_stall_cycles"),
                             (banks_only, "bank_conflict_stall_cycles", "dram_stall_cycles")):
        rows = simulate(hw, g).result.rows
        assert all(getattr(r, other) == 0 for r in rows)
        assert sum(getattr(r, cause) for r in rows) > 0
        for r in rows:
            assert r.total_cycles == r.compute_cycles + getattr(r, cause) + \
                r.dependency_stall_cycles


def test_one_array_rows_tile_the_array_timeline():
    hw = machine(8, 8, "ws", banks=2, capacity=8192)
    run = simulate(hw, build_graph(small_cnn(), "training"))
    array_rows = [r for r in run.result.rows if r.unit == "array0"]
    for prev, nxt in zip(array_rows, array_rows[1:]):
        assert nxt.start_cycle == prev.end_cycle


def test_double_buffering_hides_dram_time():
    """Without a second staging slot every tile's DRAM fetch is exposed; with it, fetches overlap
    the previous step's compute, so the same step has fewer DRAM stalls and identical compute."""
    g = build_graph(small_cnn(batch=8), "forward")
    runs = {}
    for db in (True, False):
        hw = machine(4, 4, "ws", banks=4, capacity=2048, dram="lpddr4_2400")
        hw = hw.model_copy(update={"scratchpad": [b.model_copy(update={"double_buffered": db})
                                                  for b in hw.scratchpad]})
        runs[db] = simulate(hw, g).result
    single = sum(r.dram_stall_cycles for r in runs[False].rows)
    double = sum(r.dram_stall_cycles for r in runs[True].rows)
    assert double < single
    assert [r.compute_cycles for r in runs[True].rows] == [r.compute_cycles for r in runs[False].rows]


@pytest.mark.parametrize("df", ["os", "ws", "is"])
def test_stepped_pipeline_on_ideal_memory_equals_the_closed_form(df):
    """With an observer attached the engine plays every step (no closed-form shortcut): on
    ideal memory each row still takes exactly its compute cycles."""
    from accelsim.engine.observers import StepTrace
    hw = machine(8, 8, df, ideal=True)
    g = build_graph(small_cnn(), "forward")
    trace = StepTrace()
    run = simulate(hw, g, observers=[trace])
    assert trace.lines  # the steps were really played
    for row in run.result.rows:
        assert row.bank_conflict_stall_cycles == row.dram_stall_cycles == 0
        assert row.total_cycles == row.compute_cycles + row.dependency_stall_cycles
    assert run.result.total_cycles == simulate(hw, g).result.total_cycles


@pytest.mark.parametrize("df", ["os", "ws", "is"])
def test_fold_overlap_rows_equal_the_overlapped_closed_form(df):
    from accelsim.hardware.compute.systolic_timing import map_gemm
    from accelsim.workload.lowering import lower
    wl = small_cnn()
    hw = machine(4, 4, df, ideal=True)
    hw = hw.model_copy(update={"arrays": [hw.arrays[0].model_copy(update={"fold_overlap": True})]})
    layers = {layer.name: layer for layer in wl.layers}
    from accelsim.engine.observers import StepTrace
    run = simulate(hw, build_graph(wl, "forward"))
    stepped = simulate(hw, build_graph(wl, "forward"), observers=[StepTrace()])
    assert [r.total_cycles for r in stepped.result.rows] == [r.total_cycles for r in run.result.rows]
    for row in run.result.rows:
        if row.unit == "array0":
            work = lower(layers[row.layer], row.phase, wl)
            mp = map_gemm(df, 4, 4, work.m, work.k, work.n)
            assert row.compute_cycles == mp.overlapped_cycles(work.count)
            assert row.total_cycles == row.compute_cycles + row.dependency_stall_cycles
            if mp.folds * work.count > 1:
                assert row.compute_cycles < mp.compute_cycles * work.count
