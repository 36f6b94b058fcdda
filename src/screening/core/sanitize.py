"""Making text safe to show: no terminal control sequences, no invisible reordering, no
characters that cannot be written out (lone surrogates from undecodable bytes); and easy to
compare (accents folded)."""

from __future__ import annotations

import re
import unicodedata

# Whole escape sequences first (so no "[31m" is left behind), then any other control
# character, then the bidirectional overrides that can make text read differently than stored.
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
# Every line break Python knows (a lone CR too): each becomes "\n", so no two words are glued.
_BREAK = re.compile(r"\r\n?|[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_ANY = re.compile(
    r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Text with terminal control characters removed; tabs become spaces, line breaks "\n"."""
    if _ANY.search(text) is None:  # the usual case, checked in one pass
        return text
    text = _BREAK.sub("\n", text).replace("\t", " ")
    return _CONTROL.sub("", _ANSI.sub("", text))


def one_line(value: object) -> str:
    """Clean text on one line, its white space folded: a name or answer in a row or a list."""
    return " ".join(clean_text(str(value)).split())


def shown(text: str, limit: int = 60) -> str:
    """Clean text on one line, cut to ``limit`` characters: for naming a thing in a message."""
    flat = " ".join(clean_text(text).split())
    if not flat and text:
        return "(unprintable characters)"
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def unreadable(text: str) -> bool:
    """Whether the text holds bytes that could not be decoded (kept as lone surrogates)."""
    return _SURROGATE.search(text) is not None


def without_accents(text: str) -> str:
    """Text with accents and other combining marks dropped: "años" reads as "anos"."""
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
