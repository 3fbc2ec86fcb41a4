"""The training dataflow graph (docs/design.md §3): a networkx DiGraph of operations and tensors.

Nodes are operations ``<layer>/<phase>`` (plus the sources ``input``, ``param:<layer>`` (weights) and
``state:<layer>`` (optimizer state), and the ``loss``). Each op node carries ``layer``, ``phase``, ``order`` (program order), ``unit``
(``array`` for GEMMs, ``vector`` for element-wise work), ``work`` (the lowered GEMM or vector work)
and ``writes`` (the tensors it stores). Edges are tensors from producer to consumer with ``tensor``
(id), ``kind``, ``role`` (the consumer's operand: ``ifmap``, ``filter`` or ``ofmap``), ``format``,
``shape`` and ``bytes``. A forward activation is read by the next layer's forward and again by
this layer's backward_weight, so it stays live across the whole step: that liveness is what makes
training memory-hungry.

The graph is itself a trace format: ``write_graph`` saves it as JSON node-link data and
``read_graph`` loads it back for playback (``accelsim run HW graph.json``).
"""
from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

from accelsim import __version__
from accelsim.core.errors import ConfigError
from accelsim.core.formats import BYTES_PER_ELEMENT
from accelsim.core.outputs import writing
from accelsim.core.phases import PHASE_SETS
from accelsim.workload.layers import Add, Gemm, Pool, Workload
from accelsim.workload import trace
from accelsim.workload.lowering import lower, optimizer_state_elements, phases_of
from accelsim.workload.trace import GRAPH_SCHEMA



