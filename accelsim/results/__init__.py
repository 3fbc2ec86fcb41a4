"""Run directories: ``summary.json``, ``layers.csv`` and ``counts.json`` (docs/outputs.md)."""
