"""The training step's DRAM stalls and energy follow the DRAM model (docs/dram.md)."""
from accelsim.api import simulate
from accelsim.energy.pricing import price
from accelsim.results.writer import counts
from accelsim.workload.graph import build_graph
from testkit import machine, small_cnn


def _run(**dram):
    hw = machine(8, 8, "ws", capacity=8192)
    hw = hw.model_copy(update={"dram": hw.dram.model_copy(update=dram)})
    return simulate(hw, build_graph(small_cnn(batch=4), "training"))


def test_turnaround_costs_time_only_when_reads_and_writes_interleave():
    unified, split = _run(rw_queue="unified"), _run(rw_queue="split")
    assert unified.result.total_cycles > split.result.total_cycles
    dram_stall = [sum(r.dram_stall_cycles for r in run.result.rows) for run in (unified, split)]
    assert dram_stall[0] > dram_stall[1]


def test_bank_group_interleaving_streams_faster_than_one_group():
    shipped, bgint = _run(), _run(mapping="rochrabacobg")
    assert bgint.result.total_cycles < shipped.result.total_cycles


def test_step_energy_has_refresh_and_active_standby():
    run = _run()
    doc = counts(run)
    dram = [r["actions"]["dram"] for r in doc["rows"] if "dram" in r["actions"]]
    assert sum(d["active_rank_ns"] for d in dram) > 0
    e = price(doc, run.hw.resolved_dict())["energy_pj"]["by_component"]
    assert e["dram_active_standby"] > 0 and e["dram_background"] > 0
    # refresh: the one rank of the one channel, every tREFI = 12480 × 0.63 ns, up to the end
    # of the last transfer (here the end of the step: its last row writes back)
    last = max(r.end_cycle for r in run.result.rows if r.dram_read_bytes or r.dram_write_bytes)
    assert sum(d["refreshes"] for d in dram) == int(last // (12480 * 0.63)) > 0
    assert e["dram_refresh"] == sum(d["refreshes"] for d in dram) * 670.6e3
