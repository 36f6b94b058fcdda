"""Plain text tables for a terminal: one row per record, columns padded to line up."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from screening.core.sanitize import clean_text


def table(rows: Sequence[Mapping[str, Any]]) -> str:
    if not rows:
        return "No records."
    heads = list(rows[0])
    cells = [[clean_text(str(row[h])).replace("\n", " ") for h in heads] for row in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(heads)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(heads, widths, strict=True)).rstrip()]
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(cell, widths, strict=True)).rstrip() for cell in cells
    ]
    return "\n".join(lines)


def stream_table(
    heads: Sequence[str], widths: Sequence[int], rows: Iterator[Sequence[Any]]
) -> Iterator[str]:
    """A table one line at a time, columns padded to known widths ("No records." for none),
    so a long list never has to sit in memory."""
    pads = [max(len(h), w) for h, w in zip(heads, widths, strict=True)]
    line = "  ".join(f"{{:<{w}}}" for w in pads[:-1]) + "  {}"
    first = next(rows, None)
    if first is None:
        yield "No records."
        return
    yield line.format(*heads).rstrip()
    yield line.format(*first).rstrip()
    for row in rows:
        yield line.format(*row).rstrip()
