"""What every importer shares: the layer list it builds and the workload YAML it writes.

:class:`LayerList` collects layer mappings in execution order and wires operands by name: a
layer's ``input:`` is written only when it is not the previous layer (the YAML default), so an
imported file reads like a hand-written one. :func:`write_workload` validates the whole workload
against the same pydantic model ``accelsim run`` uses *before* anything is written, then writes the
file atomically (a temporary file renamed into place): an import that fails writes nothing.
The training graph is built first too, so an imported file is one ``accelsim run`` can play.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from accelsim import __version__
from accelsim.core.yamlfile import validate
from accelsim.workload.graph import build_graph
from accelsim.workload.layers import INPUT, Workload
from accelsim.workload.lowering import work_from_dict


class LayerList:
    """Layer mappings in execution order, with unique names."""

    def __init__(self) -> None:
        self.layers: list[dict] = []
        self._names: set[str] = {INPUT}

    @property
    def last(self) -> str:
        """The name a layer reads by default: the previous layer, or the workload input."""
        return self.layers[-1]["name"] if self.layers else INPUT

    def add(self, kind: str, name: str, fields: dict, input: str | None = None,
            input_b: str | None = None) -> str:
        """Append a layer; returns its (possibly de-duplicated) name."""
        unique = self.unique_name(name)
        layer = {"kind": kind, "name": unique, **fields}
        if input is not None and input != self.last:
            layer["input"] = input
        if input_b is not None:
            layer["input_b"] = input_b
        self.layers.append(layer)
        self._names.add(unique)
        return unique

    def take_unread(self, name: str) -> dict | None:
        """Remove and return the layer ``name`` if no later layer reads it (by name or as the
        default previous layer); otherwise leave it and return None."""
        index = next(i for i, layer in enumerate(self.layers) if layer["name"] == name)
        later = self.layers[index + 1:]
        if later and "input" not in later[0] or any(
                name in (layer.get("input"), layer.get("input_b")) for layer in later):
            return None
        self._names.discard(name)
        return self.layers.pop(index)

    def unique_name(self, name: str) -> str:
        base = name or "layer"
        candidate, n = base, 1
        while candidate in self._names:
            n += 1
            candidate = f"{base}#{n}"
        return candidate


@dataclass
class Imported:
    """An imported workload: the mapping to write (without ``name``: the file written names it)
    plus where it came from."""
    workload: dict
    source: str
    source_sha256: str
    notes: list[str] = field(default_factory=list)


def file_sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def workload_text(imported: Imported, name: str, command: str) -> str:
    """The YAML text of an imported workload, deterministic for the same source and options."""
    head = [(f"# Imported by accelsim {__version__} from {imported.source} "
             f"(sha256 {imported.source_sha256[:16]})."),
            f"# Regenerate with: {command}"]
    head += [f"# {line}" for line in imported.notes]
    top = {"name": name, **{k: v for k, v in imported.workload.items() if k != "layers"}}
    body = yaml.safe_dump(top, sort_keys=False, default_flow_style=False)
    rows = [yaml.safe_dump(layer, sort_keys=False, default_flow_style=True,
                           width=1 << 30).strip() for layer in imported.workload["layers"]]
    return "\n".join(head) + "\n" + body + "layers:\n" + "".join(f"  - {r}\n" for r in rows)


def write_workload(imported: Imported, out: str | Path, command: str) -> tuple[Workload, int]:
    """Validate the imported workload, build its training graph (which checks the operand
    wiring and shapes) and write it to ``out`` (named after the file); nothing is written if
    either fails. Returns the workload and its forward MACs per sample."""
    out = Path(out)
    text = workload_text(imported, out.stem, command)
    workload = validate(Workload, yaml.safe_load(text), imported.source)
    graph = build_graph(workload.with_batch(1), "training", imported.source)
    macs = sum(work_from_dict(d["work"]).macs for _, d in graph.nodes(data=True)
               if d.get("kind") == "op" and d["phase"] == "forward")
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent or Path("."))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return workload, macs
