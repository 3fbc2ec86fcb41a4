"""Import an ONNX graph as a workload (``accelsim import MODEL.onnx -o wl.yaml [--batch N]``).

The graph is read without its weight data (only shapes matter), every tensor shape comes from
ONNX shape inference (strict, with data propagation so that ``Shape → Gather → Concat → Reshape``
chains resolve), and the nodes are walked in their (topological) file order. Each node is one of:

- a **constant computation**: every input is an initializer, a ``Constant`` or derived from
  ``Shape`` only. It computes no activation and is absorbed.
- a **layer**: the operator table in :mod:`.onnx_ops` turns it into an accelsim layer (conv,
  linear, pooling, attention GEMM, residual add, softmax, layernorm, ...).
- **shape-only** (Reshape, Flatten, Transpose, Squeeze, Slice, Split, ...): it moves or views
  elements without computing; it is absorbed, and its consumers read the layer that produced its
  input. Nothing with a cost is absorbed this way.
- an **epilogue** (BatchNormalization, Relu, Clip, Sigmoid, a bias Add or scale Mul by a
  constant): fused into the layer that produced its input, as accelerators apply them when the
  output is written back, and as the shipped CNN workloads list them (not as layers). The import
  summary and the file header say how many of each were fused.
- **unsupported**: collected; after the walk *all* of them are reported in one message (operator,
  count, node names) and nothing is written.

The first dimension of the graph's data inputs is the batch: a symbolic batch is inferred at 1,
and ``--batch`` sets the workload's batch (layer shapes are per sample, so they do not change).
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from pathlib import Path

from accelsim.core.errors import ConfigError
from accelsim.workload.importers import onnx_attention as attention
from accelsim.workload.importers.emit import Imported, LayerList, file_sha256
from accelsim.workload.importers.onnx_nodes import (
    EPILOGUE,
    SHAPE_ONLY,
    TYPE_ONLY,
    Unsupported,
)
from accelsim.workload.importers.onnx_ops import OPS
from accelsim.workload.layers import INPUT


def require_onnx():
    try:
        import onnx
    except ModuleNotFoundError:
        raise ConfigError("reading ONNX needs the 'onnx' package",
                          fix="pip install 'accelsim[onnx]'") from None
    return onnx


def load_model(path: str | Path):
    """The ONNX model in ``path`` without its external weight data (shapes suffice)."""
    onnx = require_onnx()
    p = Path(path)
    if not p.is_file():
        raise ConfigError("file not found" if not p.exists() else "is a directory, expected a "
                          "file", source=str(path), fix="name an .onnx model file")
    from google.protobuf.message import DecodeError
    try:
        model = onnx.load(str(p), load_external_data=False)
    except (DecodeError, ValueError, RuntimeError) as exc:  # not a model file
        raise ConfigError(f"not a valid ONNX model ({type(exc).__name__}: "
                          f"{str(exc).splitlines()[0] if str(exc) else 'unreadable'})",
                          source=str(path), fix="export the model again; the file may be "
                          "truncated or not ONNX") from None
    if not model.graph.node:
        raise ConfigError("not a valid ONNX model (its graph has no nodes)", source=str(path),
                          fix="export the model again; the file may be truncated or not ONNX")
    return model


def import_workload(path: str | Path, batch: int | None = None) -> Imported:
    """``accelsim import MODEL.onnx``: the workload of the ONNX file at ``path``."""
    return import_model(load_model(path), str(path), file_sha256(path), batch)


class Graph:
    """An ONNX graph with inferred shapes, its constants and its data inputs."""

    def __init__(self, model, source: str):
        onnx = require_onnx()
        self.source = source
        self.initializers = {t.name: t for t in model.graph.initializer}
        self.data_inputs = [i for i in model.graph.input if i.name not in self.initializers]
        if not self.data_inputs:
            raise ConfigError("the ONNX graph has no data input (every input is an initializer)",
                              source=source, fix="export the model with its input as a graph "
                              "input")
        self.infer_batch = self._fix_batch(model)
        try:
            inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True, data_prop=True)
        except (onnx.shape_inference.InferenceError, onnx.checker.ValidationError,
                RuntimeError) as exc:  # an inconsistent graph
            raise ConfigError(f"ONNX shape inference failed: {str(exc).splitlines()[0]}",
                              source=source, fix="check the model with onnx.checker; "
                              "export it again with fixed input shapes") from None
        self.nodes = list(inferred.graph.node)
        self.shapes: dict[str, tuple] = {n: tuple(t.dims) for n, t in self.initializers.items()}
        for info in (*inferred.graph.value_info, *inferred.graph.input, *inferred.graph.output):
            dims = info.type.tensor_type.shape.dim
            if info.type.tensor_type.HasField("shape") and all(d.HasField("dim_value")
                                                               for d in dims):
                self.shapes[info.name] = tuple(d.dim_value for d in dims)
        self.const: set[str] = set(self.initializers) | {""}
        self.opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")),
                          1)

    def _fix_batch(self, model) -> int:
        """Set a symbolic batch dimension of the data inputs to 1; the batch used for inference."""
        batches = set()
        for inp in self.data_inputs:
            dims = inp.type.tensor_type.shape.dim
            if not dims:
                continue
            if dims[0].HasField("dim_value") and dims[0].dim_value > 0:
                batches.add(dims[0].dim_value)
            else:
                dims[0].Clear()
                dims[0].dim_value = 1
                batches.add(1)
        if len(batches) > 1:
            raise ConfigError(f"the ONNX data inputs disagree on the batch size {sorted(batches)}",
                              source=self.source, fix="export with one batch size")
        return batches.pop() if batches else 1

    def shape(self, tensor: str, node_name: str) -> tuple:
        if tensor not in self.shapes:
            raise ConfigError(f"ONNX shape inference gave no fixed shape for tensor {tensor!r} "
                              f"(read by node {node_name!r})", source=self.source,
                              fix="export the model with fixed input shapes (no symbolic "
                              "dimensions besides the batch)")
        return self.shapes[tensor]

    def per_sample(self, tensor: str, node_name: str) -> tuple:
        """The shape without its leading batch dimension."""
        full = self.shape(tensor, node_name)
        if not full or full[0] != self.infer_batch:
            raise Unsupported(f"tensor {tensor!r} of shape {list(full)} has no leading batch "
                              "dimension")
        return full[1:]

    def rows(self, tensor: str, node_name: str) -> int:
        """Rows per sample of a tensor read as a matrix over its last axis."""
        full = self.shape(tensor, node_name)
        total = math.prod(full[:-1])
        if total % self.infer_batch:
            raise Unsupported(f"tensor {tensor!r} of shape {list(full)} does not split into "
                              f"{self.infer_batch} samples")
        return total // self.infer_batch


class Walk:
    """The state of one import: where each tensor's value comes from, and the layers so far."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self.layers = LayerList()
        self.source_of = {i.name: INPUT for i in graph.data_inputs}
        self.scores: dict[str, attention.Scores] = {}  # tensor -> held attention scores
        self.score_list: list[attention.Scores] = []
        self.sigmoid_of: dict[str, str] = {}    # tensor -> the tensor it is the sigmoid of
        self.silu_gate: dict[str, str] = {}     # silu layer -> the layer it reads (its gate)
        self.fused: Counter = Counter()
        self.absorbed: Counter = Counter()

    def src(self, tensor: str) -> str:
        """The layer (or the workload input) whose output a tensor is."""
        try:
            return self.source_of[tensor]
        except KeyError:
            raise Unsupported(f"reads {tensor!r}, which no accelsim layer produces (a "
                              "secondary output, or attention scores outside attention)") from None

    def emit(self, node, kind: str, fields: dict, input: str, input_b: str | None = None) -> str:
        name = self.layers.add(kind, node_label(node), fields, input, input_b)
        for out in node.output:
            self.source_of[out] = name
        return name

    def alias(self, node, tensor: str) -> None:
        """The node's outputs carry the value of ``tensor`` (absorbed or fused)."""
        for out in node.output:
            self.source_of[out] = self.src(tensor)


