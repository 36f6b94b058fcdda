"""The kinds of question. Each one parses, checks, bounds and shows its own answers.

A question is one of seven classes told apart by ``type``. What differs by kind lives on the
class, so no other module asks which kind a question is. Messages say what is expected,
never the value given: that value is patient data. A question speaks the language of its
catalog (``say``): English, or the language the questionnaire was translated into.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, Literal, Protocol, Self

from screening.core.catalog import ENGLISH, Catalog, format_number
from screening.core.conditions import (
    CHOICE_OPS,
    MULTI_OPS,
    AnswerValue,
    Compare,
    Condition,
    condition_from,
)
from screening.core.sanitize import clean_text, unreadable
from screening.core.values import Value

Widget = Literal["typed", "one", "many"]
Result = tuple[AnswerValue | None, str | None]
# A translation's wording for a path within a question, like ("choices", "sleep"); None: none.
Words = Callable[[tuple[str, ...]], str | None]
# Beyond any question's bounds: larger numbers are refused before any arithmetic on them.
LARGEST = 10**15

# Plain classes: a file's questions are validated as ``file_models`` says (its bounds and
# checks within one question), then made into these.


class ChoiceLists(Protocol):
    """Where a question finds shared choice lists and earlier questions: the questionnaire."""

    @property
    def choice_lists(self) -> Mapping[str, list[Choice]]: ...

    def get(self, question_id: str) -> Question | None: ...


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class Choice(Value):
    """A choice of a single or multi question: its id, what the person reads, and the
    clinician's label."""

    id: str
    text: str
    label: str | None = None
    # Chosen alone: "prefer not to say" or "not sure" cannot stand beside another choice.
    exclusive: bool = False
    retired: bool = False

    @property
    def clinician_label(self) -> str:
        return self.label or self.text

    def in_words(self, text: str | None) -> Choice:
        """The choice as a translation words it; the clinician's label stays as it was."""
        if text is None:
            return self
        return replace(self, text=text, label=self.clinician_label)