class _Builder:
    def __init__(self, workload: Workload, phases: tuple[str, ...]):
        self.w = workload
        self.phases = phases
        self.g = nx.DiGraph(schema=GRAPH_SCHEMA, workload=workload.name, batch=workload.batch,
                            phases=list(phases), tool_version=__version__,
                            formats=workload.formats.model_dump())
        self.order = 0
        self.layers = {layer.name: layer for layer in workload.layers}
        self.producer: dict[str, str] = {}  # layer -> layer whose output it reads (A operand)
        self.producer_b: dict[str, str] = {}  # layer -> producer of its second operand

    def tensor(self, tid: str, kind: str, elements: int, shape: list[int]) -> dict:
        fmt = getattr(self.w.formats, kind)
        return {"tensor": tid, "kind": kind, "format": fmt, "shape": shape,
                "bytes": elements * BYTES_PER_ELEMENT[fmt]}

    def act(self, name: str) -> dict:
        n = self.w.batch
        if _is_input(name):  # "input", or "input@<layer>" for independent layers
            first = self.layers[name[6:]] if name != "input" else self.w.layers[0]
            return self.tensor(f"act:{name}", "activation", n * first.input_elements(),
                               [n, first.input_elements()])
        out = self.layers[name].output_elements()
        return self.tensor(f"act:{name}", "activation", n * out, [n, out])

    def err(self, name: str) -> dict:
        t = self.act(name)
        return self.tensor(t["tensor"].replace("act:", "err:"), "error",
                           t["shape"][0] * t["shape"][1], t["shape"])

    def add_op(self, layer, phase: str) -> str:
        node = f"{layer.name}/{phase}"
        work = lower(layer, phase, self.w)
        self.g.add_node(node, kind="op", layer=layer.name, phase=phase,
                        order=self.order, work=work.to_dict(), writes=[],
                        spec=layer.model_dump(mode="json"))
        self.order += 1
        return node

    def read(self, src: str, dst: str, tensor: dict, role: str) -> None:
        self.g.add_edge(src, dst, role=role, **tensor)

    def write(self, node: str, tensor: dict, role: str = "ofmap") -> None:
        self.g.nodes[node]["writes"].append({**tensor, "role": role})

    def src_node(self, name: str) -> str:
        return name if _is_input(name) else f"{name}/forward"

    def build(self) -> nx.DiGraph:
        w, g = self.w, self.g
        g.add_node("input", kind="source", order=-1)
        prev = "input"
        for layer in w.layers:
            if w.independent_layers:
                src = f"input@{layer.name}"
                g.add_node(src, kind="source", order=-1)
            else:
                src = layer.input or prev
            self.producer[layer.name] = src
            if layer.operand_b_elements() is not None:
                self.producer_b[layer.name] = getattr(layer, "input_b", None) or src
            if not w.independent_layers:
                self._check_chain(layer)
            prev = layer.name
        training = "backward_data" in self.phases
        # forward pass
        for layer in w.layers:
            node = self.add_op(layer, "forward")
            src = self.producer[layer.name]
            self.read(self.src_node(src), node, self.act(src), "ifmap")
            if layer.has_weights:
                self.read(self._param(layer), node, self._weight(layer), "filter")
            elif layer.name in self.producer_b:
                b = self.producer_b[layer.name]
                self.read(self.src_node(b), node, self.act(b), "filter")
            self.write(node, self.act(layer.name))
        if not training:
            return g
        g.add_node("loss", kind="loss", order=self.order)
        self.order += 1
        for name in self.layers:
            if not self._consumers(name):
                self.read(f"{name}/forward", "loss", self.act(name), "ifmap")
        # backward pass, last layer first
        for i in range(len(w.layers) - 1, -1, -1):
            layer = w.layers[i]
            src = self.producer[layer.name]
            b = self.producer_b.get(layer.name)
            # a layer that reads the workload's input needs no input gradient
            phases = phases_of(layer, first=_is_input(src))
            grad_src = self._grad_sources(layer.name)
            for phase in phases[1:]:
                node = self.add_op(layer, phase)
                if phase == "update":
                    self._update(layer, node)
                    continue
                for g_node in grad_src:
                    self.read(g_node, node, self.err(layer.name),
                              "ifmap" if phase == "backward_data" else "filter")
                if phase == "backward_data":
                    if layer.has_weights:
                        self.read(self._param(layer), node, self._weight(layer), "filter")
                    elif isinstance(layer, Gemm):  # dA = dC·Bᵀ
                        self.read(self.src_node(b), node, self.act(b), "filter")
                    elif isinstance(layer, Pool):  # the saved input locates the max / window
                        self.read(self.src_node(src), node, self.act(src), "filter")
                    self.write(node, self.err(src))
                    if isinstance(layer, Add):  # the error flows to both summands
                        self.write(node, self.err(b))
                else:  # backward_weight: the weight gradient, or dB = Aᵀ·dC
                    self.read(self.src_node(src), node, self.act(src), "ifmap")
                    self.write(node, self._wgrad(layer) if layer.has_weights else self.err(b))
        return g

    def _update(self, layer, node: str) -> None:
        self.read(f"{layer.name}/backward_weight", node, self._wgrad(layer), "ifmap")
        self.read(self._param(layer), node, self._weight(layer), "filter")
        self.write(node, self._weight(layer), "filter")
        opt = optimizer_state_elements(layer, self.w)
        if opt:
            st = self.tensor(f"opt:{layer.name}", "optimizer_state", opt, [opt])
            self.g.add_node(f"state:{layer.name}", kind="source", order=-1)
            self.read(f"state:{layer.name}", node, st, "ofmap")
            self.write(node, st)

    def _consumers(self, name: str) -> list[tuple[str, str]]:
        """(consumer layer, operand) pairs of the layers that read ``name``'s output."""
        return [(c, "a") for c, p in self.producer.items() if p == name] + \
            [(c, "b") for c, p in self.producer_b.items() if p == name]

    def _grad_sources(self, name: str) -> list[str]:
        """The operations that produce the error of ``name``'s output: the backward_data of a
        consumer that reads it as operand A (or as either summand of an add), the
        backward_weight of a weight-free GEMM that reads it as operand B, or the loss."""
        out = []
        for c, via in self._consumers(name):
            phase = "backward_weight" if via == "b" and isinstance(self.layers[c], Gemm) \
                else "backward_data"
            if f"{c}/{phase}" in self.g:
                out.append(f"{c}/{phase}")
        return out or ["loss"]

    def _param(self, layer) -> str:
        node = f"param:{layer.name}"
        if node not in self.g:
            self.g.add_node(node, kind="source", order=-1)
        return node

    def _weight(self, layer) -> dict:
        e = layer.weight_elements()
        return self.tensor(f"w:{layer.name}", "weight", e, [e])

    def _wgrad(self, layer) -> dict:
        e = layer.weight_elements()
        return self.tensor(f"wg:{layer.name}", "weight_gradient", e, [e])

    def _check_chain(self, layer) -> None:
        refs = [(self.producer[layer.name], layer.input_elements())]
        if layer.name in self.producer_b:
            refs.append((self.producer_b[layer.name], layer.operand_b_elements()))
        if len(refs) == 2 and refs[0][0] == refs[1][0]:
            raise ConfigError("reads operands A and B from the same layer",
                              source=self.w.name, field=f"layers.{layer.name}.input_b",
                              fix="name the layer that produces operand B with 'input_b:'")
        for ref, want in refs:
            have = (self.w.layers[0].input_elements() if ref == "input"
                    else self.layers[ref].output_elements())
            if have != want:
                raise ConfigError(
                    f"reads {have} elements per sample from {ref!r} but its shape needs {want}",
                    source=self.w.name, field=f"layers.{layer.name}",
                    fix="fix the layer's input shape or name the right producer with 'input:'")


