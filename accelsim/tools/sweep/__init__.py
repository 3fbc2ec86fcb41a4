"""Sweeps: many (config × workload) points, run locally or on Dask, kept in a SQLite store.

See docs/sweeps.md. Modules: :mod:`.spec` (the sweep file), :mod:`.paths` (override paths),
:mod:`.points` (expansion and checks), :mod:`.worker` (one point), :mod:`.executors` (pool,
Dask), :mod:`.store` (SQLite), :mod:`.runner` (the whole run), :mod:`.export` (CSV, Parquet).
"""
from accelsim.tools.sweep.runner import SweepReport, run_sweep
from accelsim.tools.sweep.spec import SweepSpec, load_spec
from accelsim.tools.sweep.store import SweepStore, is_store

__all__ = ["SweepReport", "SweepSpec", "SweepStore", "is_store", "load_spec", "run_sweep"]
