"""How an answer reads on a summary: labels for choices, units for numbers, clean text."""

from __future__ import annotations

import datetime as dt

from screening.conditions import AnswerValue
from screening.models import Question, Questionnaire
from screening.text import clean_text


def number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def format_answer(
    q: Question, value: AnswerValue, qn: Questionnaire, *, short: bool = True
) -> str:
    """One line (or paragraph, for free text): short choice names for the clinician,
    the wording the person was shown when ``short`` is False."""
    if q.type in ("single", "multi"):
        labels = {c.id: (c.short if short and c.short else c.label) for c in qn.choices_of(q)}
        picked = value if isinstance(value, list) else [str(value)]
        return "; ".join(labels.get(v, v) for v in picked)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        shown = number(value)
        if q.id == "pain_duration_months" and value >= 24:
            return f"{shown} months (about {number(round(value / 12, 1))} years)"
        return f"{shown} {q.unit}" if q.unit else shown
    return clean_text(str(value))
