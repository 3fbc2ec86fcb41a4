"""Importers: read a model in another format and write an accelsim workload YAML.

One module per source format, each exposing ``import_workload(source, **options) -> Imported``:

- :mod:`.onnx_graph` (with its operator table in :mod:`.onnx_ops`): an ONNX graph, shapes from ONNX
  shape inference (the optional ``[onnx]`` extra);
- :mod:`.hf_config` (model builders in :mod:`.hf_models`): a Hugging Face ``config.json`` of a GPT-2,
  BERT or Llama model (plain JSON, no dependency);
- :mod:`.torch_module`: a PyTorch module built on the meta device (no weights materialised),
  exported to ONNX and read by the ONNX importer (the optional ``[torch]`` extra).

:mod:`.emit` holds what they share: the layer list being built (operand wiring by name) and the
validated, atomic YAML write. ``accelsim import`` (accelsim/cli/import_model.py) picks the importer.
"""
from __future__ import annotations

import importlib

#: importer name -> its module in this package (imported on use: each may need an optional extra)
IMPORTERS = {"onnx": "onnx_graph", "hf": "hf_config", "torch": "torch_module"}


def importer(name: str):
    """The ``import_workload`` function of the importer called ``name``."""
    return importlib.import_module(f"{__name__}.{IMPORTERS[name]}").import_workload
