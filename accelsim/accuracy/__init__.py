"""Functional accuracy model: trains real networks (numpy) on scikit-learn's 8×8 digits with
STT-MRAM write errors injected into stored tensors and analog-crossbar non-idealities injected
into the forward, backward and update kernels of crossbar-mapped layers (docs/design.md §6, §8).

Entry points: :class:`accelsim.accuracy.api.Experiment` and
:func:`accelsim.accuracy.api.evaluate_error_profile`; the CLI is ``accelsim accuracy`` and
``accelsim accuracy-sweep``.
"""
