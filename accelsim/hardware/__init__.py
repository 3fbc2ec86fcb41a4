"""Hardware models: the machine's configuration and every component kind it is built from.

:mod:`.config` (the validated hardware config) and :mod:`.loader` (YAML and SCALE-Sim ``.cfg``);
:mod:`.compute` (the compute-unit contract, systolic arrays, the vector unit); :mod:`.memory`
(technologies, MRAM write physics, scratchpad banks, DRAM); :mod:`.crossbar` (analog ReRAM
tiles and their device presets). Imports only :mod:`accelsim.core` and :mod:`accelsim.workload`.
"""
