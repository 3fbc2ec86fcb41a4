"""``accelsim.memory.dram.replay(preset, transfers, clock_ghz=1.0) -> DramReplay``: replay a
list of DRAM transfers on the engine's DRAM model (:mod:`accelsim.hardware.memory.dram`) without a
training step, and price them with the default energy table (:mod:`accelsim.energy.dram_replay`).

``preset`` is a preset name or a dict of preset fields with overrides
(``{"preset": "hbm2", "channels": 4}``); each transfer is ``{"op": "read" | "write", "bytes": int,
"stream": int, "chained": bool, "chunk_bytes": int | None, "stride_bytes": int | None}``. A
stream's chained transfers issue one after the other, as the engine's loader and writer do;
unchained ones issue at time 0. The result has ``time_ns``, ``bytes_read``, ``bytes_written``,
``activations``, ``energy_pj`` (by component) and ``energy_pj_total``.
"""
from accelsim.energy.dram_replay import DramReplay, replay

__all__ = ["DramReplay", "replay"]
