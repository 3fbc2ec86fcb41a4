"""Tools built on single runs: sweeps, comparisons and the CI regression gate, plots, studies
and config derivation. They use :mod:`accelsim.api` and the layers below it."""
