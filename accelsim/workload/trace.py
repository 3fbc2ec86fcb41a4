"""Validation of a graph JSON trace (``accelsim graph -o``) before playback.

A hand-edited or foreign trace is checked as strictly as a YAML workload (docs/inputs.md):

* the document: node-link JSON with ``graph.schema`` = ``accelsim.graph/1``, a workload name,
  a batch and formats;
* every node: an ``id``, a ``kind`` (``op``, ``source`` or ``loss``); an op node's ``layer``,
  ``phase``, program ``order`` (unique), ``work`` (GEMM dimensions or vector elements, in their
  plausible ranges), ``writes`` (tensors) and ``spec`` (the layer, validated like a workload
  layer);
* every tensor (edge or write): ``tensor`` id, ``kind``, operand ``role``, number ``format``,
  a ``shape`` of positive dimensions and ``bytes`` equal to the shape's elements times the
  format's bytes per element, and the same size and kind wherever the id appears;
* every edge joins two existing nodes, a GEMM has edges for both its operands, every
  operation writes a tensor, and the graph is acyclic.

The first problem becomes a ConfigError naming the graph file and the node (or edge).
"""
from __future__ import annotations

import math
from typing import Annotated, Any, Literal, Union

import networkx as nx
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from accelsim.core.errors import ConfigError
from accelsim.core.formats import BYTES_PER_ELEMENT, TENSOR_KINDS, NumberFormat
from accelsim.core.ranges import Int
from accelsim.core.yamlfile import translate
from accelsim.workload.layers import Batch, Formats, Layer
from accelsim.core.phases import PHASES

GRAPH_SCHEMA = "accelsim.graph/1"

#: elements of one tensor or one element-wise operation (2^48: 256 T elements)
Elements = Int(1, 1 << 48, "a tensor of 2^48 elements is 512 TB in bf16, beyond any machine")


