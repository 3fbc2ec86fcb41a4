"""The memory API for microbenchmarks and tests: :func:`accelsim.memory.dram.replay`.

A facade, like :mod:`accelsim.api`: the models live in :mod:`accelsim.hardware.memory`, their
pricing in :mod:`accelsim.energy`."""
