"""Work limits: how much a single command may do before it must be asked for explicitly.

A run that would take hours is almost always a typo (a batch of 10^9, a GEMM of 10^6 a side);
accelsim estimates the work before doing it and refuses above these limits, naming the option
that raises them (docs/inputs.md, "Work limits").
"""

#: engine steps of one simulated run (``--max-steps``): ~0.1 ms of CPU each, so about 15-30
#: CPU-minutes
DEFAULT_MAX_STEPS = 10_000_000

#: sample iterations of the functional accuracy model (``--max-iterations``): epochs x training
#: samples x the two networks trained (with and without errors); measured ~0.3 ms each for the
#: digits MLP and ~1.5 ms for the CNN, so about 25 CPU-minutes of the MLP
DEFAULT_MAX_SAMPLE_PASSES = 5_000_000
