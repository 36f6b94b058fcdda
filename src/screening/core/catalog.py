"""A language for what the program itself says: its messages, unit names and numbers.

``Catalog()`` is English, from ``core/messages.py``. Another language's catalog carries the
translated messages (loaded by an adapter from ``locales/LANG.yaml``) and the names of the
questionnaire's units (from its translation file). Pure: no files are read here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from screening.core.messages import EN
from screening.core.sanitize import without_accents
from screening.core.values import Value

# Short forms people type for the English unit names.
ABBREVIATIONS = {
    "wk": "week",
    "wks": "week",
    "mo": "month",
    "mos": "month",
    "mth": "month",
    "mths": "month",
    "yr": "year",
    "yrs": "year",
}


def format_number(value: float) -> str:
    """A number as people write it: no trailing '.0'."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


@dataclass(frozen=True, eq=False, repr=False)
class UnitNames(Value):
    """A unit's names in a language: for one, for more than one, and other spellings."""

    one: str
    many: str
    also: tuple[str, ...] = ()

    def words(self) -> set[str]:
        return {without_accents(w.lower()) for w in (self.one, self.many, *self.also)}


@dataclass(frozen=True, eq=False, repr=False)
class Catalog(Value):
    """The program's words in one language; a message without a translation reads in English."""

    language: str = "en"
    messages: Mapping[str, str] = field(default_factory=dict)
    # By the unit's name in the questionnaire ("months", "lb", "out of 10").
    units: Mapping[str, UnitNames] = field(default_factory=dict)

    def __call__(self, message_id: str, **values: object) -> str:
        """The message, with its {placeholders} filled in."""
        template = self.messages.get(message_id) or EN[message_id]
        return template.format_map(values) if values else template

    def number(self, value: float) -> str:
        """A number as people of this language write it: 2.5 or 2,5."""
        return format_number(value).replace(".", self("decimal_mark"))

    def unit(self, name: str, amount: float | None = None) -> str:
        """A unit's name as shown after a number (English shows the name as written)."""
        names = self.units.get(name)
        if names is None:
            return name
        return names.one if amount == 1 else names.many

    def is_unit(self, name: str, typed: str) -> bool:
        """Whether ``typed`` names the unit: in full, singular or plural, by another spelling
        or abbreviation, or by its first letter. English names are understood in any language."""
        typed = typed.lower()
        word = ABBREVIATIONS.get(typed, typed).rstrip("s")
        singular = name.lower().rstrip("s")
        if word == singular or (len(word) == 1 and singular.startswith(word)):
            return True
        names = self.units.get(name)
        if names is None:
            return False
        folded = without_accents(typed)
        first = without_accents(names.one.lower())
        return folded in names.words() or (len(folded) == 1 and first.startswith(folded))

    def or_list(self, items: Sequence[str]) -> str:
        """'weeks, months or years'."""
        if len(items) < 2:
            return "".join(items)
        return self("or_list", items=", ".join(items[:-1]), last=items[-1])

    def beside(self, other: Catalog) -> Catalog:
        """Both languages at once ("English / Español"), for the screen that picks one."""
        both = {k: f"{self(k)} / {other(k)}" for k in EN if self(k) != other(k)}
        return Catalog(self.language, both, self.units)


ENGLISH = Catalog()


def side_by_side(catalogs: Sequence[Catalog]) -> Catalog:
    """The catalogs' languages at once ("English / Español"), for a screen before one is
    picked."""
    both = catalogs[0]
    for other in catalogs[1:]:
        both = both.beside(other)
    return both
