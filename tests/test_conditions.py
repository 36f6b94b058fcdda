"""Each condition form, on answered and unanswered questions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from screening.core import file_models
from screening.core.conditions import Condition, condition_from, evaluate, referenced_questions

validator: TypeAdapter[Any] = TypeAdapter(file_models.Condition)


def parse(raw: Any) -> Condition:
    """A condition as a file holds it: validated, then made into the plain classes."""
    return condition_from(validator.validate_python(raw).model_dump())


ANSWERS: dict[str, Any] = {
    "months": 6,
    "opioid": "yes",
    "tried": ["nsaids", "opioids"],
    "dob": dt.date(1970, 1, 1),
    "note": "text",
    "empty": [],
}

CASES = [
    ({"question": "months", "at_least": 6}, True),
    ({"question": "months", "at_least": 6.5}, False),
    ({"question": "months", "at_most": 6}, True),
    ({"question": "months", "above": 6}, False),
    ({"question": "months", "below": 7}, True),
    ({"question": "months", "equals": 6}, True),
    ({"question": "opioid", "equals": "yes"}, True),
    ({"not": {"question": "opioid", "equals": "yes"}}, False),
    ({"question": "opioid", "one_of": ["no", "yes"]}, True),
    ({"question": "tried", "includes_any": ["opioids", "surgery"]}, True),
    ({"question": "tried", "includes_all": ["opioids", "surgery"]}, False),
    ({"question": "tried", "includes_none": ["surgery"]}, True),
    ({"question": "dob", "below": dt.date(1980, 1, 1)}, True),
    ({"question": "note", "answered": True}, True),
    ({"question": "empty", "answered": True}, False),
    ({"question": "missing", "answered": False}, True),
    # An unanswered question compares false, whatever the operator...
    ({"question": "missing", "below": 3}, False),
    # ...and `not` turns that round: the one negation holds for an unanswered question.
    ({"not": {"question": "missing", "equals": "yes"}}, True),
    ({"not": {"question": "missing", "below": 3}}, True),
    (
        {"all": [{"question": "months", "at_least": 3}, {"question": "opioid", "equals": "yes"}]},
        True,
    ),
    (
        {"all": [{"question": "months", "at_least": 3}, {"question": "opioid", "equals": "no"}]},
        False,
    ),
    (
        {"any": [{"question": "months", "above": 100}, {"question": "opioid", "equals": "yes"}]},
        True,
    ),
    (
        {"any": [{"question": "months", "above": 100}, {"question": "opioid", "equals": "no"}]},
        False,
    ),
]


@pytest.mark.parametrize(("raw", "expected"), CASES)
def test_condition_forms(raw: dict[str, Any], expected: bool) -> None:
    assert evaluate(parse(raw), ANSWERS) is expected


@pytest.mark.parametrize(
    "raw",
    [
        {"question": "months"},
        {"question": "months", "at_least": 3, "below": 6},
        {"question": "months", "between": [3, 6]},
        {"all": []},
        "months > 3",
        {"not": [{"question": "months", "answered": True}]},
    ],
)
def test_malformed_conditions_are_refused(raw: Any) -> None:
    with pytest.raises(ValidationError):
        parse(raw)


def test_referenced_questions_in_order_once() -> None:
    cond = parse(
        {
            "any": [
                {"question": "b", "answered": True},
                {"not": {"question": "a", "answered": True}},
                {"question": "b", "answered": False},
            ]
        }
    )
    assert referenced_questions(cond) == ["b", "a"]