@dataclass(frozen=True, eq=False, repr=False)
class AnswerContext(Value):
    """What checking or showing an answer may need beyond the question itself."""

    today: dt.date
    choices: tuple[Choice, ...] = ()  # the question's whole list
    offered: tuple[str, ...] = ()  # the ids on offer now (fewer, with choices_from)
    choices_from: str | None = None
    answers: Mapping[str, AnswerValue] = field(default_factory=dict)  # the answers before it


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class QuestionBase(Value):
    """Fields every kind of question has."""

    id: str
    label: str
    text: str
    help: str | None = None
    section: str = "Other"
    audience: Literal["everyone", "staff"] = "everyone"
    required: bool = False
    invalid: str | None = None
    when: Condition | None = None
    criteria: list[str] = field(default_factory=list)

    widget: ClassVar[Widget] = "typed"
    skip_message: ClassVar[str] = "skip_typed"
    # Text a person typed: shown as their data, never judged by the guard.
    typed_by_person: ClassVar[bool] = False
    # The language of its messages: set on the copies a translation makes.
    _say: ClassVar[Catalog] = ENGLISH

    @property
    def say(self) -> Catalog:
        """The catalog this question speaks from."""
        return self._say

    @property
    def skip_hint(self) -> str:
        return self.say(self.skip_message)

    def accept(self, value: Any, ctx: AnswerContext) -> Result:
        """(the answer in its stored form, None) or (None, what is expected)."""
        raise NotImplementedError

    @property
    def picks_from(self) -> str | None:
        """The earlier question whose picks this one offers, if any."""
        return None

    @property
    def inline_choices(self) -> list[Choice] | None:
        """The choices written in the question itself, if any."""
        return None

    @property
    def always_offered(self) -> tuple[str, ...]:
        """Choice ids offered whatever was picked in ``picks_from``."""
        return ()

    @property
    def extra_choices(self) -> list[Choice]:
        """Choices offered after those picked in ``picks_from`` (choices_also)."""
        return []

    @property
    def choice_list_name(self) -> str | None:
        """The shared choice list the question names, if any."""
        return None

    def list_choices(self, owner: ChoiceLists, seen: frozenset[str]) -> tuple[Choice, ...]:
        """The whole choice list (none, for a question that is not a choice)."""
        return ()

    # How many characters a typed answer may have: longer input is refused unread.
    typed_limit: ClassVar[int] = 100

    def read_typed(self, typed: str) -> tuple[Any, str | None]:
        """What a person typed, as the raw value ``accept`` takes, or a message. Input that
        could not be decoded, or is longer than any answer, is refused before it is parsed."""
        if unreadable(typed):
            return None, self.say("unreadable")
        text = typed.strip()
        if len(text) > self.typed_limit:
            return None, self.invalid or self._too_long()
        return self.parse_typed(text)

    def parse_typed(self, typed: str) -> tuple[Any, str | None]:
        """Stripped typed input of a fitting length, as the raw value ``accept`` takes."""
        return typed, None

    def _too_long(self) -> str:
        return self.say("text_too_long", max=self.typed_limit)

    def show(self, value: AnswerValue, ctx: AnswerContext, *, short: bool = True) -> str:
        """One line (or paragraph, for free text) for a person to read."""
        return clean_text(str(value))

    def as_typed(self, value: AnswerValue | None) -> str:
        """A stored answer as the person would type it again."""
        return "" if value is None else clean_text(str(value))

    def typing_hint(self) -> str:
        return ""

    @property
    def lists_choices(self) -> bool:
        """Whether a listing of questions shows choices under this one."""
        return False

    def stamped_when(self, answered: str) -> bool:
        """Whether answering ``answered`` fills in this question with the time of day."""
        return False

    def refers_to(self) -> list[str]:
        """Other question ids this one names (besides its condition and choices_from)."""
        return []

    def comparison_problem(self, cmp: Compare, choice_ids: set[str]) -> str | None:
        """Why a rule or skip condition cannot compare this question so, or None."""
        if cmp.operator == "answered":
            return None
        return self._compare_problem(cmp, choice_ids)

    def _compare_problem(self, cmp: Compare, choice_ids: set[str]) -> str | None:
        return f"'{cmp.operator}' does not fit {self.type_name} question '{self.id}'"

    @property
    def type_name(self) -> str:
        return str(getattr(self, "type", "?"))

    def facts(self) -> list[str]:
        """Short facts for a listing of questions: bounds, units, who is asked."""
        flags = [self.type_name, *self._kind_facts()]
        if self.required:
            flags.append("required")
        if self.audience == "staff":
            flags.append("staff only")
        if self.when is not None:
            flags.append("conditional")
        return [*flags, *self._source_facts()]

    def _source_facts(self) -> list[str]:
        return []

    def _kind_facts(self) -> list[str]:
        return []

    def wording(self) -> list[tuple[tuple[str | int, ...], str]]:
        """Every text of the definition a person reads, with its path, for the guard."""
        return [
            ((f,), v)
            for f in ("label", "text", "help", "section", "invalid")
            if (v := getattr(self, f))
        ]

    def patient_texts(self) -> list[tuple[tuple[str, ...], str, bool]]:
        """What the person answering reads, for a translation: (path, English, whether a
        translation may leave it out)."""
        return [((f,), v, False) for f in ("text", "help", "invalid") if (v := getattr(self, f))]

    def unit_names(self) -> list[str]:
        """The units the question shows or takes, by the names a translation gives them."""
        return []

    def translated(self, words: Words, say: Catalog) -> Self:
        """A copy that reads in another language: each text from ``words`` by its path (as
        it was, where there is none) and the program's messages from ``say``."""
        update: dict[str, Any] = {
            f: words((f,)) or v for f in ("text", "help", "invalid") if (v := getattr(self, f))
        }
        copy = replace(self, **update, **self._translated(words, say))
        object.__setattr__(copy, "_say", say)  # not a field: frozen, and never compared
        return copy

    def _translated(self, words: Words, say: Catalog) -> dict[str, Any]:
        return {}


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class TextQuestion(QuestionBase):
    """Words the person types, up to ``max_length`` characters."""

    type: Literal["text"] = "text"
    max_length: int = 2000

    typed_by_person: ClassVar[bool] = True

    @property
    def typed_limit(self) -> int:  # type: ignore[override]
        return self.max_length

    def accept(self, value: Any, ctx: AnswerContext) -> Result:
        if not isinstance(value, str):
            return None, self.invalid or self.say("enter_text")
        if unreadable(value):
            return None, self.say("unreadable")
        text = value.strip()
        if len(text) > self.max_length:
            return None, self.invalid or self.say("text_too_long", max=self.max_length)
        return (text or None), None

    def _compare_problem(self, cmp: Compare, choice_ids: set[str]) -> str | None:
        return f"'{self.id}' is free text: only 'answered' can test it"


