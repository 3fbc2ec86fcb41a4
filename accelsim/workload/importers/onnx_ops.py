"""The ONNX operator table of the ONNX importer: which operator becomes which accelsim layer.

``OPS`` maps an operator type to a handler ``(walk, node, acts)`` that emits one layer (``acts``
are the node's activation inputs; the others are constants). A handler raises
:class:`Unsupported` with a reason for a variant accelsim cannot express (grouped conv,
asymmetric padding, dilation, broadcast of two activations, ...).

======================================  ===================================================
ONNX                                    accelsim layer
======================================  ===================================================
Conv (group 1)                          conv2d
Conv (group = channels = filters)       depthwise_conv2d
MaxPool, AveragePool, Global*Pool       pool (max / avg; a global pool has a H×W window;
ReduceMean/Max over H×W                 a reduction over exactly the H×W plane is one too)
Gemm, MatMul with a constant operand    linear (``tokens`` = rows per sample)
MatMul of two activations               gemm, ``has_weights: false`` (attention's Q·Kᵀ, A·V)
Q·Kᵀ → Softmax → ·V of one projection   attention (:mod:`.onnx_attention`)
Add / Sub of two activations            add (residual)
Mul of ``x`` and ``Sigmoid(x)``         silu
Mul of ``silu(gate)`` and ``up``        swiglu (when nothing else reads the silu)
Gather from a constant table            embedding
Gelu, Softmax, LayerNormalization,      gelu, softmax, layernorm, dropout
Dropout                                 (``features`` = the last axis, or the channels)
======================================  ===================================================

``EPILOGUE`` operators are fused into the layer that produced their input and ``SHAPE_ONLY``
operators are absorbed (:mod:`.onnx_nodes`, :mod:`.onnx_graph`).
"""
from __future__ import annotations

import math

from accelsim.core.errors import ConfigError
from accelsim.workload.importers import onnx_attention as attention
from accelsim.workload.importers.onnx_nodes import Unsupported

OPS = {}


def op(*types):
    def register(fn):
        for t in types:
            OPS[t] = fn
        return fn
    return register


def attrs(node) -> dict:
    from onnx import helper
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _kernel_fields(kh: int, kw: int) -> dict:
    return {"kernel": kh} if kh == kw else {"kernel_h": kh, "kernel_w": kw}


