"""Workloads: layer lists, their GEMM lowering and the training dataflow graph."""
from .layers import Workload, Layer  # noqa: F401