# A number (with a decimal point or comma) and a unit word in any alphabet ("2 años"),
# matched whole against stripped text of at most typed_limit characters; no two parts of the
# pattern can take the same characters, so a failing match is linear in the input.
_QUANTITY = re.compile(r"([0-9]+(?:[.,][0-9]+)?)(?:\s*([^\W\d_]+)\.?)?")


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class LowerThan(Value):
    """The answer must be lower than an earlier one (the bottom blood-pressure number)."""

    question: str
    message: str


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class NumberQuestion(QuestionBase):
    """Any number, within bounds, in a unit (typed in other units too)."""

    type: Literal["number"] = "number"
    min: float | None = None
    max: float | None = None
    unit: str | None = None
    # Units a person may answer in, with how many stored units each is ("2 years" -> 24
    # months). A factor may be written as a fraction: weeks: 12/52.
    input_units: dict[str, float] | None = None
    examples: list[str] = field(default_factory=list)
    lower_than: LowerThan | None = None

    whole: ClassVar[bool] = False

    def refers_to(self) -> list[str]:
        return [self.lower_than.question] if self.lower_than else []

    def _like(self, quoted: bool = True) -> str:
        return self.say(
            "like" if quoted else "like_hint", first=self.examples[0], second=self.examples[1]
        )

    def _expected(self) -> str:
        """What to type, with its bounds: 'a whole number from 0 to 10'."""
        kind = "a_whole_number" if self.whole else "a_number"
        low, high = (None if b is None else self.say.number(b) for b in (self.min, self.max))
        if low is not None and high is not None:
            return self.say(f"{kind}_from_to", low=low, high=high)
        if low is not None:
            return self.say(f"{kind}_at_least", low=low)
        if high is not None:
            return self.say(f"{kind}_at_most", high=high)
        return self.say(kind)

    def accept(self, value: Any, ctx: AnswerContext) -> Result:
        expected = self.invalid or self.say("enter_number", number=self._expected())
        # The size first: a huge whole number cannot even be turned into a float.
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not -LARGEST < value < LARGEST
        ):
            return None, expected
        if self.whole and not float(value).is_integer():
            return None, expected
        if (self.min is not None and value < self.min) or (
            self.max is not None and value > self.max
        ):
            return None, expected
        if self.lower_than is not None:
            other = ctx.answers.get(self.lower_than.question)
            if isinstance(other, int | float) and not isinstance(other, bool) and value >= other:
                return None, self.lower_than.message
        whole = self.whole or float(value).is_integer()
        return (int(value) if whole else float(value)), None

    def parse_typed(self, typed: str) -> tuple[Any, str | None]:
        """A number, with a unit where the question lists ``input_units`` ("2 years")."""
        text = typed
        if not text:
            return text, None
        match = _QUANTITY.fullmatch(text)
        if match is None:
            if self.input_units:
                return None, self._say_units("number_and_unit")
            return None, self._number_hint()
        number = float(match.group(1).replace(",", "."))
        unit = (match.group(2) or "").lower()
        if self.input_units:
            if not unit:
                return None, self._say_units("add_unit")
            factor = self._unit_factor(unit)
            if factor is None:
                return None, self._say_units("use_unit")
            return round(number * factor, 2), None
        if unit and not self.say.is_unit(self.unit or "", unit):
            return None, self._number_hint()
        return (int(number) if number.is_integer() else number), None

    def _unit_factor(self, typed: str) -> float | None:
        for name, factor in (self.input_units or {}).items():
            if self.say.is_unit(name, typed):
                return factor
        return None

    def _say_units(self, message: str) -> str:
        units = self.say.or_list([self.say.unit(u) for u in self.input_units or {}])
        return self.say(message, units=units, like=self._like())

    def _number_hint(self) -> str:
        return self.invalid or self.say("type_number", number=self._expected())

    def _too_long(self) -> str:
        if self.input_units:
            return self._say_units("number_and_unit")
        return self._number_hint()

    def show(self, value: AnswerValue, ctx: AnswerContext, *, short: bool = True) -> str:
        if not isinstance(value, int | float) or isinstance(value, bool):
            return clean_text(str(value))
        shown = self._amount(value, self.unit)
        # With answer units on offer, a long span also reads in the largest unit that fits
        # twice ("30 months (about 2.5 years)"), a short one in the smallest unit
        # ("1.38 months (about 6 weeks)").
        units = self.input_units or {}
        larger = [(f, u) for u, f in units.items() if f > 1 and value >= 2 * f]
        smaller = [(f, u) for u, f in units.items() if f < 1]
        if larger:
            factor, unit = max(larger)
            about = self._amount(round(value / factor, 1), unit)
            shown += " " + self.say("about", amount=about)
        elif smaller and 0 < value < 2:
            factor, unit = min(smaller)
            shown += " " + self.say("about", amount=self._amount(round(value / factor), unit))
        return shown

    def _amount(self, value: float, unit: str | None) -> str:
        """'30 months', '1 mes', '2,5 años': a number and the unit's name for it."""
        number = self.say.number(value)
        return f"{number} {self.say.unit(unit, value)}" if unit else number

    def as_typed(self, value: AnswerValue | None) -> str:
        if not isinstance(value, int | float) or isinstance(value, bool):
            return super().as_typed(value)
        return self._amount(value, self.unit if self.input_units else None)

    def typing_hint(self) -> str:
        if self.input_units:
            return self._like(quoted=False)
        if self.whole and self.min is not None and self.max is not None:
            # A scale is typed, not picked from a list: Enter alone must never mean 0.
            if self.unit and not self.unit.startswith("out of"):
                return self.say(
                    "range_hint_unit",
                    low=self.say.number(self.min),
                    high=self.say.number(self.max),
                    unit=self.say.unit(self.unit),
                )
            return self.say(
                "range_hint", low=self.say.number(self.min), high=self.say.number(self.max)
            )
        return f"({self.say.unit(self.unit)})" if self.unit else ""

    def _compare_problem(self, cmp: Compare, choice_ids: set[str]) -> str | None:
        if cmp.operator in MULTI_OPS:
            return super()._compare_problem(cmp, choice_ids)
        values = cmp.value if isinstance(cmp.value, list) else [cmp.value]
        if any(isinstance(v, bool) or not isinstance(v, int | float) for v in values):
            return f"'{self.id}' is a {self.type_name}: compare it with a number"
        return None

    def _kind_facts(self) -> list[str]:
        facts = []
        if self.min is not None or self.max is not None:
            low = "" if self.min is None else format_number(self.min)
            high = "" if self.max is None else format_number(self.max)
            facts.append(f"{low}..{high}")
        if self.unit:
            facts.append(self.unit)
        return facts

    def wording(self) -> list[tuple[tuple[str | int, ...], str]]:
        return [*super().wording(), *([(("unit",), self.unit)] if self.unit else [])]

    def patient_texts(self) -> list[tuple[tuple[str, ...], str, bool]]:
        lower = [(("lower_than",), self.lower_than.message, False)] if self.lower_than else []
        return [*super().patient_texts(), *lower]

    def unit_names(self) -> list[str]:
        return [*([self.unit] if self.unit else []), *(self.input_units or {})]

    def _translated(self, words: Words, say: Catalog) -> dict[str, Any]:
        update: dict[str, Any] = {"examples": [self._example_in(e, say) for e in self.examples]}
        message = words(("lower_than",))
        if self.lower_than is not None and message:
            update["lower_than"] = replace(self.lower_than, message=message)
        return update

    def _example_in(self, example: str, say: Catalog) -> str:
        """An example answer as the other language writes it: '2 years' -> '2 años'."""
        match = _QUANTITY.fullmatch(example.strip())
        if match is None:
            return example
        units = self.input_units or {}
        unit = next((u for u in units if ENGLISH.is_unit(u, match.group(2))), None)
        if unit is None:
            return example
        number = float(match.group(1).replace(",", "."))
        return f"{say.number(number)} {say.unit(unit, number)}"


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class IntegerQuestion(NumberQuestion):
    """A whole number."""

    type: Literal["integer"] = "integer"  # type: ignore[assignment]

    whole: ClassVar[bool] = True


