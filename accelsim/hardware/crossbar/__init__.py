"""Analog ReRAM crossbar tiles: configuration (``config``, ``presets``, ``devices``), mapping of
weight matrices onto tiles (``mapping``), the closed-form timing and action counts of the three
training kernels (``kernels``, docs/design.md §6), area, error profile and the engine unit.

Import the modules themselves: loading a config needs only ``config``, not numpy."""
