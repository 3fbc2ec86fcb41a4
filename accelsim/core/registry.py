"""Name registries: implementations register under the name used in config files.

An unknown name is an error that lists the valid ones (the Ramulator 2 convention).
"""
from __future__ import annotations

from typing import Callable, Generic, TypeVar

from accelsim.core.errors import ConfigError

T = TypeVar("T")


class Registry(Generic[T]):
    """Maps config names to implementations (classes, presets or factories)."""

    def __init__(self, kind: str):
        self.kind = kind
        self._items: dict[str, T] = {}

    def register(self, name: str) -> Callable[[T], T]:
        def decorator(obj: T) -> T:
            self.add(name, obj)
            return obj
        return decorator

    def add(self, name: str, obj: T) -> None:
        if name in self._items:
            raise ValueError(f"{self.kind} {name!r} registered twice")
        self._items[name] = obj

    def get(self, name: str, *, source: str | None = None, field: str | None = None) -> T:
        try:
            return self._items[name]
        except KeyError:
            raise ConfigError(f"unknown {self.kind} {name!r}", source=source, field=field,
                              fix=self._choices()) from None

    def check(self, name: str) -> str:
        """``name`` if registered, else ValueError in :meth:`get`'s words: for pydantic field
        validators, whose errors the config loader reports with the file and the field."""
        if name not in self._items:
            raise ValueError(f"unknown {self.kind} {name!r} ({self._choices()})")
        return name

    def _choices(self) -> str:
        return "use one of: " + ", ".join(sorted(self._items))

    def names(self) -> list[str]:
        return sorted(self._items)

    def items(self) -> list[tuple[str, T]]:
        """(name, implementation) pairs, sorted by name."""
        return sorted(self._items.items())

    def __contains__(self, name: str) -> bool:
        return name in self._items