def _day(bound: dt.date | str | None, today: dt.date) -> dt.date | None:
    return today if bound == "today" else bound if isinstance(bound, dt.date) else None


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class DateQuestion(QuestionBase):
    """A day, typed YYYY-MM-DD, within bounds."""

    type: Literal["date"] = "date"
    earliest: dt.date | Literal["today"] | None = None
    latest: dt.date | Literal["today"] | None = None
    # For a date of birth: the summary also shows the age on the day it is prepared.
    show_age: bool = False

    def accept(self, value: Any, ctx: AnswerContext) -> Result:
        earliest, latest = _day(self.earliest, ctx.today), _day(self.latest, ctx.today)
        expected = self.invalid or self._expected(earliest, latest)
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value.strip())
            except ValueError:
                return None, expected
        if not isinstance(value, dt.date):
            return None, expected
        if (earliest and value < earliest) or (latest and value > latest):
            return None, expected
        return value, None

    def _expected(self, earliest: dt.date | None, latest: dt.date | None) -> str:
        first, last = (d.isoformat() if d else None for d in (earliest, latest))
        if first and last:
            return self.say("enter_date_between", earliest=first, latest=last)
        if first:
            return self.say("enter_date_from", earliest=first)
        if last:
            return self.say("enter_date_until", latest=last)
        return self.say("enter_date")

    def show(self, value: AnswerValue, ctx: AnswerContext, *, short: bool = True) -> str:
        if not isinstance(value, dt.date):
            return clean_text(str(value))
        today = ctx.today
        if self.show_age and value <= today:
            years = today.year - value.year - ((today.month, today.day) < (value.month, value.day))
            return self.say("age", date=value.isoformat(), years=years)
        return value.isoformat()

    def as_typed(self, value: AnswerValue | None) -> str:
        return value.isoformat() if isinstance(value, dt.date) else super().as_typed(value)

    def typing_hint(self) -> str:
        return self.say("date_hint")

    def _compare_problem(self, cmp: Compare, choice_ids: set[str]) -> str | None:
        if cmp.operator in MULTI_OPS:
            return super()._compare_problem(cmp, choice_ids)
        values = cmp.value if isinstance(cmp.value, list) else [cmp.value]
        if any(not isinstance(v, dt.date) for v in values):
            return f"'{self.id}' is a date: compare it with a date (YYYY-MM-DD)"
        return None