def node_label(node) -> str:
    return node.name or f"{node.op_type.lower()}_{node.output[0]}"


def import_model(model, source: str, sha256: str, batch: int | None = None) -> Imported:
    """The workload of an in-memory ONNX ``ModelProto``."""
    graph = Graph(model, source)
    walk = Walk(graph)
    unsupported: dict[str, list[str]] = defaultdict(list)
    for node in graph.nodes:
        type_only = TYPE_ONLY.get(node.op_type, ())
        acts = [t for i, t in enumerate(node.input) if t not in graph.const and i not in type_only]
        if not acts or node.op_type == "Shape":  # computes a constant (weights, shapes)
            graph.const.update(node.output)
            continue
        try:
            if len(acts) == 1 and attention.carry(walk, node, acts[0]):
                continue
            if node.op_type in SHAPE_ONLY:
                walk.alias(node, acts[0])
                walk.absorbed[node.op_type] += 1
            elif node.op_type in EPILOGUE and len(acts) == 1:
                walk.alias(node, acts[0])
                walk.fused[node.op_type] += 1
                if node.op_type == "Sigmoid":
                    walk.sigmoid_of[node.output[0]] = acts[0]
            elif node.op_type in OPS:
                OPS[node.op_type](walk, node, acts)
            else:
                raise Unsupported(None)
        except Unsupported as exc:
            label = node.op_type + (f" ({exc.reason})" if exc.reason else "")
            unsupported[label].append(node_label(node))
            for out in node.output:  # keep walking so that every problem is reported at once
                walk.source_of[out] = walk.source_of.get(acts[0], INPUT)
    for name in attention.unfinished(walk):
        unsupported["MatMul (Q·Kᵀ of one projection without a softmax and context GEMM)"].append(
            name)
    if unsupported:
        listed = "; ".join(f"{op} ×{len(names)}: {', '.join(names)}"
                           for op, names in sorted(unsupported.items()))
        raise ConfigError(f"unsupported ONNX operators: {listed}", source=source,
                          fix="replace them in the model, or write the workload YAML by hand; "
                          "docs/import.md lists the supported operators")
    if not walk.layers.layers:
        raise ConfigError("the ONNX graph has no operator that does work", source=source)
    notes = []
    for what, counts in (("Fused into the producing layer (not listed, no separate cost)",
                          +walk.fused), ("Absorbed shape-only operators", +walk.absorbed)):
        if counts:
            notes.append(f"{what}: " + ", ".join(f"{op} ×{n}" for op, n in sorted(counts.items())))
    workload = {"batch": batch or graph.infer_batch,
                "layers": walk.layers.layers}
    return Imported(workload, source, sha256, notes)
