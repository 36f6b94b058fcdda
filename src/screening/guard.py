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

# Each entry is a regular expression matched case-insensitively on word boundaries, over text
# whose white space has been folded to single spaces (so a phrase split across lines still counts).
DECISION_PATTERNS: tuple[str, ...] = (
    r"eligib\w*",
    r"ineligib\w*",
    r"qualif(?:y|ies|ied|ying|ication|ications)",
    r"candidates?|candidacy",
    r"suitab\w*",
    r"unsuitab\w*",
    r"recommend\w*",
    r"approved?|approval",
    r"contra-?indicat\w*",
    r"indicated|indication for",
    r"rul(?:e|es|ed|ing) (?:him |her |them |you |the patient |this |it )?out",
    r"good fit|great fit|right fit",
    r"appropriate for",
    r"should (?:not )?(?:start|receive|try|avoid|get|have|be treated|undergo)",
    r"(?:will|would|likely to|expected to|could|may|might) benefit",
    r"benefit(?:s|ed)? from",
    r"diagnos\w*",
    r"exclud\w*|exclusion",
    r"(?:is|are|not) (?:a )?(?:good |poor )?match for",
)

_COMPILED = re.compile(r"\b(?:" + "|".join(f"(?:{p})" for p in DECISION_PATTERNS) + r")\b", re.I)
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Hit:
    """Decision language found: the words, and where in the checked text they start."""

    words: str
    offset: int


def fold(text: str) -> str:
    return _SPACE.sub(" ", text)


def find_decision_language(text: str, allowed: Iterable[str] = ()) -> list[Hit]:
    """Decision language in ``text``, ignoring the exact ``allowed`` passages.

    ``allowed`` holds what may stand as it is: the fixed disclaimer and text a person typed.
    """
    folded = fold(text)
    # Longest first, so a passage that contains a shorter one is blanked whole.
    for passage in sorted({fold(a).strip() for a in allowed if a and a.strip()}, key=len,
                          reverse=True):
        folded = folded.replace(passage, " " * len(passage))
    return [Hit(m.group(0), m.start()) for m in _COMPILED.finditer(folded)]


def describe(hits: Iterable[Hit]) -> str:
    words = sorted({h.words.lower() for h in hits})
    return "uses decision language: " + ", ".join(f'"{w}"' for w in words)