_CLOCK_TIME = re.compile(r"([01]?[0-9]|2[0-3])[:.h]([0-5][0-9])")


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class TimeQuestion(QuestionBase):
    """A time of day on the 24-hour clock, stored as HH:MM."""

    type: Literal["time"] = "time"
    # The interview fills in the time of day (the time vital signs were taken) when any of
    # these is answered and this one is not; staff can still change it.
    stamped_by: list[str] = field(default_factory=list)

    def accept(self, value: Any, ctx: AnswerContext) -> Result:
        expected = self.invalid or self.say("enter_time")
        if isinstance(value, dt.time):
            value = value.strftime("%H:%M")
        if not isinstance(value, str) or len(value) > 10:
            return None, expected
        match = _CLOCK_TIME.fullmatch(value.strip())
        if match is None:
            return None, expected
        return f"{int(match.group(1)):02d}:{match.group(2)}", None

    def typing_hint(self) -> str:
        return self.say("time_hint")

    def _compare_problem(self, cmp: Compare, choice_ids: set[str]) -> str | None:
        return f"'{self.id}' is a time of day: only 'answered' can test it"

    def stamped_when(self, answered: str) -> bool:
        return answered in self.stamped_by

    def refers_to(self) -> list[str]:
        return list(self.stamped_by)


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class ChoiceQuestion(QuestionBase):
    """Fields of both choice kinds: the choices inline, a named shared list, or those picked
    in an earlier question."""

    choices: list[Choice] | None = None
    choice_list: str | None = None
    choices_from: str | None = None
    choices_also: list[Choice] | None = None

    operators: ClassVar[tuple[str, ...]] = CHOICE_OPS

    @property
    def always_offered(self) -> tuple[str, ...]:
        """Choice ids offered whatever was picked before (choices_also)."""
        return tuple(c.id for c in self.choices_also or ())

    @property
    def extra_choices(self) -> list[Choice]:
        return list(self.choices_also or [])

    @property
    def picks_from(self) -> str | None:
        return self.choices_from

    @property
    def inline_choices(self) -> list[Choice] | None:
        return self.choices

    @property
    def choice_list_name(self) -> str | None:
        return self.choice_list

    @property
    def lists_choices(self) -> bool:
        return self.choices_from is None

    def list_choices(self, owner: ChoiceLists, seen: frozenset[str]) -> tuple[Choice, ...]:
        if self.choices is not None:
            return tuple(self.choices)
        if self.choice_list is not None:
            return tuple(owner.choice_lists.get(self.choice_list, ()))
        source = owner.get(self.choices_from or "")
        if source is None or self.id in seen:
            return tuple(self.choices_also or ())
        return (*source.list_choices(owner, seen | {self.id}), *(self.choices_also or ()))

    def _picked(self, value: AnswerValue) -> list[str]:
        return value if isinstance(value, list) else [str(value)]

    def show(self, value: AnswerValue, ctx: AnswerContext, *, short: bool = True) -> str:
        """Short clinician names, or the wording the person was shown when not ``short``."""
        labels = {c.id: (c.clinician_label if short else c.text) for c in ctx.choices}
        return "; ".join(labels.get(v, v) for v in self._picked(value))

    def as_typed(self, value: AnswerValue | None) -> str:
        return ""

    def _compare_problem(self, cmp: Compare, choice_ids: set[str]) -> str | None:
        if cmp.operator not in self.operators:
            return (
                f"'{cmp.operator}' does not fit {self.type_name}-choice question "
                f"'{self.id}' (use {', '.join(self.operators)})"
            )
        values = cmp.value if isinstance(cmp.value, list) else [cmp.value]
        unknown = [v for v in values if v not in choice_ids]
        if unknown:
            return f"'{self.id}' has no choice {', '.join(repr(str(v)) for v in unknown)}"
        return None

    def patient_texts(self) -> list[tuple[tuple[str, ...], str, bool]]:
        texts = super().patient_texts()
        for name in ("choices", "choices_also"):
            # A retired choice is never offered: its translation may be left out.
            texts += [((name, c.id), c.text, c.retired) for c in getattr(self, name) or []]
        return texts

    def _translated(self, words: Words, say: Catalog) -> dict[str, Any]:
        return {
            name: [c.in_words(words((name, c.id))) for c in choices]
            for name in ("choices", "choices_also")
            if (choices := getattr(self, name)) is not None
        }

    def _source_facts(self) -> list[str]:
        if self.choice_list:
            return [f"choices: {self.choice_list}"]
        return [f"choices from {self.choices_from}"] if self.choices_from else []


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class SingleChoiceQuestion(ChoiceQuestion):
    """Pick one choice."""

    type: Literal["single"] = "single"

    widget: ClassVar[Widget] = "one"
    skip_message: ClassVar[str] = "skip_one"

    def accept(self, value: Any, ctx: AnswerContext) -> Result:
        if not isinstance(value, str) or value not in ctx.offered:
            return None, self.invalid or f"must be one of: {', '.join(ctx.offered)}"
        return value, None


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class MultiChoiceQuestion(ChoiceQuestion):
    """Pick any number of choices."""

    type: Literal["multi"] = "multi"

    widget: ClassVar[Widget] = "many"
    skip_message: ClassVar[str] = "skip_many"
    operators: ClassVar[tuple[str, ...]] = MULTI_OPS

    def accept(self, value: Any, ctx: AnswerContext) -> Result:
        ids = ctx.offered
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return None, self.invalid or f"must be a list of choices from: {', '.join(ids)}"
        for position, v in enumerate(value, start=1):
            if v not in ids:
                if ctx.choices_from is not None and v in {c.id for c in ctx.choices}:
                    return None, (
                        f"item {position} was not chosen in {ctx.choices_from}; "
                        f"choose from: {', '.join(ids) or '(nothing chosen there)'}"
                    )
                return None, self.invalid or f"item {position} is not one of: {', '.join(ids)}"
        chosen = [i for i in ids if i in set(value)]
        exclusive = [c for c in ctx.choices if c.exclusive and c.id in chosen]
        if exclusive and len(chosen) > 1:
            return None, self.say("not_together", choice=exclusive[0].text)
        return chosen, None


