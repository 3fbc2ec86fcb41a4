"""User-facing errors.

Every problem a user can cause (a bad file, an unknown key, an impossible shape) is raised as an
:class:`AccelsimError`. The CLI prints its one-line message and exits with status 2; it never
shows a traceback. A message names *where* (file, line, field), *what* is wrong and *how to fix it*.
"""
from __future__ import annotations


class AccelsimError(Exception):
    """A problem with the user's input, reported as one readable line."""

    def __init__(self, message: str, *, source: str | None = None, field: str | None = None,
                 fix: str | None = None):
        self.message = message
        self.source = source
        self.field = field
        self.fix = fix
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ": ".join(p for p in (self.source, self.field) if p)
        text = f"{where}: {self.message}" if where else self.message
        if self.fix:
            text += f" (fix: {self.fix})"
        return text


class ConfigError(AccelsimError):
    """A hardware config, workload, sweep or table file is invalid."""
