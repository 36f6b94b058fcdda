"""The rules engine on small definitions: which rules fire, what their points carry, and how
the summary view turns points into notes with numbered sources."""

from __future__ import annotations

from typing import Any

import pytest

from screening.core.conditions import AnswerValue
from screening.core.models import Definitions
from screening.core.rules import run_rules
from screening.core.summary import summarise
from tests.conftest import TODAY


@pytest.mark.parametrize(
    ("answers", "fired"),
    [
        ({"pain_duration_months": 2}, ["no_treatments"]),
        ({"pain_duration_months": 3, "prior_treatments": ["nsaids"]}, ["long_pain"]),
        # Rules come out in category order, then rule order: not in the order written.
        (
            {"pain_duration_months": 30, "opioids_now": "yes", "systolic_bp": 150},
            ["long_pain", "opioids_now", "no_treatments", "blood_pressure_raised"],
        ),
        ({"pain_duration_months": 1, "notes": "x", "prior_treatments": ["nsaids"]},
         ["patient_note"]),
        ({"pain_duration_months": 1, "diastolic_bp": 90, "prior_treatments": ["nsaids"]},
         ["blood_pressure_raised"]),
        ({"pain_duration_months": 1, "opioids_now": "no", "prior_treatments": ["nsaids"]}, []),
    ],
)  # fmt: skip
def test_which_rules_fire_and_in_what_order(
    kinds: Definitions, answers: dict[str, AnswerValue], fired: list[str]
) -> None:
    assert [p.rule for p in run_rules(kinds, answers)] == fired


def test_points_carry_raw_answers_and_what_triggered_them(kinds: Definitions) -> None:
    answers: dict[str, Any] = {"pain_duration_months": 30, "systolic_bp": 150, "diastolic_bp": 95}
    by_rule = {p.rule: p for p in run_rules(kinds, answers)}
    assert by_rule["long_pain"].quoted == {"pain_duration_months": 30}
    assert by_rule["long_pain"].triggered_by == ("pain_duration_months",)
    assert by_rule["blood_pressure_raised"].quoted == {"systolic_bp": 150, "diastolic_bp": 95}
    assert by_rule["blood_pressure_raised"].triggered_by == ("systolic_bp", "diastolic_bp")
    assert by_rule["blood_pressure_raised"].sources == ("article",)
    # An unanswered question neither triggers nor is quoted with a value.
    del answers["diastolic_bp"]
    point = next(p for p in run_rules(kinds, answers) if p.rule == "blood_pressure_raised")
    assert point.triggered_by == ("systolic_bp",)
    assert point.quoted == {"systolic_bp": 150, "diastolic_bp": None}


def test_the_view_formats_quoted_answers_for_people(kinds: Definitions) -> None:
    view = summarise(kinds, {"pain_duration_months": 30, "systolic_bp": 150}, TODAY)
    text = {p.rule: p.text for c in view.categories for p in c.points}
    assert text["long_pain"] == "Pain for 30 months (about 2.5 years)."
    assert text["blood_pressure_raised"] == "Blood pressure 150 mmHg over (not answered)."


def test_sources_keep_their_numbers_on_every_summary(kinds: Definitions) -> None:
    view = summarise(
        kinds, {"pain_duration_months": 30, "opioids_now": "yes", "systolic_bp": 150}, TODAY
    )
    assert view.references == (
        (1, "A test guide. Test publisher, 2020."),
        (2, "A test article. Test journal."),
    )
    labels = {p.rule: p.ref_label for c in view.categories for p in c.points}
    assert labels == {
        "long_pain": "[1]",
        "opioids_now": "[1,2]",
        "no_treatments": "[1]",
        "blood_pressure_raised": "[2]",
    }
    # Only cited sources are listed, each under the number it has on every summary.
    view = summarise(
        kinds,
        {"pain_duration_months": 1, "systolic_bp": 150, "prior_treatments": ["nsaids"]},
        TODAY,
    )
    assert [n for n, _ in view.references] == [2]
    assert view.references[0][1].startswith("A test article.")


def test_categories_without_points_are_left_out(kinds: Definitions) -> None:
    view = summarise(kinds, {"pain_duration_months": 1, "prior_treatments": ["nsaids"]}, TODAY)
    assert view.categories == ()
    view = summarise(kinds, {"pain_duration_months": 12, "prior_treatments": ["nsaids"]}, TODAY)
    assert [(c.id, c.title) for c in view.categories] == [("history", "Pain history")]
