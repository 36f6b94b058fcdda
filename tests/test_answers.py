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
    ({"pain_duration_months": -1}, "pain_duration_months", "a number from 0 to 1200"),
    ({"pain_duration_months": None}, "pain_duration_months", "required"),
    ({"opioids_now": "maybe"}, "opioids_now", "must be one of: yes, no, not_sure"),
    ({"opioids_now": ["yes"]}, "opioids_now", "must be one of"),
    ({"conditions": "crps"}, "conditions", "must be a list"),
    ({"conditions": ["crps", "crpss"]}, "conditions", "item 2 is not one of"),
    ({"conditions": ["crps", "not_sure"]}, "conditions", "'Not sure' cannot be chosen together"),
    ({"prior_treatments": ["nsaids"], "not_enough_relief": ["opioids"]}, "not_enough_relief",
     "item 1 was not chosen in prior_treatments"),
    ({"not_enough_relief": ["opioids"]}, "not_enough_relief", "condition does not hold"),
    ({"date_of_birth": "1980-13-01"}, "date_of_birth", "YYYY-MM-DD"),
    ({"date_of_birth": "2026-11-22"}, "date_of_birth", "not after 2026-11-21"),
    ({"date_of_birth": "1899-12-31"}, "date_of_birth", "not before 1900-01-01"),
    ({"systolic_bp": 400}, "systolic_bp", "from 50 to 260"),
    ({"pain_location": "x" * 501}, "pain_location", "500 characters or fewer"),
    ({"favourite_colour": "blue"}, "favourite_colour", "not a question"),
])  # fmt: skip
def test_problems_name_question_and_expectation(
    kinds: Definitions, extra: dict[str, Any], question: str, words: str
) -> None:
    _, problems = validate_answers(kinds.questionnaire, {**GOOD, **extra}, TODAY)
    assert [p.question for p in problems] == [question]
    assert words in problems[0].message


@pytest.mark.parametrize(("extra", "stored"), [
    ({"date_of_birth": "2026-11-21"}, {"date_of_birth": TODAY}),  # "today" is the day given
    ({"date_of_birth": "1900-01-01"}, {"date_of_birth": dt.date(1900, 1, 1)}),
    ({"opioids_now": "not_sure"}, {"opioids_now": "not_sure"}),  # from the shared list
    ({"conditions": ["not_sure"]}, {"conditions": ["not_sure"]}),  # exclusive, alone
    ({"systolic_bp": 50, "pain_intensity": 0}, {"systolic_bp": 50, "pain_intensity": 0}),
])  # fmt: skip
def test_answers_at_the_bounds_are_accepted(
    kinds: Definitions, extra: dict[str, Any], stored: dict[str, Any]
) -> None:
    answers, problems = validate_answers(kinds.questionnaire, {**GOOD, **extra}, TODAY)
    assert problems == []
    assert answers == {**GOOD, **stored}


def test_missing_required(kinds: Definitions) -> None:
    _, problems = validate_answers(kinds.questionnaire, {"pain_intensity": 3}, TODAY)
    assert [(p.question, p.message) for p in problems] == [
        ("pain_duration_months", "is required but has no answer")
    ]


def test_messages_never_repeat_the_value(kinds: Definitions) -> None:
    private = "Jane-Q-Public-4471"
    raw = {
        **GOOD,
        "opioids_now": private,
        "conditions": [private],
        "pain_intensity": private,
        "date_of_birth": private,
        private: 1,
    }
    _, problems = validate_answers(kinds.questionnaire, raw, TODAY)
    assert sorted(p.question for p in problems) == sorted(
        ["opioids_now", "conditions", "pain_intensity", "date_of_birth", private]
    )
    assert not any(private in p.message for p in problems)


def test_normal_forms(kinds: Definitions) -> None:
    answers, problems = validate_answers(
        kinds.questionnaire,
        {
            "pain_duration_months": 6.0,
            "conditions": ["migraine", "crps", "crps"],
            "date_of_birth": "1970-05-31",
            "notes": "  spaced  ",
            "pain_location": "",
        },
        TODAY,
    )
    assert problems == []
    assert answers == {
        "pain_duration_months": 6,
        "conditions": ["crps", "migraine"],
        "date_of_birth": dt.date(1970, 5, 31),
        "notes": "spaced",
    }
    assert isinstance(answers["pain_duration_months"], int)


def test_skip_logic_opens_and_closes_a_branch(kinds: Definitions) -> None:
    qn = kinds.questionnaire
    without = [q.id for q in applicable_questions(qn, {})]
    with_tried = [q.id for q in applicable_questions(qn, {"prior_treatments": ["nsaids"]})]
    assert "not_enough_relief" not in without
    assert with_tried == [*without[:8], "not_enough_relief", *without[8:]]
    patient = [q.id for q in applicable_questions(qn, {}, audience="everyone")]
    assert patient == [
        "pain_location",
        "pain_duration_months",
        "pain_intensity",
        "conditions",
        "prior_treatments",
        "opioids_now",
        "notes",
    ]
