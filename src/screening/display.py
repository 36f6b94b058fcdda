"""How an answer reads on a summary: labels for choices, units for numbers, clean text."""

from __future__ import annotations

import datetime as dt

from screening.conditions import AnswerValue
from screening.models import Question, Questionnaire
from screening.text import clean_text


def number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def format_answer(
    q: Question, value: AnswerValue, qn: Questionnaire, *, short: bool = True,
    today: dt.date | None = None,
) -> str:
    """One line (or paragraph, for free text): short choice names for the clinician,
    the wording the person was shown when ``short`` is False."""
    if q.type in ("single", "multi"):
        labels = {c.id: (c.short if short and c.short else c.label) for c in qn.choices_of(q)}
        picked = value if isinstance(value, list) else [str(value)]
        return "; ".join(labels.get(v, v) for v in picked)
    if isinstance(value, dt.date):
        if q.show_age and today is not None and value <= today:
            years = today.year - value.year - ((today.month, today.day) < (value.month, value.day))
            return f"{value.isoformat()} (age {years})"
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        shown = f"{number(value)} {q.unit}" if q.unit else number(value)
        # With answer units on offer, a long span also reads in the largest unit that fits
        # twice ("30 months (about 2.5 years)"), a short one in the smallest unit
        # ("1.38 months (about 6 weeks)").
        units = q.input_units or {}
        larger = [(f, u) for u, f in units.items() if f > 1 and value >= 2 * f]
        smaller = [(f, u) for u, f in units.items() if f < 1]
        if larger:
            factor, unit = max(larger)
            shown += f" (about {number(round(value / factor, 1))} {unit})"
        elif smaller and 0 < value < 2:
            factor, unit = min(smaller)
            shown += f" (about {number(round(value / factor))} {unit})"
        return shown
    return clean_text(str(value))
