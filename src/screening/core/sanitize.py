"""Making typed text safe to show (no terminal control sequences, no invisible reordering)
and easy to compare (accents folded)."""

from __future__ import annotations

import re
import unicodedata

# Whole escape sequences first (so no "[31m" is left behind), then any other control
# character, then the bidirectional overrides that can make text read differently than stored.
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_ANY = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_text(text: str) -> str:
    """Text with terminal control characters removed; tabs become spaces, newlines stay."""
    if _ANY.search(text) is None:  # the usual case, checked in one pass
        return text
    text = text.replace("\r\n", "\n").replace("\t", " ")
    return _CONTROL.sub("", _ANSI.sub("", text))


def without_accents(text: str) -> str:
    """Text with accents and other combining marks dropped: "años" reads as "anos"."""
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
