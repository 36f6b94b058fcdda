"""The non-diagnostic guard: the one list of decision language the tool never emits.

Whatever the answers, the summary's only conclusion is "Discuss with a specialist." Any text
that the tool or a clinic writes (question wording, rule notes, templates) and every rendered
summary are checked against this list. Text a person typed is their data and is not judged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

NEXT_STEP = "Discuss with a specialist."
DISCLAIMER = "This summary is not a diagnosis and not a treatment recommendation."

# Each entry is (a stem every match contains, in lower case; a regular expression matched
# case-insensitively on word boundaries), over text whose white space is folded to single
# spaces, so a phrase split across lines still counts. The stem lets the check skip patterns
# that cannot match, which keeps guarding every summary cheap.
DECISION_PATTERNS: tuple[tuple[str, str], ...] = (
    ("eligib", r"(?:in)?eligib\w*"),
    ("qualif", r"qualif(?:y|ies|ied|ying|ication|ications)"),
    ("candida", r"candidates?|candidacy"),
    ("suitab", r"(?:un)?suitab\w*"),
    ("recommend", r"recommend\w*"),
    ("approv", r"approved?|approval"),
    ("indicat", r"contra-?indicat\w*|indicated|indication for"),
    (" out", r"rul(?:e|es|ed|ing) (?:him |her |them |you |the patient |this |it )?out"),
    (" fit", r"good fit|great fit|right fit"),
    ("appropriate", r"appropriate for"),
    ("should", r"should (?:not )?(?:start|receive|try|avoid|get|have|be treated|undergo)"),
    (
        "benefit",
        r"(?:will|would|likely to|expected to|could|may|might) benefit"
        r"|benefit(?:s|ed)? from",
    ),
    ("diagnos", r"diagnos\w*"),
    ("exclu", r"exclud\w*|exclusion"),
    ("match for", r"(?:is|are|not) (?:a )?(?:good |poor )?match for"),
)

_COMPILED = tuple(
    (stem, re.compile(rf"\b(?:{pattern})\b", re.I)) for stem, pattern in DECISION_PATTERNS
)
WINDOW = 40


@dataclass(frozen=True)
class Hit:
    """Decision language found: the words, and where in the checked text they start."""

    words: str
    offset: int


def fold(text: str) -> str:
    """Runs of white space as one space (split and join run in C: faster than a regex)."""
    return " ".join(text.split())


def find_decision_language(text: str, allowed: Iterable[str] = ()) -> list[Hit]:
    """Decision language in ``text``, ignoring the exact ``allowed`` passages.

    ``allowed`` holds what may stand as it is: the fixed disclaimer and text a person typed.
    """
    folded = fold(text)
    # Longest first, so a passage that contains a shorter one is blanked whole.
    for passage in sorted(
        {fold(a).strip() for a in allowed if a and a.strip()}, key=len, reverse=True
    ):
        folded = folded.replace(passage, " " * len(passage))
    lowered = folded.lower()
    found: dict[int, Hit] = {}
    for stem, rx in _COMPILED:
        # Search only around each place the stem stands: every pattern is short, so a
        # window of WINDOW characters either side holds any match that contains the stem.
        at = lowered.find(stem)
        while at != -1:
            start = max(0, at - WINDOW)
            for m in rx.finditer(folded, start, at + len(stem) + WINDOW):
                if m.start() <= at < m.end():
                    found.setdefault(m.start(), Hit(m.group(0), m.start()))
            at = lowered.find(stem, at + 1)
    return [found[k] for k in sorted(found)]


def describe(hits: Iterable[Hit]) -> str:
    words = sorted({h.words.lower() for h in hits})
    return "uses decision language: " + ", ".join(f'"{w}"' for w in words)
