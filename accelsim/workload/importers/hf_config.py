"""Import a Hugging Face ``config.json`` as a transformer training workload
(``accelsim import --hf CONFIG [--seq S] [--batch B] [--layers N] -o wl.yaml``).

Plain JSON, no dependency: the config's ``model_type`` picks a builder from
:data:`accelsim.workload.importers.hf_models.MODEL_TYPES` (``gpt2``, ``bert``, ``llama``), which
lays the model out block by block in the layer kinds of the transformer schema (embedding,
layernorm / rmsnorm, fused QKV linear, attention, residual add, GELU / SwiGLU MLP, LM head,
cross-entropy). ``--seq`` defaults to the config's maximum positions, ``--layers`` to its number
of blocks (fewer blocks make a small model with the same block), ``--batch`` to 1. A shipped
config can be named: ``--hf gpt2`` is ``workloads/hf/gpt2/config.json``.

A config that is not JSON, has an unknown ``model_type`` or lacks a dimension the builder needs
is one error naming the file and the key; nothing is written.
"""
from __future__ import annotations

import json
from pathlib import Path

from accelsim.core.errors import ConfigError
from accelsim.core.shipped import shipped_dir
from accelsim.core.yamlfile import read_text
from accelsim.workload.importers.emit import Imported, file_sha256


class HFConfig:
    """A parsed config.json that answers dimension look-ups with one-line errors."""

    def __init__(self, data: dict, source: str):
        self.data = data
        self.source = source

    def dim(self, key: str, default: int | None = None) -> int:
        """A positive whole-number dimension; ``default`` when the key is absent or null."""
        value = self.data.get(key)
        if value is None:
            if default is not None:
                return default
            raise ConfigError("missing model dimension", source=self.source, field=key,
                              fix=f"add {key!r} from the model's published config.json")
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ConfigError(f"must be a positive whole number (got {value!r})",
                              source=self.source, field=key)
        return value

    def text(self, key: str, default: str) -> str:
        value = self.data.get(key, default)
        return value if isinstance(value, str) else default

    def flag(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        return value if isinstance(value, bool) else default

    def seq(self, key: str, requested: int | None) -> int:
        """The sequence length: ``--seq`` if given (at most the model's positions), else the
        model's maximum positions."""
        positions = self.dim(key)
        if requested is not None and requested > positions:
            raise ConfigError(f"--seq {requested} is longer than the model's {key} "
                              f"({positions})", source=self.source, fix=f"use --seq {positions} "
                              "or less")
        return requested or positions

    def blocks(self, key: str, requested: int | None) -> int:
        return requested or self.dim(key)


def resolve(path: str | Path) -> Path:
    """``path`` if it exists, else the shipped config of that name (``gpt2`` is
    ``workloads/hf/gpt2/config.json``)."""
    p = Path(path)
    shipped_config = shipped_dir("workload") / "hf" / p.name / "config.json"
    if not p.exists() and p.parent == Path(".") and shipped_config.is_file():
        return shipped_config
    return p


def read_config(path: str | Path) -> HFConfig:
    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"malformed JSON: {exc.msg}", source=str(path),
                          field=f"line {exc.lineno}, column {exc.colno}",
                          fix="a Hugging Face config.json is one JSON object") from None
    if not isinstance(data, dict):
        raise ConfigError("expected a JSON object at the top level", source=str(path))
    return HFConfig(data, str(path))


def import_workload(path: str | Path, batch: int | None = None, seq: int | None = None,
                    layers: int | None = None) -> Imported:
    """``accelsim import --hf CONFIG``: the training workload of a Hugging Face model config."""
    from accelsim.workload.importers.hf_models import MODEL_TYPES

    path = resolve(path)
    config = read_config(path)
    model_type = config.data.get("model_type")
    if model_type not in MODEL_TYPES:
        known = ", ".join(sorted(MODEL_TYPES))
        raise ConfigError(f"unknown model type {model_type!r}" if model_type is not None else
                          "missing 'model_type'", source=str(path), field="model_type",
                          fix=f"accelsim imports the model types {known}")
    built = MODEL_TYPES[model_type](config, seq, layers)
    workload = {"batch": batch or 1, "optimizer": "adamw",
                "formats": {"activation": "bf16", "weight": "bf16", "error": "bf16",
                            "weight_gradient": "bf16", "optimizer_state": "fp32",
                            "master_weight": "fp32", "mac": "bf16"},
                "layers": built.layers.layers}
    return Imported(workload, str(path), file_sha256(path), built.notes)
