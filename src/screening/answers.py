"""Checking answers against the questionnaire: types, bounds, choices, skip logic, required.

Pure. Validators return a message for the person, or None when the answer is fine. Messages
name the question and what is expected, never the value given: that value is patient data.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from screening.conditions import AnswerValue, evaluate, is_answered
from screening.models import Question, Questionnaire


@dataclass(frozen=True)
class AnswerProblem:
    question: str
    message: str


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _bounds(q: Question) -> str:
    if q.min is not None and q.max is not None:
        return f" from {_fmt(q.min)} to {_fmt(q.max)}"
    if q.min is not None:
        return f" of at least {_fmt(q.min)}"
    if q.max is not None:
        return f" of at most {_fmt(q.max)}"
    return ""


def _day(bound: dt.date | str | None, today: dt.date) -> dt.date | None:
    return today if bound == "today" else bound if isinstance(bound, dt.date) else None


def allowed_choices(
    q: Question, qn: Questionnaire, answers: Mapping[str, AnswerValue]
) -> list[str]:
    """Choice ids on offer now; for choices_from, only those picked in the earlier question."""
    ids = [c.id for c in qn.choices_of(q)]
    if q.choices_from is None:
        return ids
    picked = answers.get(q.choices_from)
    chosen = set(picked) if isinstance(picked, list) else set()
    return [i for i in ids if i in chosen]


def normalize(
    q: Question,
    value: Any,
    qn: Questionnaire,
    answers: Mapping[str, AnswerValue],
    today: dt.date,
) -> tuple[AnswerValue | None, str | None]:
    """(the answer in its stored form, None) or (None, a message saying what is expected)."""
    if value is None or value == "" or value == []:
        return None, None
    if q.type in ("number", "integer"):
        return _number(q, value)
    if q.type == "single":
        ids = allowed_choices(q, qn, answers)
        if not isinstance(value, str) or value not in ids:
            return None, q.invalid or f"must be one of: {', '.join(ids)}"
        return value, None
    if q.type == "multi":
        return _multi(q, value, qn, answers)
    if q.type == "date":
        return _date(q, value, today)
    if not isinstance(value, str):
        return None, q.invalid or "Enter text."
    text = value.strip()
    if len(text) > q.max_length:
        return None, q.invalid or f"Keep it to {q.max_length} characters or fewer."
    return (text or None), None


def _number(q: Question, value: Any) -> tuple[AnswerValue | None, str | None]:
    whole = q.type == "integer"
    expected = q.invalid or f"Enter {'a whole number' if whole else 'a number'}{_bounds(q)}."
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None, expected
    if whole and not float(value).is_integer():
        return None, expected
    if (q.min is not None and value < q.min) or (q.max is not None and value > q.max):
        return None, expected
    number: int | float = int(value) if whole or float(value).is_integer() else float(value)
    return number, None


def _multi(
    q: Question, value: Any, qn: Questionnaire, answers: Mapping[str, AnswerValue]
) -> tuple[AnswerValue | None, str | None]:
    ids = allowed_choices(q, qn, answers)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return None, q.invalid or f"must be a list of choices from: {', '.join(ids)}"
    for position, v in enumerate(value, start=1):
        if v not in ids:
            if q.choices_from is not None and v in {c.id for c in qn.choices_of(q)}:
                return None, (f"item {position} was not chosen in {q.choices_from}; "
                              f"choose from: {', '.join(ids) or '(nothing chosen there)'}")
            return None, q.invalid or f"item {position} is not one of: {', '.join(ids)}"
    chosen = [i for i in ids if i in set(value)]
    exclusive = [c for c in qn.choices_of(q) if c.exclusive and c.id in chosen]
    if exclusive and len(chosen) > 1:
        return None, f"'{exclusive[0].label}' cannot be chosen together with other answers"
    return chosen, None


def _date(q: Question, value: Any, today: dt.date) -> tuple[AnswerValue | None, str | None]:
    earliest, latest = _day(q.earliest, today), _day(q.latest, today)
    span = "".join((f" not before {earliest.isoformat()}" if earliest else "",
                    " and" if earliest and latest else "",
                    f" not after {latest.isoformat()}" if latest else ""))
    expected = q.invalid or f"Enter a date as YYYY-MM-DD{',' if span else ''}{span}."
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


def is_asked(q: Question, answers: Mapping[str, AnswerValue]) -> bool:
    """Whether the skip logic asks this question, given the answers so far."""
    return q.when is None or evaluate(q.when, answers)


def applicable_questions(
    qn: Questionnaire, answers: Mapping[str, AnswerValue], audience: str = "staff"
) -> list[Question]:
    """The questions that apply, in order. Conditions only look at earlier questions."""
    return [
        q for q in qn.questions
        if (audience == "staff" or q.audience == "everyone") and is_asked(q, answers)
    ]


def validate_answers(
    qn: Questionnaire, raw: Mapping[str, Any], today: dt.date, *, complete: bool = True
) -> tuple[dict[str, AnswerValue], list[AnswerProblem]]:
    """Stored answers and every problem. ``complete`` also requires each applicable required one."""
    problems = [
        AnswerProblem(str(key), "is not a question in this questionnaire")
        for key in raw if qn.get(str(key)) is None
    ]
    answers: dict[str, AnswerValue] = {}
    for q in qn.questions:
        given = raw.get(q.id)
        asked = is_asked(q, answers)
        if not asked:
            if is_answered(given):
                problems.append(AnswerProblem(
                    q.id, "is answered, but its condition does not hold for the other answers "
                          "(the question would not be asked)"))
            continue
        value, message = normalize(q, given, qn, answers, today)
        if message:
            problems.append(AnswerProblem(q.id, message))
        elif value is not None:
            answers[q.id] = value
        elif complete and q.required and q.id not in raw:
            problems.append(AnswerProblem(q.id, "is required but has no answer"))
        elif complete and q.required:
            problems.append(AnswerProblem(q.id, "is required but the answer is empty"))
    return answers, problems


_QUANTITY = re.compile(r"^\s*([0-9]+(?:[.,][0-9]+)?)\s*([a-z.]*)\s*$", re.I)
_ABBREVIATIONS = {"wk": "week", "wks": "week", "mo": "month", "mos": "month", "mth": "month",
                  "mths": "month", "yr": "year", "yrs": "year"}


def parse_typed(q: Question, typed: str) -> tuple[Any, str | None]:
    """What a person typed, as the raw value ``normalize`` takes, or a message.

    Numbers may carry a unit where the question lists ``input_units`` ("2 years").
    """
    text = typed.strip()
    if not text or q.type not in ("number", "integer"):
        return text, None
    match = _QUANTITY.match(text)
    if match is None:
        if q.input_units:
            return None, f"Type a number and {_units(q)}, like '8 months' or '2 years'."
        return None, _number_hint(q)
    number = float(match.group(1).replace(",", "."))
    unit = match.group(2).lower().rstrip(".")
    if q.input_units:
        if not unit:
            return None, f"Add {_units(q)}, like '8 months' or '2 years'."
        factor = _unit_factor(q.input_units, unit)
        if factor is None:
            return None, f"Use {_units(q)}, like '8 months' or '2 years'."
        return round(number * factor, 2), None
    if unit and unit != (q.unit or "").lower():
        return None, _number_hint(q)
    return (int(number) if number.is_integer() else number), None


def _unit_factor(units: Mapping[str, float], typed: str) -> float | None:
    word = _ABBREVIATIONS.get(typed, typed).rstrip("s")
    for name, factor in units.items():
        singular = name.rstrip("s")
        if word == singular or (len(word) == 1 and singular.startswith(word)):
            return factor
    return None


def _units(q: Question) -> str:
    names = list(q.input_units or {})
    return ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else names[0]


def _number_hint(q: Question) -> str:
    kind = "a whole number" if q.type == "integer" else "a number"
    return q.invalid or f"Type {kind}{_bounds(q)}."
