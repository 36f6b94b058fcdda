"""``Value``: equality, hashing and a repr by fields, written once for the core's frozen
dataclasses (definitions, records, prompts, messages), which declare ``eq=False, repr=False``.

A dataclass writes these three methods for each class as source text and compiles it when
the module is imported: on Python 3.11 about 60 µs a method. The interview loads some forty
of these classes before its first question, so here they are written once instead.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any


class Value:
    """Compared and hashed by its fields (those with compare=True), shown by them too, as a
    dataclass's own methods would be."""

    __slots__ = ()

    def _compared(self) -> tuple[Any, ...]:
        return tuple(getattr(self, f.name) for f in fields(self) if f.compare)  # type: ignore[arg-type]

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Value)
        return self._compared() == other._compared()

    def __hash__(self) -> int:
        return hash(self._compared())

    def __repr__(self) -> str:
        shown = (f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.repr)  # type: ignore[arg-type]
        return f"{type(self).__qualname__}({', '.join(shown)})"
