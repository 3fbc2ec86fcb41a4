"""Workloads: layer lists, their GEMM lowering and the training dataflow graph."""
from accelsim.workload.layers import Workload, Layer  # noqa: F401
