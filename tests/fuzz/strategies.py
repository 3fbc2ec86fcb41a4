"""Hypothesis strategies for accelsim inputs, valid and corrupted (import as strategies).

Valid documents are small (arrays of at most 16x16, a few tiny layers) so that one simulation
takes milliseconds; corrupted ones start from a valid document and break it the ways users do:
a value of the wrong type or sign, an absurd size, infinity, a missing or unknown key, a key
written twice, a truncated file, a Latin-1 byte."""
from __future__ import annotations

import json
import math

import yaml
from hypothesis import strategies as st

DATAFLOWS = ["os", "ws", "is"]
TECHS = ["sram_22nm", "stt_mram_22nm", "sram_32nm"]
DRAMS = ["ddr4_3200", "lpddr4_2400", "hbm2", "ideal"]
#: values a corrupted field may get
BAD_VALUES = [True, False, None, -1, 0, -0.5, "x", "64", "1e6", [], {}, [1, 2], 2 ** 60, 1e300,
              math.inf, -math.inf, math.nan, 1.5]


@st.composite
def hardware(draw) -> dict:
    n_arrays = draw(st.integers(1, 2))
    arrays = [{"name": f"array{i}", "rows": draw(st.integers(1, 16)),
               "cols": draw(st.integers(1, 16)), "dataflow": draw(st.sampled_from(DATAFLOWS)),
               "fold_overlap": draw(st.booleans())} for i in range(n_arrays)]
    tech = draw(st.sampled_from(TECHS))
    word = draw(st.sampled_from([2, 4, 8, 16]))

    def buffer(name, holds):
        return {"name": name, "capacity_bytes": 2 ** draw(st.integers(12, 18)),
                "banks": draw(st.sampled_from([1, 2, 4, 8])), "word_bytes": word,
                "technology": tech, "holds": holds}
    if draw(st.booleans()):
        scratchpad = [buffer("all", ["ifmap", "filter", "ofmap"])]
    else:
        scratchpad = [buffer("act", ["activation"]), buffer("err", ["error"]),
                      buffer("wgt", ["weight", "weight_gradient", "optimizer_state"])]
    return {"name": "fuzz", "clock_ghz": draw(st.sampled_from([0.5, 1, 1.5, 2.0])),
            "arrays": arrays, "vector_unit": {"lanes": draw(st.sampled_from([4, 16, 64]))},
            "scratchpad": scratchpad, "dram": {"preset": draw(st.sampled_from(DRAMS))},
            "ideal_scratchpad": draw(st.booleans())}


@st.composite
def workload(draw) -> dict:
    layers = []
    features = None
    if draw(st.booleans()):
        h = draw(st.integers(3, 8))
        k = draw(st.integers(1, 3))
        c, kf = draw(st.integers(1, 4)), draw(st.integers(1, 6))
        layers.append({"kind": "conv2d", "name": "conv", "in_h": h, "in_w": h, "kernel": k,
                       "in_channels": c, "out_channels": kf})
        features = kf * (h - k + 1) ** 2
    for i in range(draw(st.integers(1, 3))):
        n_in = features or draw(st.integers(1, 48))
        features = draw(st.integers(1, 48))
        layers.append({"kind": "linear", "name": f"fc{i}", "in_features": n_in,
                       "out_features": features})
    return {"name": "fuzzwl", "batch": draw(st.integers(1, 3)),
            "optimizer": draw(st.sampled_from(["sgd", "sgd_momentum", "adam"])),
            "layers": layers}


def _paths(node, prefix=()):
    """Every (path, value) leaf and inner node of a JSON-like document."""
    yield prefix, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, prefix + (i,))


@st.composite
def corrupted(draw, document: dict) -> dict:
    """``document`` with one field replaced, removed, or an unknown key added."""
    doc = json.loads(json.dumps(document))
    paths = [p for p, _ in _paths(doc) if p]
    path = draw(st.sampled_from(paths))
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    action = draw(st.sampled_from(["replace", "replace", "replace", "delete", "unknown"]))
    if action == "replace":
        parent[path[-1]] = draw(st.sampled_from(BAD_VALUES))
    elif action == "delete" and isinstance(parent, dict):
        del parent[path[-1]]
    elif isinstance(parent, dict):
        parent["unknwn_key"] = 1
    return doc


@st.composite
def text_of(draw, document: dict) -> bytes:
    """The YAML text of ``document``, sometimes broken at the text level."""
    text = yaml.safe_dump(document, sort_keys=False)
    how = draw(st.sampled_from(["as is", "as is", "duplicate", "truncate", "latin1", "empty"]))
    lines = text.splitlines(keepends=True)
    if how == "duplicate":
        top = [ln for ln in lines if ln and not ln[0].isspace() and ":" in ln]
        text += draw(st.sampled_from(top))
    elif how == "truncate":
        text = text[:draw(st.integers(0, max(0, len(text) - 1)))]
    elif how == "empty":
        text = ""
    data = text.encode()
    if how == "latin1":
        data += b"# caf\xe9\n"
    return data