class _Exact(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Tensor(_Exact):
    tensor: str = Field(min_length=1)
    kind: Literal[TENSOR_KINDS]  # type: ignore[valid-type]
    role: Literal["ifmap", "filter", "ofmap"]
    format: NumberFormat
    shape: list[Elements] = Field(min_length=1, max_length=4)
    bytes: Int(1, 1 << 50, "a tensor of up to 1 PiB", "B")


class GemmWork(_Exact):
    type: Literal["gemm"]
    m: Elements
    k: Elements
    n: Elements
    count: Elements = 1


class VectorWork(_Exact):
    type: Literal["vector"]
    elements: Elements
    ops_per_element: Int(1, 1 << 16, "a pooling window or an optimizer's few ops per element")


class OpNode(_Exact):
    id: str = Field(min_length=1)
    kind: Literal["op"]
    layer: str = Field(min_length=1)
    layer_index: Int(0, 1 << 24, "a layer's position in its workload") | None = Field(
        default=None, description="written by accelsim before 0.2; optional")
    phase: Literal[PHASES]  # type: ignore[valid-type]
    order: Int(0, 1 << 30, "program order of the operation")
    unit: Literal["array", "vector"] | None = Field(
        default=None, description="written by accelsim before 0.2; checked against the work")
    work: Annotated[Union[GemmWork, VectorWork], Field(discriminator="type")]
    writes: list[Tensor] = Field(min_length=1, description="an operation stores its result")
    spec: Layer


class OtherNode(_Exact):
    id: str = Field(min_length=1)
    kind: Literal["source", "loss"]
    order: Int(-1, 1 << 30, "-1 for sources, the program order for the loss") = -1


class Edge(Tensor):
    source: str = Field(min_length=1)
    target: str = Field(min_length=1)


class GraphMeta(_Exact):
    schema_: Literal[GRAPH_SCHEMA] = Field(alias="schema")
    workload: str
    batch: Batch
    phases: list[Literal[PHASES]] = Field(min_length=1)  # type: ignore[valid-type]
    tool_version: str
    formats: Formats


class GraphDoc(_Exact):
    directed: Literal[True]
    multigraph: Literal[False]
    graph: GraphMeta
    nodes: list[dict]
    edges: list[dict]


_NODE = TypeAdapter(Annotated[Union[OpNode, OtherNode], Field(discriminator="kind")])


def _fail(source: str, where: str, message: str, fix: str | None = None) -> ConfigError:
    return ConfigError(message, source=source, field=where, fix=fix)


def _translated(exc: ValidationError, model, source: str, where: str, data: Any) -> ConfigError:
    err = translate(exc, model, source, data)
    err.field = f"{where}: {err.field}" if err.field else where
    return err


def check_document(data: Any, source: str) -> GraphDoc:
    """Validate the node-link document field by field; returns the parsed document."""
    if not isinstance(data, dict) or not isinstance(data.get("graph"), dict):
        raise _fail(source, "graph", "not an accelsim training graph (no 'graph' attributes)",
                    f"write one with 'accelsim graph WORKLOAD -o FILE' ({GRAPH_SCHEMA})")
    schema = data["graph"].get("schema")
    if schema != GRAPH_SCHEMA:
        raise _fail(source, "graph.schema", f"not an accelsim training graph (schema "
                    f"{schema!r})", f"write one with 'accelsim graph WORKLOAD -o FILE' "
                    f"({GRAPH_SCHEMA})")
    nodes = data.get("nodes")
    if not isinstance(nodes, list):
        raise _fail(source, "nodes", "missing or not a list", "a graph lists its 'nodes'")
    for i, node in enumerate(nodes):
        name = node.get("id") if isinstance(node, dict) else None
        where = f"node {name!r}" if isinstance(name, str) else f"nodes[{i}]"
        try:
            _NODE.validate_python(node)
        except ValidationError as exc:
            kind = node.get("kind") if isinstance(node, dict) else None
            model = OpNode if kind == "op" else OtherNode
            raise _translated(exc, model, source, where, node) from None
    edges = data.get("edges")
    if not isinstance(edges, list):
        raise _fail(source, "edges", "missing or not a list", "a graph lists its 'edges'")
    for i, edge in enumerate(edges):
        where = (f"edge {edge.get('source')!r} -> {edge.get('target')!r}"
                 if isinstance(edge, dict) else f"edges[{i}]")
        try:
            Edge.model_validate(edge)
        except ValidationError as exc:
            raise _translated(exc, Edge, source, where, edge) from None
    try:
        return GraphDoc.model_validate(data)
    except ValidationError as exc:
        raise translate(exc, GraphDoc, source, data) from None


def check_consistent(doc: GraphDoc, source: str) -> None:
    """Cross-field checks: unique ids and orders, edges between existing nodes, unit and work
    agree, tensor bytes match shape and format and agree wherever a tensor id appears."""
    ids: dict[str, dict] = {}
    orders: dict[int, str] = {}
    for node in doc.nodes:
        nid = node["id"]
        if nid in ids:
            raise _fail(source, f"node {nid!r}", "the node id appears twice",
                        "give every node a unique id")
        ids[nid] = node
        if node["kind"] != "op":
            continue
        if node["order"] in orders:
            raise _fail(source, f"node {nid!r}", f"order {node['order']} is also the order of "
                        f"{orders[node['order']]!r}", "give every operation its own order")
        orders[node["order"]] = nid
        want = "array" if node["work"]["type"] == "gemm" else "vector"
        if node.get("unit") not in (None, want):
            raise _fail(source, f"node {nid!r}: unit", f"unit {node['unit']!r} cannot run "
                        f"{node['work']['type']} work", f"use unit {want!r}")
    seen: dict[str, tuple] = {}
    for node in doc.nodes:
        for j, w in enumerate(node.get("writes") or []):
            _check_tensor(Tensor.model_validate(w), seen, source,
                          f"node {node['id']!r}: writes[{j}]")
    roles: dict[str, set[str]] = {}
    for e in map(Edge.model_validate, doc.edges):
        where = f"edge {e.source!r} -> {e.target!r}"
        for end in (e.source, e.target):
            if end not in ids:
                raise _fail(source, where, f"node {end!r} does not exist",
                            "an edge joins two nodes listed under 'nodes'")
        _check_tensor(e, seen, source, where)
        roles.setdefault(e.target, set()).add(e.role)
    for nid, node in ids.items():
        if node["kind"] == "op" and node["work"]["type"] == "gemm":
            missing = sorted({"ifmap", "filter"} - roles.get(nid, set()))
            if missing:
                raise _fail(source, f"node {nid!r}", f"a GEMM reads operands A (ifmap) and B "
                            f"(filter), but no edge brings its {' and '.join(missing)}",
                            "add the edge of each operand, with its role")


def _check_tensor(t: Tensor, seen: dict[str, tuple], source: str, where: str) -> None:
    elements = math.prod(t.shape)
    want = elements * BYTES_PER_ELEMENT[t.format]
    if t.bytes != want:
        raise _fail(source, f"{where}: bytes", f"tensor {t.tensor!r} has {t.bytes} bytes but its "
                    f"shape {t.shape} in {t.format} needs {want}",
                    "make bytes = product of shape x bytes per element of the format")
    identity = (t.kind, t.format, t.bytes)
    first = seen.setdefault(t.tensor, identity)
    if first != identity:
        raise _fail(source, where, f"tensor {t.tensor!r} is {identity} here but {first} "
                    "elsewhere (kind, format, bytes)", "a tensor id names one tensor")


def check_acyclic(g: nx.DiGraph, source: str) -> None:
    try:
        cycle = nx.find_cycle(g)
    except nx.NetworkXNoCycle:
        return
    path = " -> ".join(str(u) for u, _ in cycle[:4])
    raise _fail(source, f"node {cycle[0][0]!r}", f"the graph has a cycle ({path} -> ...)",
                "a training step is a DAG: remove the edge that closes the cycle")
