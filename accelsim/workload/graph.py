"""The training dataflow graph (docs/design.md §3): a networkx DiGraph of operations and tensors.

Nodes are operations ``<layer>/<phase>`` (plus the sources ``input``, ``param:<layer>`` (weights) and
``state:<layer>`` (optimizer state), the ``loss``, and ``relay:`` nodes that carry a second
tensor between the same two operations). Each op node carries ``layer``, ``phase``, ``order`` (program order), ``work`` (the lowered GEMM or vector work)
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
from accelsim.workload import trace
from accelsim.workload.layers import Workload
from accelsim.workload.lowering import lower, optimizer_state_elements
from accelsim.workload.trace import GRAPH_SCHEMA



class _Builder:
    def __init__(self, workload: Workload, phases: tuple[str, ...]):
        self.w = workload
        self.phases = phases
        self.g = nx.DiGraph(schema=GRAPH_SCHEMA, workload=workload.name, batch=workload.batch,
                            phases=list(phases), tool_version=__version__,
                            formats=workload.formats.model_dump(exclude_none=True))
        self.order = 0
        self.user = {layer.name: layer for layer in workload.layers}
        self.layers: dict = {}  # operation layers: the user's, or the parts they expand into
        self.producer: dict[str, str] = {}  # layer -> layer whose output it reads (A operand)
        self.producer_b: dict[str, str] = {}  # layer -> producer of its second operand
        self.views: dict[str, dict[str, int]] = {}  # producer -> slices its consumer reads
        self.tied: dict[str, list[str]] = {}  # weight owner -> layers that share its weights
        # independent layers (SCALE-Sim rows) are one network in order whose shapes need not
        # chain: each reads its own input from DRAM, but its output's error is the input error
        # that the next row's backward_data computes
        names = [layer.name for layer in workload.layers]
        self.next_row = dict(zip(names, names[1:])) if workload.independent_layers else {}

    def tensor(self, tid: str, kind: str, elements: int, shape: list[int],
               fmt: str | None = None) -> dict:
        fmt = fmt or getattr(self.w.formats, kind)
        return {"tensor": tid, "kind": kind, "format": fmt, "shape": shape,
                "bytes": elements * BYTES_PER_ELEMENT[fmt]}

    def act(self, name: str, view: str | None = None) -> dict:
        n = self.w.batch
        if _is_input(name):  # "input", or "input@<layer>" for independent layers
            first = self.user[name[6:]] if name != "input" else self.w.layers[0]
            return self.tensor(f"act:{name}", "activation", n * first.input_elements(),
                               [n, first.input_elements()])
        if view is not None:
            el = self.views[name][view]
            return self.tensor(f"act:{name}#{view}", "activation", n * el, [n, el])
        out = self.layers[name].output_elements()
        return self.tensor(f"act:{name}", "activation", n * out, [n, out])

    def err(self, name: str, view: str | None = None) -> dict:
        t = self.act(name, view)
        return self.tensor(t["tensor"].replace("act:", "err:", 1), "error",
                           t["shape"][0] * t["shape"][1], t["shape"])

    def pieces(self, name: str) -> list[str | None]:
        """The tensors a layer's output is stored as: whole, or its consumer's views."""
        return list(self.views[name]) if name in self.views else [None]

    def add_op(self, layer, phase: str) -> str:
        node = f"{layer.name}/{phase}"
        work = lower(layer, phase, self.w)
        attrs = dict(kind="op", layer=layer.name, phase=phase, order=self.order,
                     work=work.to_dict(), writes=[])
        spec = layer.spec()
        if spec is not None:
            attrs["spec"] = spec
        self.g.add_node(node, **attrs)
        self.order += 1
        return node

    def read(self, src: str, dst: str, tensor: dict, role: str) -> None:
        if self.g.has_edge(src, dst) and self.g.edges[src, dst]["tensor"] != tensor["tensor"]:
            # a second tensor between the same two operations (attention reads Q and K of one
            # projection) goes through a relay node: one edge carries one tensor
            relay = f"relay:{tensor['tensor']}>{dst}"
            self.g.add_node(relay, kind="relay", order=-1)
            self.g.add_edge(src, relay, role=role, **tensor)
            src = relay
        self.g.add_edge(src, dst, role=role, **tensor)

    def write(self, node: str, tensor: dict, role: str = "ofmap") -> None:
        self.g.nodes[node]["writes"].append({**tensor, "role": role})

    def src_node(self, name: str) -> str:
        return name if _is_input(name) else f"{name}/forward"

    def _expand(self) -> list:
        """Resolve every user layer's producers, check the shapes chain, and expand the layers
        into their operations."""
        w = self.w
        ops: list = []
        prev = "input"
        for layer in w.layers:
            if w.independent_layers:
                src = f"input@{layer.name}"
                self.g.add_node(src, kind="source", order=-1)
            else:
                src = layer.input or prev
            src_b = None
            if layer.operand_b_elements() is not None:
                src_b = getattr(layer, "input_b", None) or src
            self.producer[layer.name] = src
            if src_b is not None:
                self.producer_b[layer.name] = src_b
            if not w.independent_layers:
                self._check_chain(layer)
            if layer.input_views() is not None:
                if _is_input(src):
                    raise ConfigError(f"{layer.kind} reads slices of the workload's input",
                                      source=w.name, field=f"layers.{layer.name}.input",
                                      fix="put the layer that produces them (e.g. the fused QKV "
                                          "projection) before it")
                self.views[src] = layer.input_views()
            if layer.weight_owner != layer.name:
                self.tied.setdefault(layer.weight_owner, []).append(layer.name)
            for part in layer.parts(src, src_b):
                if part is not layer:
                    self.producer[part.name] = part.input
                    if part.input_b is not None:
                        self.producer_b[part.name] = part.input_b
                self.layers[part.name] = part
                ops.append(part)
            prev = layer.name
        return ops

    def build(self) -> nx.DiGraph:
        w, g = self.w, self.g
        g.add_node("input", kind="source", order=-1)
        ops = self._expand()
        training = "backward_data" in self.phases
        for layer in ops:  # forward pass
            if "forward" in layer.phases(first=False):
                self._phase(layer, "forward")
        if not training:
            return g
        g.add_node("loss", kind="loss", order=self.order)
        self.order += 1
        for name, layer in self.layers.items():
            if "forward" in layer.phases(first=False) and not self._consumers(name) \
                    and name not in self.next_row:
                self.read(f"{name}/forward", "loss", self.act(name), "ifmap")
        # backward pass, last layer first
        for i in range(len(ops) - 1, -1, -1):
            layer = ops[i]
            # a layer that reads the workload's input needs no input gradient (independent
            # layers: only the first row)
            first = i == 0 if w.independent_layers else _is_input(self.producer[layer.name])
            for phase in layer.phases(first=first):
                if phase == "update":
                    self._update(layer, self.add_op(layer, phase))
                elif phase != "forward":
                    self._phase(layer, phase)
        return g

    def _phase(self, layer, phase: str) -> None:
        """One phase's operation with the tensor edges its kind declares."""
        node = self.add_op(layer, phase)
        io = layer.io(phase)
        for ref, role in io.reads:
            for src, tensor in self._resolve_read(layer, ref):
                self.read(src, node, tensor, role)
        if phase == "backward_weight":  # layers sharing these weights add their gradients
            for other in self.tied.get(layer.name, ()):
                self.read(f"{other}/backward_weight", node, self._wgrad(layer), "ofmap")
        for ref, role in io.writes:
            for tensor in self._resolve_write(layer, ref):
                self.write(node, tensor, role)

    def _operand(self, layer, ref: str) -> tuple[str, str | None]:
        """(producer, view) of ``in``/``in_b``/``err_in``/``err_in_b`` with an optional
        ``#view``."""
        base, _, view = ref.partition("#")
        src = self.producer_b[layer.name] if base.endswith("_b") else self.producer[layer.name]
        return src, view or None

    def _saved(self, layer, tag: str) -> dict:
        saved = layer.saved()[tag]
        n = self.w.batch
        return self.tensor(f"saved:{layer.name}:{tag}", saved.kind, n * saved.elements,
                           [n, saved.elements], saved.format)

    def _resolve_write(self, layer, ref: str) -> list[dict]:
        name = layer.name
        if ref == "out":
            return [self.act(name, v) for v in self.pieces(name)]
        if ref.startswith("err_in"):
            src, view = self._operand(layer, ref)
            return [self.err(src, view)]
        if ref == "wgrad":
            return [self._wgrad(layer)]
        return [self._saved(layer, ref.removeprefix("saved:"))]

    def _resolve_read(self, layer, ref: str) -> list[tuple[str, dict]]:
        """(producer node, tensor) pairs of a read: the error of the output comes from every
        operation that produces a share of it."""
        name = layer.name
        if ref == "err":
            if name in self.next_row:
                nxt = self.next_row[name]
                return [(f"{nxt}/backward_data", self.err(self.producer[nxt]))]
            return [(src, self.err(name, v)) for v in self.pieces(name)
                    for src in self._grad_sources(name, v)]
        if ref.startswith("in"):
            src, view = self._operand(layer, ref)
            return [(self.src_node(src), self.act(src, view))]
        if ref == "weight":
            return [(self._param(layer), self._weight(layer))]
        if ref == "weight_rows":  # the rows of a table that a gather reads
            e = layer.gathered_weight_elements(self.w.batch)
            return [(self._param(layer), self.tensor(f"wrows:{name}", "weight", e, [e]))]
        if ref.startswith("err@"):  # the error of a sibling part's output
            other = ref[4:]
            return [(src, self.err(other, v)) for v in self.pieces(other)
                    for src in self._grad_sources(other, v)]
        if ref.startswith("act@"):
            other = self.layers[ref[4:]]
            return [(f"{other.name}/{other.phases(first=False)[0]}", self.act(other.name))]
        if ref == "out":
            return [(f"{name}/forward", self.act(name))]
        return [(f"{name}/forward", self._saved(layer, ref.removeprefix("saved:")))]

    def _update(self, layer, node: str) -> None:
        self.read(f"{layer.name}/backward_weight", node, self._wgrad(layer), "ifmap")
        self.read(self._param(layer), node, self._weight(layer), "filter")
        self.write(node, self._weight(layer), "filter")
        states = []
        opt = optimizer_state_elements(layer, self.w)
        if opt:
            states.append(self.tensor(f"opt:{layer.name}", "optimizer_state", opt, [opt]))
        master = self.w.formats.master_weight
        if master is not None:
            e = layer.weight_elements()
            states.append(self.tensor(f"master:{layer.name}", "optimizer_state", e, [e], master))
        if states:
            self.g.add_node(f"state:{layer.name}", kind="source", order=-1)
        for st in states:
            self.read(f"state:{layer.name}", node, st, "ofmap")
            self.write(node, st)

    def _consumers(self, name: str) -> list[tuple[str, str]]:
        """(consumer layer, operand) pairs of the layers that read ``name``'s output."""
        return [(c, "a") for c, p in self.producer.items() if p == name and c in self.layers] + \
            [(c, "b") for c, p in self.producer_b.items() if p == name and c in self.layers]

    def _grad_sources(self, name: str, view: str | None = None) -> list[str]:
        """The operations that produce the error of ``name``'s output (or of one view of it):
        each consumer's phase that writes the error of the operand it reads ``name`` as, or
        the loss."""
        out = []
        for c, via in self._consumers(name):
            layer = self.layers[c]
            want = ("err_in" if via == "a" else "err_in_b") + (f"#{view}" if view else "")
            for phase in layer.phases(first=False):
                if phase in ("forward", "update"):
                    continue
                if any(r == want for r, _ in layer.io(phase).writes):
                    if f"{c}/{phase}" in self.g:
                        out.append(f"{c}/{phase}")
        return out or ["loss"]

    def _param(self, layer) -> str:
        node = f"param:{layer.weight_owner}"
        if node not in self.g:
            self.g.add_node(node, kind="source", order=-1)
        return node

    def _weight(self, layer) -> dict:
        e = self.user[layer.weight_owner].weight_elements()
        return self.tensor(f"w:{layer.weight_owner}", "weight", e, [e])

    def _wgrad(self, layer) -> dict:
        e = self.user[layer.weight_owner].weight_elements()
        return self.tensor(f"wg:{layer.weight_owner}", "weight_gradient", e, [e])

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
                    else self.user[ref].output_elements())
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
