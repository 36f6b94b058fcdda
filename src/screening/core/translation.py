"""Translations, kept in step with the English: what a translation must hold, what is wrong
with one, and the questionnaire as it reads in another language.

A translation is data: entries by key, a path like ("questions", "pain_location", "help"),
each holding the translated text and a short hash of the English it was made from. When the
English changes, its hash no longer matches and the entry is stale. The same holds for the
questionnaire's translation (``rules/i18n/LANG.yaml``) and the program's own messages
(``locales/LANG.yaml``). Reading the files is an adapter's job; this module compares and
applies.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, replace

from screening.core.catalog import Catalog, UnitNames
from screening.core.messages import EN
from screening.core.models import PLACEHOLDER, Definitions, Questionnaire
from screening.core.questions import Words
from screening.core.values import Value

Key = tuple[str, ...]
# English names of the languages, for staff messages and the clinician's page.
LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def short_hash(text: str) -> str:
    """The first 8 hex digits of the SHA-256 of the text, white space folded: a change of
    wording changes it, re-wrapping a line in the file does not."""
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()[:8]


def placeholders(text: str) -> list[str]:
    """The {placeholders} in a text, sorted, each as often as it occurs."""
    return sorted(PLACEHOLDER.findall(text))


def dotted(key: Key) -> str:
    return ".".join(key)


@dataclass(frozen=True, eq=False, repr=False)
class Entry(Value):
    """One translated text, and the hash of the English it was translated from."""

    hash: str
    text: str


@dataclass(frozen=True, eq=False, repr=False)
class Finding(Value):
    """A problem with one key of a translation (the adapter finds its line)."""

    key: Key
    message: str


@dataclass(frozen=True, eq=False, repr=False)
class Source(Value):
    """The English a translation must cover: texts by key, and the keys it may leave out."""

    texts: Mapping[Key, str]
    optional: frozenset[Key] = frozenset()


def questionnaire_source(qn: Questionnaire) -> Source:
    """What a person answering reads in the questionnaire, by key. The clinician's words
    (labels, sections, the title) stay in the clinic's language."""
    texts: dict[Key, str] = {}
    optional: set[Key] = set()
    if qn.crisis_line:
        texts["crisis_line",] = qn.crisis_line
    for name, choices in qn.choice_lists.items():
        for c in choices:
            texts["choice_lists", name, c.id] = c.text
            if c.retired:
                optional.add(("choice_lists", name, c.id))
    for q in qn.questions:
        for path, text, may_skip in q.patient_texts():
            key = ("questions", q.id, *path)
            texts[key] = text
            if may_skip:
                optional.add(key)
    return Source(texts, frozenset(optional))


def messages_source() -> Source:
    """The program's own messages, by key ("messages", id)."""
    return Source({("messages", k): v for k, v in EN.items()})


def check_entries(
    source: Source, entries: Mapping[Key, Entry], language: str, unreadable: Collection[Key] = ()
) -> Iterator[Finding]:
    """Every key missing, extra or stale, each placeholder that differs, and decision
    language in the translated text. ``unreadable`` entries, already reported, are not
    missing too."""
    name = language_name(language)
    for key, english in source.texts.items():
        entry = entries.get(key)
        if entry is None:
            if key not in source.optional and key not in unreadable:
                yield Finding(
                    key,
                    f"{dotted(key)}: no {name} for it (English: {_quote(english)}); add "
                    f'{{en: "{short_hash(english)}", {language}: ...}}',
                )
            continue
        yield from _check_entry(key, english, entry, language)
    for key in entries:
        if key not in source.texts:
            yield Finding(key, f"{dotted(key)}: not in the English; remove it or fix its id")


def _check_entry(key: Key, english: str, entry: Entry, language: str) -> Iterator[Finding]:
    now = short_hash(english)
    if entry.hash != now:
        yield Finding(
            key,
            f"{dotted(key)}: the English changed since this was translated (now "
            f"{_quote(english)}); check the {language_name(language)}, then set "
            f'en: "{now}"',
        )
    want, have = placeholders(english), placeholders(entry.text)
    if want != have:
        yield Finding(
            key,
            f"{dotted(key)}: placeholders differ: the English has {_listed(want)}, "
            f"the {language_name(language)} has {_listed(have)}",
        )
    from screening.core import guard  # its patterns cost start-up time in English

    hits = guard.find_decision_language(entry.text, language=language)
    if hits:
        yield Finding(key, f"{dotted(key)}: {guard.describe(hits)}")


def check_units(
    qn: Questionnaire, units: Mapping[str, UnitNames], language: str
) -> Iterator[Finding]:
    """Each unit the questionnaire shows or takes has names in the translation, and no other."""
    used = dict.fromkeys(u for q in qn.questions for u in q.unit_names())
    for unit in used:
        if unit not in units:
            yield Finding(
                ("units", unit),
                f"units: no {language_name(language)} names for '{unit}'; add "
                f"'{unit}': {{one: ..., many: ...}}",
            )
    for unit in units:
        if unit not in used:
            yield Finding(("units", unit), f"units.{unit}: no question uses this unit; remove it")


def _quote(text: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    return '"' + (flat if len(flat) <= width else flat[: width - 3] + "...") + '"'


def _listed(names: list[str]) -> str:
    return ", ".join(f"{{{n}}}" for n in names) if names else "none"


def translate(defs: Definitions, entries: Mapping[Key, Entry], say: Catalog) -> Definitions:
    """The definitions as a person answering reads them in ``say``'s language: questions,
    help, choices and the crisis line from ``entries``, the program's words from ``say``.
    Labels, sections and rules stay as they are: the clinician's page does not change."""
    qn = defs.questionnaire

    def words(*prefix: str) -> Words:
        return lambda path: _text(entries.get((*prefix, *path)))

    lists = {
        name: [c.in_words(_text(entries.get(("choice_lists", name, c.id)))) for c in choices]
        for name, choices in qn.choice_lists.items()
    }
    copy = replace(
        qn,
        questions=[q.translated(words("questions", q.id), say) for q in qn.questions],
        choice_lists=lists,
        crisis_line=_text(entries.get(("crisis_line",))) or qn.crisis_line,
    )
    object.__setattr__(copy, "_say", say)  # not a field: frozen, and never compared
    return Definitions(questionnaire=copy, ruleset=defs.ruleset)


def _text(entry: Entry | None) -> str | None:
    return None if entry is None else entry.text
