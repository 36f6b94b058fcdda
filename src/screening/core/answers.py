"""Checking answers against the questionnaire: each question's own check, skip logic, required.

Messages name the question and what is expected, never the value given: that value is
patient data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from screening.core.conditions import AnswerValue, evaluate, is_answered
from screening.core.models import Questionnaire
from screening.core.questions import Question, Result
from screening.core.values import Value


@dataclass(frozen=True, eq=False, repr=False)
class AnswerProblem(Value):
    """What is wrong with one answer, by question."""

    question: str
    message: str


def accept(
    qn: Questionnaire,
    q: Question,
    value: Any,
    answers: Mapping[str, AnswerValue],
    today: dt.date,
) -> Result:
    """(the answer in its stored form, None) or (None, a message saying what is expected).

    An empty value is no answer, and no problem either.
    """
    if value is None or value == "" or value == []:
        return None, None
    return q.accept(value, qn.context(q, answers, today))


def is_asked(q: Question, answers: Mapping[str, AnswerValue]) -> bool:
    """Whether the skip logic asks this question, given the answers so far."""
    return q.when is None or evaluate(q.when, answers)


def applicable_questions(
    qn: Questionnaire, answers: Mapping[str, AnswerValue], audience: str = "staff"
) -> list[Question]:
    """The questions that apply, in order. Conditions only look at earlier questions."""
    return [
        q
        for q in qn.questions
        if (audience == "staff" or q.audience == "everyone") and is_asked(q, answers)
    ]


def validate_answers(
    qn: Questionnaire, raw: Mapping[str, Any], today: dt.date, *, complete: bool = True
) -> tuple[dict[str, AnswerValue], list[AnswerProblem]]:
    """Stored answers and every problem. ``complete`` also requires each applicable required one."""
    problems = [
        AnswerProblem(str(key), "is not a question in this questionnaire")
        for key in raw
        if qn.get(str(key)) is None
    ]
    answers: dict[str, AnswerValue] = {}
    for q in qn.questions:
        given = raw.get(q.id)
        if not is_asked(q, answers):
            if is_answered(given):
                problems.append(
                    AnswerProblem(
                        q.id,
                        "is answered, but its condition does not hold for the other answers "
                        "(the question would not be asked)",
                    )
                )
            continue
        value, message = accept(qn, q, given, answers, today)
        if message:
            problems.append(AnswerProblem(q.id, message))
        elif value is not None:
            answers[q.id] = value
        elif complete and q.required and q.id not in raw:
            problems.append(AnswerProblem(q.id, "is required but has no answer"))
        elif complete and q.required:
            problems.append(AnswerProblem(q.id, "is required but the answer is empty"))
    return answers, problems


def stored_form(answers: Mapping[str, AnswerValue]) -> dict[str, Any]:
    """Answers as JSON values: dates as YYYY-MM-DD, everything else as it is."""
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in answers.items()}


def show_answer(
    qn: Questionnaire, question_id: str, value: AnswerValue, today: dt.date, *, short: bool = True
) -> str:
    """An answer as a person reads it: the clinician's names (``short``) or the patient's."""
    q = qn[question_id]
    return q.show(value, qn.context(q, {}, today), short=short)
