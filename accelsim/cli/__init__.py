"""The ``accelsim`` command line. Each sub-command lives in its own module of this package and
exposes ``register(subparsers)``; user errors exit with status 2 and one line, never a traceback."""
from __future__ import annotations

import argparse
import importlib
import os
import sys

from accelsim import __version__
from accelsim.core.errors import AccelsimError

#: sub-command modules, in help order
COMMANDS = ("run", "import_model", "graph", "validate", "catalog", "energy", "derive", "study",
            "crossbar_compare", "accuracy", "sweep", "compare", "regress", "plot", "timeline")


class _Parser(argparse.ArgumentParser):
    """Bad command-line usage is one line too (usage is one ``--help`` away), exit status 2."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (fix: see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="accelsim", description="Cycle-level simulator of DNN training accelerators.")
    parser.add_argument("--version", action="version", version=f"accelsim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:  # command modules import their heavy dependencies only when run
        importlib.import_module(f".{name}", __name__).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except AccelsimError as exc:
        print(f"accelsim: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("accelsim: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (e.g. `accelsim run ... | head`)
        sys.stderr.close()
        return 0
    except OSError as exc:  # a file the user named cannot be read or written
        print(f"accelsim: error: {_os_error(exc, parser, args)}", file=sys.stderr)
        return 2
    except Exception as exc:  # an accelsim bug: one line unless debugging
        if os.environ.get("ACCELSIM_DEBUG"):
            raise
        print(f"accelsim: internal error: {type(exc).__name__}: {exc} "
              "(rerun with ACCELSIM_DEBUG=1 for a traceback and please report it)", file=sys.stderr)
        return 3


def _os_error(exc: OSError, parser: argparse.ArgumentParser, args) -> str:
    """An OS error as one line: under an output option's path, name the option and what is in
    the way (accelsim.core.outputs); elsewhere the file and the system's reason."""
    from pathlib import Path

    from accelsim.core.outputs import output_error
    if exc.filename:
        failed = Path(exc.filename)
        for action in _command_actions(parser, args.command):
            value = getattr(args, action.dest, None)
            if action.option_strings and isinstance(value, (str, Path)) and value and (
                    failed == Path(value) or Path(value) in failed.parents
                    or failed in Path(value).parents):
                return str(output_error(exc, value, "/".join(action.option_strings)))
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{exc.strerror or exc}"


def _command_actions(parser: argparse.ArgumentParser, command: str | None) -> list:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and command in action.choices:
            return action.choices[command]._actions
    return []


if __name__ == "__main__":
    sys.exit(main())
