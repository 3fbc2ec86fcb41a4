"""``accelsim import``: read a model (ONNX file, Hugging Face config.json, PyTorch module) and
write an accelsim workload YAML. The importers live in accelsim/workload/importers/."""
from __future__ import annotations

import shlex
from collections import Counter

from accelsim.cli.run import _positive
from accelsim.core.errors import ConfigError

#: source argument -> (importer in accelsim.workload.importers, the options that go with it)
SOURCES = {"model": ("onnx", ()), "hf": ("hf", ("seq", "layers")),
           "torch": ("torch", ("input_shape",))}


def register(sub) -> None:
    p = sub.add_parser(
        "import", help="write a workload YAML from an ONNX model, a Hugging Face config or a "
                       "PyTorch module",
        description="Import a model as a workload YAML. Give exactly one source: an ONNX file "
                    "(MODEL), --hf CONFIG (a Hugging Face config.json of a gpt2, bert or llama "
                    "model) or --torch module:callable with --input-shape. Unsupported operators "
                    "are all listed in one error and nothing is written.")
    p.add_argument("model", nargs="?", help="an .onnx model file")
    p.add_argument("--hf", metavar="CONFIG", help="a Hugging Face config.json, or a shipped "
                   "one by name: gpt2, bert-base, llama-2-7b")
    p.add_argument("--torch", metavar="MODULE:CALLABLE",
                   help="a callable that returns a torch.nn.Module, e.g. torchvision.models:resnet18")
    p.add_argument("--input-shape", metavar="N,C,H,W",
                   help="--torch: the input shape, batch first, e.g. 1,3,224,224")
    p.add_argument("-o", "--out", required=True, help="the workload .yaml to write")
    p.add_argument("--batch", type=_positive, default=None, help="the workload's batch size")
    p.add_argument("--seq", type=_positive, default=None,
                   help="--hf: sequence length (default: the config's maximum positions)")
    p.add_argument("--layers", type=_positive, default=None,
                   help="--hf: number of transformer blocks (default: the config's)")
    p.set_defaults(func=run)


def _source(args) -> tuple[str, dict]:
    """The importer to use and its options; exactly one source, and only its options."""
    given = [k for k in SOURCES if getattr(args, k)]
    if len(given) != 1:
        raise ConfigError("give exactly one model source" if given else "no model given",
                          fix="accelsim import MODEL.onnx | --hf CONFIG | --torch MODULE:CALLABLE "
                          "--input-shape N,C,H,W, with -o OUT.yaml")
    kind = given[0]
    allowed = SOURCES[kind][1]
    for opt in ("seq", "layers", "input_shape"):
        if getattr(args, opt) is not None and opt not in allowed:
            flag = "--" + opt.replace("_", "-")
            raise ConfigError(f"{flag} does not apply to this source",
                              fix=f"{flag} goes with " + ("--hf" if opt != "input_shape"
                                                           else "--torch"))
    options = {"batch": args.batch, **{k: getattr(args, k) for k in allowed}}
    return kind, options


def _command(args) -> str:
    parts = ["accelsim", "import"]
    parts += [args.model] if args.model else (["--hf", args.hf] if args.hf else
                                              ["--torch", args.torch])
    for opt in ("input_shape", "seq", "layers", "batch"):
        if getattr(args, opt) is not None:
            parts += ["--" + opt.replace("_", "-"), str(getattr(args, opt))]
    return shlex.join(parts + ["-o", args.out])


def run(args) -> int:
    from accelsim.workload.importers import importer
    from accelsim.workload.importers.emit import write_workload

    kind, options = _source(args)
    imported = importer(SOURCES[kind][0])(getattr(args, kind), **options)
    workload, macs = write_workload(imported, args.out, _command(args))
    kinds = Counter(layer.kind for layer in workload.layers)
    print(f"wrote {args.out}: {len(workload.layers)} layers ("
          + ", ".join(f"{k} ×{n}" for k, n in sorted(kinds.items()))
          + f"), {macs:,} forward MACs per sample, batch {workload.batch}")
    for note in imported.notes:
        print(f"  {note}")
    return 0

