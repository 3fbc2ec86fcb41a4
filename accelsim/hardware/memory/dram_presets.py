"""DRAM presets: organisation, timing and controller parameters per standard, each with its source.

Timing is in clock cycles (``*_ck``) of the DRAM clock ``tck_ns``, named as in DRAMSim3's ``.ini``
files (umd-memsys/DRAMSim3 ``configs/``), from which the numbers are taken. Energies live in the
energy tables (count first, price second); docs/dram.md gives the model that uses these fields.

``mapping`` is a DRAMSim3 address-mapping string: six two-letter fields from the most to the
least significant address bits, ``ch`` channel, ``ra`` rank, ``bg`` bank group, ``ba`` bank,
``ro`` row, ``co`` column (e.g. ``rochrababgco``: column bits lowest, then bank group).
``rw_queue`` is how the controller queues reads and writes: ``unified`` (one FR-FCFS queue, so
concurrent read and write streams interleave and pay the read/write turnaround) or ``split``
(separate queues; a concurrent read stream waits until the write stream has drained).
``bandwidth_gb_per_s_per_channel`` and ``latency_ns``, when set, replace the values derived from
the timing (a flat DRAM: no bank-group, refresh or turnaround time).
"""
from __future__ import annotations

from dataclasses import dataclass

from accelsim.core.registry import Registry

MAPPING_FIELDS = ("ch", "ra", "bg", "ba", "ro", "co")
RW_QUEUES = ("unified", "split")


@dataclass(frozen=True)
class DramPreset:
    name: str
    source: str
    # organisation
    channels: int
    ranks: int                 # ranks per channel
    bankgroups: int
    banks_per_group: int
    row_bytes: int             # bytes one activation opens in a rank (page × devices per rank)
    burst_bytes: int           # bytes of one read or write burst (bus width × BL)
    mapping: str
    # timing, in DRAM clock cycles of tck_ns
    tck_ns: float
    burst_ck: int              # data-bus cycles of one burst (BL/2)
    cl_ck: int
    cwl_ck: int
    trcd_ck: int
    tccd_s_ck: int
    tccd_l_ck: int
    twtr_s_ck: int
    twtr_l_ck: int
    trtrs_ck: int
    trfc_ck: int
    trefi_ck: int
    # controller
    queue_requests: int        # transaction queue depth (DRAMSim3 trans_queue_size)
    bank_queue_requests: int   # command queue depth per bank or rank (cmd_queue_size)
    rw_queue: str = "unified"
    bandwidth_gb_per_s_per_channel: float | None = None
    latency_ns: float | None = None

    @property
    def banks_per_rank(self) -> int:
        return self.bankgroups * self.banks_per_group


#: every DRAM preset by name; ``ideal`` (unbounded bandwidth, zero latency, no energy) has no
#: timing to hold, so its entry is None
DRAM_PRESETS: Registry[DramPreset | None] = Registry("DRAM preset")
IDEAL = "ideal"
DRAM_PRESETS.add(IDEAL, None)

for _p in (
    DramPreset(
        "ddr4_3200",
        "DRAMSim3 configs/DDR4_8Gb_x8_3200.ini: 8 x8 devices per 64-bit rank, BL8, tCK 0.63 ns, "
        "CL 22, CWL 16, tRCD 22, tCCD_S/L 4/8, tWTR_S/L 4/12, tRTRS 1, tRFC 560, tREFI 12480, "
        "address_mapping rochrababgco, trans_queue_size 16, cmd_queue_size 8 (PER_BANK)",
        channels=1, ranks=1, bankgroups=4, banks_per_group=4, row_bytes=8192, burst_bytes=64,
        mapping="rochrababgco", tck_ns=0.63, burst_ck=4, cl_ck=22, cwl_ck=16, trcd_ck=22,
        tccd_s_ck=4, tccd_l_ck=8, twtr_s_ck=4, twtr_l_ck=12, trtrs_ck=1, trfc_ck=560,
        trefi_ck=12480, queue_requests=16, bank_queue_requests=8),
    DramPreset(
        "lpddr4_2400",
        "DRAMSim3 LPDDR4_8Gb_x16_2400.ini: 4 x16 devices on a 64-bit channel, BL16, tCK 0.83 ns, "
        "CL 17, CWL 14, tRCD 15, tCCD_S/L 4/6, tWTR_S/L 8/16, tRFC 392, tREFI 8660, 2 bank "
        "groups x 4 banks; tRTRS, address mapping and queue depths are DRAMSim3's defaults "
        "(configuration.cc: tRTRS 2, trans_queue_size 32, cmd_queue_size 16) with the DDR4 "
        "mapping",
        channels=1, ranks=1, bankgroups=2, banks_per_group=4, row_bytes=8192, burst_bytes=128,
        mapping="rochrababgco", tck_ns=0.83, burst_ck=8, cl_ck=17, cwl_ck=14, trcd_ck=15,
        tccd_s_ck=4, tccd_l_ck=6, twtr_s_ck=8, twtr_l_ck=16, trtrs_ck=2, trfc_ck=392,
        trefi_ck=8660, queue_requests=32, bank_queue_requests=16),
    DramPreset(
        "hbm2",
        "DRAMSim3 configs/HBM2_8Gb_x128.ini: 8 channels of 128 bits, BL4, tCK 1 ns, CL 14, CWL 4, "
        "tRCD 14, tCCD_S/L 1/2, tWTR_S/L 6/8, tRFC 260, tREFI 3900, 2 KB rows, address_mapping "
        "rorabgbachco, trans_queue_size 16, cmd_queue_size 32 (PER_RANK); tRTRS is not in the "
        "file: DRAMSim3's default 2",
        channels=8, ranks=1, bankgroups=4, banks_per_group=4, row_bytes=2048, burst_bytes=64,
        mapping="rorabgbachco", tck_ns=1.0, burst_ck=2, cl_ck=14, cwl_ck=4, trcd_ck=14,
        tccd_s_ck=1, tccd_l_ck=2, twtr_s_ck=6, twtr_l_ck=8, trtrs_ck=2, trfc_ck=260,
        trefi_ck=3900, queue_requests=16, bank_queue_requests=32),
):
    DRAM_PRESETS.add(_p.name, _p)
