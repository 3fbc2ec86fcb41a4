"""Options shared by several sub-commands."""
from __future__ import annotations

import argparse

from accelsim.core.limits import DEFAULT_MAX_STEPS


def whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None


def add_max_steps(p: argparse.ArgumentParser) -> None:
    p.add_argument("--max-steps", type=whole_number, default=DEFAULT_MAX_STEPS, metavar="N",
                   help="refuse a run whose engine steps (estimated before simulating, a lower "
                        f"bound) exceed N (default {DEFAULT_MAX_STEPS:,}, about 15-30 CPU-"
                        "minutes; 0: no limit)")


def check_seed(seed: int, option: str = "--seed") -> int:
    """``seed`` if NumPy accepts it (0 to 2^32 - 1), else a ConfigError naming the option."""
    from accelsim.core.errors import ConfigError
    from accelsim.core.ranges import Seed, range_of
    if problem := range_of(Seed).problem(seed):
        raise ConfigError(problem, field=option, fix=f"use a seed in {range_of(Seed).text()}")
    return seed
