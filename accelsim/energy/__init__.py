"""Energy and area: count first, price second (docs/design.md §7, docs/energy.md).

The simulation produces action counts; :func:`accelsim.energy.pricing.price` turns them into
per-component energy with a table whose every entry cites its source
(:mod:`accelsim.energy.table`), and into area (:mod:`accelsim.energy.area`).
"""