Question = (
    TextQuestion
    | NumberQuestion
    | IntegerQuestion
    | DateQuestion
    | TimeQuestion
    | SingleChoiceQuestion
    | MultiChoiceQuestion
)
QUESTION_KINDS: tuple[type[QuestionBase], ...] = (
    TextQuestion,
    NumberQuestion,
    IntegerQuestion,
    DateQuestion,
    TimeQuestion,
    SingleChoiceQuestion,
    MultiChoiceQuestion,
)

_KINDS: dict[str, type[QuestionBase]] = {
    str(kind.__dataclass_fields__["type"].default): kind for kind in QUESTION_KINDS
}


def choices_from(items: list[Mapping[str, Any]] | None) -> list[Choice] | None:
    return None if items is None else [Choice(**c) for c in items]


def question_from(node: Mapping[str, Any]) -> Question:
    """A question from its plain form (a validated file's, or the cache's), by its type."""
    fields = dict(node)
    if fields.get("when") is not None:
        fields["when"] = condition_from(fields["when"])
    for name in ("choices", "choices_also"):
        if name in fields:
            fields[name] = choices_from(fields[name])
    if fields.get("lower_than") is not None:
        fields["lower_than"] = LowerThan(**fields["lower_than"])
    built: Question = _KINDS[fields["type"]](**fields)  # type: ignore[assignment]
    return built


__all__ = ["AnswerContext", "Choice", "Condition", "Question", "QuestionBase", "format_number"]
