"""Leaves of the package: errors, registries, number formats, the time base and file reading.

Nothing here imports any other part of accelsim."""