def _window(walk, node, x: str, kernel: tuple, a: dict) -> dict:
    """in_h/in_w, kernel, stride, padding of a 2-D window op, checked against the inferred
    output shape so that accelsim's ``floor((H + 2p − R)/s) + 1`` reproduces it exactly."""
    if len(kernel) != 2:
        raise Unsupported(f"{len(kernel)}-D window")
    _, h, w = walk.graph.per_sample(x, node.name)
    strides = tuple(a.get("strides", (1, 1)))
    if strides[0] != strides[1]:
        raise Unsupported(f"strides {list(strides)} differ")
    if any(d != 1 for d in a.get("dilations", (1, 1))):
        raise Unsupported("dilation")
    out = walk.graph.per_sample(node.output[0], node.name)[1:]
    auto = a.get("auto_pad", b"NOTSET")
    auto = auto.decode() if isinstance(auto, bytes) else auto
    if auto in ("NOTSET", "VALID"):
        pads = tuple(a.get("pads", (0, 0, 0, 0))) if auto == "NOTSET" else (0, 0, 0, 0)
        if len(set(pads)) != 1:
            raise Unsupported(f"asymmetric padding {list(pads)}")
        pad = pads[0]
    else:  # SAME_UPPER / SAME_LOWER: the padding that gives the inferred output
        total = (out[0] - 1) * strides[0] + kernel[0] - h
        if total % 2 or (out[1] - 1) * strides[1] + kernel[1] - w != total:
            raise Unsupported("asymmetric 'SAME' padding")
        pad = max(total // 2, 0)
    s = strides[0]
    if ((h + 2 * pad - kernel[0]) // s + 1, (w + 2 * pad - kernel[1]) // s + 1) != tuple(out):
        raise Unsupported("ceil_mode output size")
    return {"in_h": h, "in_w": w, **_kernel_fields(*kernel), "stride": s, "padding": pad}


@op("Conv")
def conv(walk, node, acts):
    x, w = node.input[0], node.input[1]
    if acts != [x]:
        raise Unsupported("weights from an activation")
    a = attrs(node)
    filters, per_group, *kernel = walk.graph.shape(w, node.name)
    channels = walk.graph.per_sample(x, node.name)[0]
    geometry = _window(walk, node, x, tuple(kernel), a)
    group = a.get("group", 1)
    if per_group * group != channels:
        raise ConfigError(f"node {node.name!r}: weight {w!r} has {per_group}×{group} input "
                          f"channels, the input has {channels}", source=walk.graph.source,
                          fix="export the model again; the graph is inconsistent")
    if group == 1:
        fields = {"in_h": geometry.pop("in_h"), "in_w": geometry.pop("in_w"),
                  "in_channels": channels, "out_channels": filters, **geometry}
        walk.emit(node, "conv2d", fields, walk.src(x))
    elif group == channels == filters and per_group == 1:
        fields = {"in_h": geometry.pop("in_h"), "in_w": geometry.pop("in_w"),
                  "channels": channels, **geometry}
        walk.emit(node, "depthwise_conv2d", fields, walk.src(x))
    else:
        raise Unsupported(f"group {group}")


@op("MaxPool", "AveragePool")
def pool(walk, node, acts):
    a = attrs(node)
    x = acts[0]
    geometry = _window(walk, node, x, tuple(a["kernel_shape"]), a)
    mode = "max" if node.op_type == "MaxPool" else "avg"
    channels = walk.graph.per_sample(x, node.name)[0]
    walk.emit(node, "pool", {"mode": mode, "in_h": geometry.pop("in_h"),
                             "in_w": geometry.pop("in_w"), "channels": channels, **geometry},
              walk.src(x))


@op("GlobalAveragePool", "GlobalMaxPool", "ReduceMean", "ReduceMax")
def global_pool(walk, node, acts):
    """A pool over the whole H×W plane (ReduceMean/Max count when they reduce exactly that)."""
    x = acts[0]
    shape = walk.graph.per_sample(x, node.name)
    if len(shape) != 3:
        raise Unsupported(f"{len(shape) - 1}-D input" if node.op_type.startswith("Global")
                          else "not over the H×W plane of an image")
    c, h, w = shape
    if node.op_type.startswith("Reduce") and \
            walk.graph.per_sample(node.output[0], node.name) not in ((c,), (c, 1, 1)):
        raise Unsupported("not over the H×W plane of an image")
    mode = "max" if node.op_type.endswith("MaxPool") or node.op_type == "ReduceMax" else "avg"
    walk.emit(node, "pool", {"mode": mode, "in_h": h, "in_w": w, "channels": c,
                             **_kernel_fields(h, w), "stride": 1, "padding": 0}, walk.src(x))


def _linear(walk, node, x: str, k: int, n: int):
    fields = {"in_features": k, "out_features": n}
    tokens = walk.graph.rows(x, node.name)
    if tokens != 1:
        fields["tokens"] = tokens
    walk.emit(node, "linear", fields, walk.src(x))


@op("Gemm")
def gemm(walk, node, acts):
    a_in, b_in = node.input[0], node.input[1]
    if acts != [a_in]:
        raise Unsupported("both operands activations" if b_in in acts else "constant operand A")
    a = attrs(node)
    if a.get("transA", 0):
        raise Unsupported("transA")
    rows, cols = walk.graph.shape(b_in, node.name)
    k, n = (cols, rows) if a.get("transB", 0) else (rows, cols)
    _linear(walk, node, a_in, k, n)


@op("MatMul")
def matmul(walk, node, acts):
    a_in, b_in = node.input[0], node.input[1]
    g = walk.graph
    if acts == [a_in]:  # activation times a weight matrix
        b_shape = g.shape(b_in, node.name)
        if len(b_shape) != 2:
            raise Unsupported("batched constant operand")
        _linear(walk, node, a_in, *b_shape)
        return
    if acts != [a_in, b_in] and acts != [a_in] * 2:
        raise Unsupported("constant operand A")
    if attention.finish(walk, node, a_in, b_in):  # P·V closing an attention pattern
        return
    sa, sb = g.per_sample(a_in, node.name), g.per_sample(b_in, node.name)
    if len(sa) < 2 or sa[:-2] != sb[:-2]:
        raise Unsupported("broadcast of two activations")
    m, k = sa[-2:]
    n = sb[-1]
    if walk.src(a_in) == walk.src(b_in):  # Q·Kᵀ of one fused projection
        attention.start(walk, node, a_in, b_in, math.prod(sa[:-2]), m, k, n)
        return
    walk.emit(node, "gemm", {"has_weights": False, "count": math.prod(sa[:-2]), "m": m, "k": k,
                             "n": n}, walk.src(a_in), walk.src(b_in))


def _map_fields(shape: tuple) -> dict:
    """channels/in_h/in_w of an activation's per-sample shape (C×H×W, or tokens×features)."""
    if len(shape) == 1:
        return {"channels": shape[0]}
    if len(shape) == 2:
        return {"channels": shape[1], "in_h": shape[0]}
    return {"channels": shape[0], "in_h": shape[1], "in_w": math.prod(shape[2:])}


@op("Add", "Sub")
def add(walk, node, acts):
    a_in, b_in = node.input[0], node.input[1]
    g = walk.graph
    if g.shape(a_in, node.name) != g.shape(b_in, node.name):
        raise Unsupported("broadcast of two activations")
    walk.emit(node, "add", _map_fields(g.per_sample(a_in, node.name)), walk.src(a_in),
              walk.src(b_in))


@op("Mul")
def mul(walk, node, acts):
    a_in, b_in = node.input[0], node.input[1]
    for x, s in ((a_in, b_in), (b_in, a_in)):
        if walk.sigmoid_of.get(s) == x:  # x · sigmoid(x): SiLU (swish)
            walk.fused["Sigmoid"] -= 1  # the sigmoid is part of the silu layer
            name = walk.emit(node, "silu", _vector_fields(walk, node, x), walk.src(x))
            walk.silu_gate[name] = walk.src(x)
            return
    g = walk.graph
    for gated, up in ((a_in, b_in), (b_in, a_in)):  # silu(gate) · up: SwiGLU, if only it reads
        name = walk.src(gated)                     # the silu
        if name in walk.silu_gate and g.shape(gated, node.name) == g.shape(up, node.name):
            silu = walk.layers.take_unread(name)
            if silu is not None:
                fields = {"features": silu["features"], "tokens": silu["tokens"]}
                walk.emit(node, "swiglu", fields, walk.silu_gate.pop(name), walk.src(up))
                return
    raise Unsupported("of two activations")


def _vector_fields(walk, node, x: str) -> dict:
    """features/tokens of an element-wise or last-axis layer: channels × pixels for an image
    (N×C×H×W), otherwise the last axis × the rows."""
    shape = walk.graph.per_sample(x, node.name)
    if len(shape) == 3:
        return {"features": shape[0], "tokens": shape[1] * shape[2]}
    return {"features": shape[-1], "tokens": math.prod(shape[:-1])}


def _last_axis(walk, node, x: str, axis: int) -> None:
    rank = len(walk.graph.shape(x, node.name))
    if axis not in (-1, rank - 1):
        raise Unsupported(f"axis {axis}, not the last")


@op("Gelu", "Softmax", "LayerNormalization", "Dropout")
def vector(walk, node, acts):
    x = node.input[0]
    if acts[:1] != [x]:
        raise Unsupported("constant input")
    kind = {"Gelu": "gelu", "Softmax": "softmax", "LayerNormalization": "layernorm",
            "Dropout": "dropout"}[node.op_type]
    if kind in ("softmax", "layernorm"):
        default = -1 if kind == "layernorm" or walk.graph.opset >= 13 else 1
        _last_axis(walk, node, x, attrs(node).get("axis", default))
        fields = {"features": walk.graph.shape(x, node.name)[-1],
                  "tokens": walk.graph.rows(x, node.name)}
    else:
        fields = _vector_fields(walk, node, x)
    if kind == "dropout":
        fields["p"] = _dropout_ratio(walk, node)
    walk.emit(node, kind, fields, walk.src(x))


def _dropout_ratio(walk, node) -> float:
    if len(node.input) < 2 or not node.input[1]:
        return 0.5  # the ONNX default
    tensor = walk.graph.initializers.get(node.input[1])
    if tensor is None:
        raise Unsupported("ratio not an initializer")
    from onnx import numpy_helper
    return float(numpy_helper.to_array(tensor))


@op("Gather")
def gather(walk, node, acts):
    table, indices = node.input[0], node.input[1]
    if table in acts:  # selects elements of an activation: a view
        walk.alias(node, table)
        walk.absorbed["Gather"] += 1
        return
    vocab, dim = walk.graph.shape(table, node.name)
    tokens = math.prod(walk.graph.per_sample(indices, node.name))
    walk.emit(node, "embedding", {"vocab": vocab, "dim": dim, "tokens": tokens},
              walk.src(indices))
