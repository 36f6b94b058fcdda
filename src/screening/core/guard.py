"""The non-diagnostic guard: the one list of decision language the tool never emits.

Whatever the answers, the summary's only conclusion is "Discuss with a specialist." Any text
that the tool or a clinic writes (question wording, rule notes, templates) and every rendered
summary are checked against this list. Text a person typed is their data and is not judged.
Spanish wording (the translations a patient reads) is checked against both lists, with
accents folded, so "idóneo", "idoneo" and "ido\u0301neo" are one word.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from screening.core.sanitize import without_accents

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
    ("criteri", r"meets? (?:the |all |these )?criteri(?:a|on)|met the criteri(?:a|on)"),
    ("cleared", r"cleared (?:for|to)"),
    ("offered", r"should (?:not )?be offered"),
    ("ideal", r"ideal(?:ly)?"),
    ("option", r"(?:good|great|best|right|ideal) (?:option|choice)"),
    ("must not", r"must not"),
    ("proceed", r"proceed(?:s|ed|ing)? (?:to|with)"),
)

# The same for Spanish, written without accents: the text is matched with its accents folded.
DECISION_PATTERNS_ES: tuple[tuple[str, str], ...] = (
    ("elegib", r"(?:in)?elegib\w*"),
    ("candidat", r"candidat\w*"),
    ("apt", r"apt(?:o|a|os|as|itud)"),
    ("idone", r"idone\w*"),
    ("recom", r"recom(?:e|ie)nd\w*"),
    ("para", r"(?:adecuad|apropiad)[oa]s? para|califica(?:s|n|do|da)? para"),
    (
        "deb",
        r"deb(?:e|en|eria|erian) (?:no )?(?:empezar|comenzar|iniciar|recibir|probar|evitar"
        r"|tener|hacerse|someterse|ser tratad[oa])",
    ),
    ("benefici", r"se benefici\w*|beneficiar\w*"),
    ("diagnos", r"diagnos\w*"),
    ("indicad", r"contraindicad\w*|(?:esta|estan) indicad[oa]s?"),
    ("aprobad", r"aprobad[oa]s?"),
    ("exclu", r"excluid[oa]s?|exclusion"),
    ("descart", r"descartad[oa]s?"),
    ("criterio", r"cumplen? (?:con )?(?:los |todos los |estos )?criterios?"),
    ("opcion", r"(?:buena|mejor|gran) opcion"),
)

# Letters from other scripts that look like Latin ones, as they would be read.
_LOOKALIKES = str.maketrans(
    "\u0430\u0435\u043e\u0440\u0441\u0443\u0445\u0456\u0458\u0455\u04cf\u0501"
    "\u0410\u0415\u041e\u0420\u0421\u0425\u0406\u0408\u0405\u041a\u041c\u041d\u0422"
    "\u03bf\u03b1\u03b5\u03b9\u03ba\u03bd\u03c1\u03c4\u03c5\u03c7"
    "\u039f\u0391\u0395\u0399\u039a\u039d\u03a1\u03a4\u03a5\u03a7\u0392\u0396\u0397",
    "aeopcyxijsldAEOPCXIJSKMHToaeiknptuxOAEIKNPTYXBZH",
)
# Characters that show nothing, or nothing inside a word.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f"
    "\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufe00-\ufe0f\ufeff]"
)
# Four or more single letters with separators between them: "e-l-i-g-i-b-l-e", "e l i g".
_SPACED = re.compile(r"(?<![^\W_])[^\W\d_](?:[\s\-_.*\u00b7\u2022/|]+[^\W\d_](?![^\W_])){3,}")
_SEPARATORS = re.compile(r"[\s\-_.*\u00b7\u2022/|]+")
# Markup that can sit inside a word: HTML tags, Markdown emphasis and code marks.
_TAG = re.compile(r"<[^<>]*>")
_EMPHASIS = re.compile(r"\*\*|__|[*_`~]")

_COMPILED = tuple(
    (stem, re.compile(rf"\b(?:{pattern})\b", re.I)) for stem, pattern in DECISION_PATTERNS
)
_COMPILED_ES = _COMPILED + tuple(
    (stem, re.compile(rf"\b(?:{pattern})\b", re.I)) for stem, pattern in DECISION_PATTERNS_ES
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


def readings(text: str) -> tuple[str, ...]:
    """The ways a reader may see ``text``: Unicode compatibility forms folded (full-width
    letters), look-alike letters as Latin, invisible characters gone, spaced-out letters
    joined, and markup inside words removed (tags and emphasis marks dropped, and tags read
    as spaces)."""
    if (
        text.isascii()
        and not _SPACED.search(text)
        and "<" not in text
        and "*" not in text
        and "_" not in text
        and "`" not in text
        and "~" not in text
    ):
        return (text,)  # the usual case: nothing to fold
    plain = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).translate(_LOOKALIKES)
    plain = _SPACED.sub(lambda m: _SEPARATORS.sub("", m.group(0)), plain)
    unmarked = _EMPHASIS.sub("", _TAG.sub("", plain))
    spaced = _EMPHASIS.sub("", _TAG.sub(" ", plain))
    return tuple(dict.fromkeys((plain, unmarked, spaced)))


def find_decision_language(
    text: str, allowed: Iterable[str] = (), *, language: str = "en"
) -> list[Hit]:
    """Decision language in ``text`` however it is disguised, ignoring the exact ``allowed``
    passages (the fixed disclaimer). Spanish text is read with its accents folded, against
    the Spanish list and the English one."""
    allowed = tuple(allowed)
    patterns = _COMPILED
    texts = readings(text)
    if language == "es":
        patterns = _COMPILED_ES
        allowed = tuple(without_accents(a) for a in allowed)
        texts = tuple(dict.fromkeys(without_accents(r) for r in texts))
    found: dict[str, Hit] = {}
    for reading in texts:
        for hit in _find(reading, allowed, patterns):
            found.setdefault(hit.words.lower(), hit)
    return sorted(found.values(), key=lambda h: h.offset)


def _find(
    text: str, allowed: tuple[str, ...], patterns: tuple[tuple[str, re.Pattern[str]], ...]
) -> list[Hit]:
    folded = fold(text)
    # Longest first, so a passage that contains a shorter one is blanked whole.
    for passage in sorted(
        {fold(a).strip() for a in allowed if a and a.strip()}, key=len, reverse=True
    ):
        folded = folded.replace(passage, " " * len(passage))
    lowered = folded.lower()
    found: dict[int, Hit] = {}
    for stem, rx in patterns:
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
