"""From checked answers to a finished, guarded summary document."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from screening.conditions import AnswerValue
from screening.engine import run_rules
from screening.models import Definitions
from screening.rendering import Format, Templates, render
from screening.summary import SummaryView, build_summary


def summary_view(
    defs: Definitions, answers: Mapping[str, AnswerValue], today: dt.date
) -> SummaryView:
    return build_summary(defs, answers, run_rules(defs, answers), today)


def make_summary(
    defs: Definitions,
    answers: Mapping[str, AnswerValue],
    fmt: Format,
    templates: Templates,
    today: dt.date,
) -> str:
    return render(summary_view(defs, answers, today), fmt, templates)
