"""Import a PyTorch module (``accelsim import --torch module:callable --input-shape N,C,H,W``).

The callable is called under ``torch.device("meta")``, so the module's parameters have shapes but
no storage: no weights are materialised, and a 7-billion-parameter model costs no memory. The
module (in eval mode) is exported to ONNX with ``torch.onnx.export(dynamo=True)``; its weight
initializers become shape-only references, each ONNX node is renamed after the module it came
from (``layer1.0.conv1``), and the graph goes through the ONNX importer (:mod:`.onnx_graph`), so
there is one operator table for both. Needs the optional ``[torch]`` extra (torch, onnxscript).
"""
from __future__ import annotations

import ast
import contextlib
import hashlib
import importlib
import io
import logging
import warnings

from accelsim.core.errors import ConfigError
from accelsim.workload.importers.emit import Imported


def _require():
    try:
        import onnx_ir
        import torch
    except ModuleNotFoundError as exc:
        raise ConfigError(f"--torch needs the {exc.name!r} package",
                          fix="pip install 'accelsim[torch]'") from None
    return torch, onnx_ir


def _callable(spec: str):
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise ConfigError(f"{spec!r} is not module:callable", field="--torch",
                          fix="e.g. --torch torchvision.models:resnet18")
    try:
        obj = importlib.import_module(module_name)
    except ImportError as exc:
        raise ConfigError(f"cannot import {module_name!r} ({exc})", field="--torch",
                          fix="check the module name and that it is on PYTHONPATH") from None
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise ConfigError(f"{module_name!r} has no attribute {attr!r}", field="--torch")
        obj = getattr(obj, part)
    if not callable(obj):
        raise ConfigError(f"{spec} is not callable", field="--torch")
    return obj


def parse_shape(text: str | None) -> tuple[int, ...]:
    if not text:
        raise ConfigError("--torch needs --input-shape", field="--input-shape",
                          fix="the input shape, batch first, e.g. --input-shape 1,3,224,224")
    try:
        shape = tuple(int(p) for p in text.replace("x", ",").split(","))
    except ValueError:
        shape = ()
    if not shape or any(d <= 0 for d in shape):
        raise ConfigError(f"not a shape: {text!r}", field="--input-shape",
                          fix="positive whole numbers separated by commas, e.g. 1,3,224,224")
    return shape


def _module_name(node, leaves: set[str]) -> str:
    """The module path an exported node came from (``layer1.0.conv1``); an op computed in a
    composite module's forward (a residual add) gets that module's path plus the op's name."""
    meta = {p.key: p.value for p in node.metadata_props}
    try:
        scopes = ast.literal_eval(meta.get("pkg.torch.onnx.name_scopes", "[]"))
    except (ValueError, SyntaxError):
        scopes = []
    path = ""
    for scope in scopes[1:-1]:  # each scope is a child name or a qualified path
        if scope:
            path = scope if not path or scope.startswith(path + ".") else f"{path}.{scope}"
    if path in leaves:
        return path
    return ".".join(p for p in (path, scopes[-1] if scopes else node.name) if p)


@contextlib.contextmanager
def _quiet(torch):
    """Silence the exporter's progress lines, warnings and log messages."""
    logger = logging.getLogger("torch.onnx")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def import_workload(spec: str, batch: int | None = None,
                    input_shape: str | None = None) -> Imported:
    """``accelsim import --torch module:callable``: export on the meta device, then import."""
    from accelsim.workload.importers.onnx_graph import import_model

    shape = parse_shape(input_shape)
    torch, ir = _require()
    factory = _callable(spec)
    with torch.device("meta"):
        model = factory()
    if not isinstance(model, torch.nn.Module):
        raise ConfigError(f"{spec} returned a {type(model).__name__}, not a torch.nn.Module",
                          field="--torch")
    model.eval()
    example = torch.empty(shape, device="meta")
    try:
        with contextlib.redirect_stdout(io.StringIO()), _quiet(torch):
            program = torch.onnx.export(model, (example,), dynamo=True, optimize=False,
                                        verbose=False)
    except Exception as exc:  # noqa: BLE001 (the exporter raises many types for what it cannot trace)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ConfigError(f"torch.onnx.export failed: {first}", source=spec,
                          fix="export the model to ONNX yourself and import the .onnx") from None
    for name, value in program.model.graph.initializers.items():
        data = value.const_value
        value.const_value = ir.ExternalTensor("meta", 0, 0, data.dtype, shape=data.shape,
                                              name=name, base_dir="")
    proto = ir.serde.serialize_model(program.model)
    leaves = {n for n, m in model.named_modules() if n and not any(True for _ in m.children())}
    for node in proto.graph.node:
        node.name = _module_name(node, leaves)
    digest = hashlib.sha256(f"{spec} {shape} torch {torch.__version__}".encode()).hexdigest()
    return import_model(proto, spec, digest, batch)
