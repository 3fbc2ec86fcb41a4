"""Workloads: layer lists, their GEMM lowering and the training dataflow graph."""
from accelsim.workload.layers import Layer, Workload  # noqa: F401