def _is_input(name: str) -> bool:
    """Whether ``name`` is the workload's input (or, for independent layers, a layer's)."""
    return name == "input" or name.startswith("input@")


def build_graph(workload: Workload, phases: str = "training",
                source: str | None = None) -> nx.DiGraph:
    """The training (or forward-only) dataflow graph of a workload (``source``: its file, named
    in errors)."""
    if phases not in PHASE_SETS:
        raise ConfigError(f"unknown phase set {phases!r}", field="--phases",
                          fix="use one of: " + ", ".join(PHASE_SETS))
    try:
        return _Builder(workload, PHASE_SETS[phases]).build()
    except ConfigError as exc:
        exc.source = source or exc.source
        raise


def op_nodes(g: nx.DiGraph) -> list[str]:
    """Operation nodes in program order."""
    return sorted((n for n, d in g.nodes(data=True) if d.get("kind") == "op"),
                  key=lambda n: g.nodes[n]["order"])


def write_graph(g: nx.DiGraph, path: str | Path) -> None:
    data = nx.node_link_data(g, edges="edges")
    with writing(path, "-o", "the graph"):
        Path(path).write_text(json.dumps(data, indent=1, sort_keys=True))


def read_graph(path: str | Path) -> nx.DiGraph:
    """A graph JSON written by :func:`write_graph`, validated field by field before playback
    (:mod:`accelsim.workload.trace`); errors name the file and the node or edge."""
    from accelsim.core.yamlfile import read_text
    text = read_text(path)
    if not text.strip():
        raise ConfigError("the file is empty", source=str(path),
                          fix="write a graph with 'accelsim graph WORKLOAD -o FILE'")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        msg = exc.msg + (" this point" if exc.msg.endswith(" at") else "")
        cut = "; the file ends early (truncated?)" if not text.rstrip().endswith("}") else ""
        raise ConfigError(f"malformed JSON: {msg}{cut}", source=str(path),
                          field=f"line {exc.lineno}, column {exc.colno}",
                          fix="rewrite the graph with 'accelsim graph WORKLOAD -o FILE'") from None
    doc = trace.check_document(data, str(path))
    trace.check_consistent(doc, str(path))
    g = nx.node_link_graph(data, directed=True, edges="edges")
    trace.check_acyclic(g, str(path))
    return g
