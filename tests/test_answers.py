"""Answers checked against the questionnaire: every kind of mistake, and messages without data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from screening.core.answers import applicable_questions, validate_answers
from screening.core.models import Definitions
from tests.conftest import TODAY

GOOD: dict[str, Any] = {"pain_duration_months": 12}


@pytest.mark.parametrize(("extra", "question", "words"), [
    ({"pain_intensity": 11}, "pain_intensity", "whole number from 0 to 10"),
    ({"pain_intensity": 6.5}, "pain_intensity", "whole number"),
    ({"pain_intensity": True}, "pain_intensity", "whole number"),
    ({"pain_intensity": "7"}, "pain_intensity", "whole number"),
    ({"pain_duration_months": -1}, "pain_duration_months", "0 or more"),
    ({"pain_duration_months": None}, "pain_duration_months", "required"),
    ({"current_opioid_use": "maybe"}, "current_opioid_use", "must be one of: yes, no, not_sure"),
    ({"conditions": "crps"}, "conditions", "must be a list"),
    ({"conditions": ["crps", "crpss"]}, "conditions", "item 2 is not one of"),
    ({"conditions": ["crps", "not_sure"]}, "conditions", "'Not sure' cannot be chosen together"),
    ({"prior_treatments": ["nsaids"], "not_enough_relief": ["opioids"]}, "not_enough_relief",
     "item 1 was not chosen in prior_treatments"),
    ({"not_enough_relief": ["opioids"]}, "not_enough_relief", "condition does not hold"),
    ({"date_of_birth": "1980-13-01"}, "date_of_birth", "YYYY-MM-DD"),
    ({"date_of_birth": "2030-01-01"}, "date_of_birth", f"not after {TODAY.isoformat()}"),
    ({"heart_rate": 400}, "heart_rate", "from 20 to 250"),
    ({"pain_location": "x" * 501}, "pain_location", "500 characters or fewer"),
    ({"favourite_colour": "blue"}, "favourite_colour", "not a question"),
])
def test_problems_name_question_and_expectation(
    defs: Definitions, extra: dict[str, Any], question: str, words: str
) -> None:
    _, problems = validate_answers(defs.questionnaire, {**GOOD, **extra}, TODAY)
    assert [p.question for p in problems] == [question]
    assert words in problems[0].message


def test_missing_required(defs: Definitions) -> None:
    _, problems = validate_answers(defs.questionnaire, {"pain_intensity": 3}, TODAY)
    assert [(p.question, p.message) for p in problems] == [
        ("pain_duration_months", "is required but has no answer")]


def test_messages_never_repeat_the_value(defs: Definitions) -> None:
    private = "Jane-Q-Public-4471"
    raw = {**GOOD, "current_opioid_use": private, "conditions": [private],
           "pain_intensity": private, "date_of_birth": private, private: 1}
    _, problems = validate_answers(defs.questionnaire, raw, TODAY)
    assert len(problems) == 5
    assert not any(private in p.message for p in problems)


def test_normal_forms(defs: Definitions) -> None:
    answers, problems = validate_answers(defs.questionnaire, {
        "pain_duration_months": 6.0,
        "conditions": ["migraine", "crps", "crps"],
        "date_of_birth": "1970-05-31",
        "notes": "  spaced  ",
        "pain_location": "",
    }, TODAY)
    assert problems == []
    assert answers == {"pain_duration_months": 6, "conditions": ["crps", "migraine"],
                       "date_of_birth": dt.date(1970, 5, 31), "notes": "spaced"}


def test_skip_logic_opens_and_closes_a_branch(defs: Definitions) -> None:
    qn = defs.questionnaire
    without = [q.id for q in applicable_questions(qn, {})]
    with_tried = [q.id for q in applicable_questions(qn, {"prior_treatments": ["nsaids"]})]
    assert "not_enough_relief" not in without
    assert "not_enough_relief" in with_tried
    patient = [q.id for q in applicable_questions(qn, {}, audience="everyone")]
    assert "patient_name" not in patient and "systolic_bp" not in patient
