"""The interview's steps, driven directly as any front-end would: no prompt library at all."""

from __future__ import annotations

import subprocess
import sys

import pytest

from screening.adapters.definition_files import load_definitions
from screening.core.interview import SKIP, Interview
from screening.core.models import Definitions
from tests.conftest import SMALL_RULES, TODAY, WriteDefs

STEPS_QUESTIONNAIRE = """\
title: Steps
choice_lists:
  yes_no: [{id: "yes", text: "Yes"}, {id: "no", text: "No"}]
questions:
  - id: pain_duration_months
    type: number
    label: How long
    text: How long have you had pain?
    unit: months
    input_units: {weeks: 12/52, months: 1, years: 12}
    examples: [8 months, 2 years]
    min: 0
    max: 1200
    required: true
  - id: opioid_now
    type: single
    label: Opioids now
    text: Do you take opioids now?
    choice_list: yes_no
  - id: prior_treatments
    type: multi
    label: Treatments tried
    text: Which have you tried?
    choices:
      - {id: nsaids, text: Pills like ibuprofen, label: NSAIDs}
      - {id: opioids, text: Opioids}
      - {id: none, text: None of these, exclusive: true}
  - id: not_enough_relief
    type: multi
    label: Not enough relief
    text: Which did not help enough?
    choices_from: prior_treatments
    when: {question: prior_treatments, includes_any: [nsaids, opioids]}
  - id: notes
    type: text
    label: Notes
    text: Anything else?
"""


@pytest.fixture
def steps(write_defs: WriteDefs) -> Interview:
    defs: Definitions = load_definitions(write_defs(STEPS_QUESTIONNAIRE, SMALL_RULES))
    return Interview(defs, mode="patient", today=TODAY)


def test_next_prompt_counts_over_what_applies_now(steps: Interview) -> None:
    first = steps.next_prompt()
    assert first is not None
    assert (first.question_id, first.number, first.total) == ("pain_duration_months", 1, 4)
    assert first.widget == "typed" and first.required and first.help == ""
    assert first.text.endswith("(like 8 months or 2 years)")
    assert steps.answer("pain_duration_months", "6 weeks") is None
    assert steps.answer("opioid_now", SKIP) is None
    assert steps.answer("prior_treatments", ["opioids"]) is None
    # The branch opened: the total moves from 4 to 5.
    branch = steps.next_prompt()
    assert branch is not None
    assert (branch.question_id, branch.number, branch.total) == ("not_enough_relief", 4, 5)
    assert branch.options == (("opioids", "Opioids"),)
    assert steps.answers == {"pain_duration_months": 1.38, "prior_treatments": ["opioids"]}
    assert steps.asked == ["pain_duration_months", "opioid_now", "prior_treatments"]


@pytest.mark.parametrize(
    ("question", "raw", "message"),
    [
        ("pain_duration_months", "6", "Add weeks, months or years, like '8 months' or '2 years'."),
        (
            "pain_duration_months",
            "3 dayz",
            "Use weeks, months or years, like '8 months' or '2 years'.",
        ),
        ("pain_duration_months", "", "This question needs an answer."),
        ("pain_duration_months", "200 years", "Enter a number from 0 to 1200."),
        ("opioid_now", "maybe", "must be one of: yes, no"),
        (
            "prior_treatments",
            ["none", "opioids"],
            "'None of these' cannot be chosen together with other answers",
        ),
    ],
)
def test_a_refused_input_changes_nothing(
    steps: Interview, question: str, raw: str | list[str], message: str
) -> None:
    assert steps.answer(question, raw) == message
    assert steps.check(question, raw) == message
    assert steps.answers == {} and steps.asked == []
    prompt = steps.next_prompt()
    assert prompt is not None and prompt.question_id == "pain_duration_months"


def test_single_choice_offers_skip_only_when_optional(steps: Interview) -> None:
    steps.answer("pain_duration_months", "1 year")
    prompt = steps.next_prompt()
    assert prompt is not None and prompt.widget == "one"
    assert prompt.options[-1] == (SKIP, "Skip this question")
    assert prompt.default == SKIP  # Enter alone skips
    assert prompt.help == "To skip, pick the last choice."


def test_a_change_that_closes_a_branch_drops_its_answers(steps: Interview) -> None:
    for qid, raw in (
        ("pain_duration_months", "2 years"),
        ("opioid_now", "yes"),
        ("prior_treatments", ["nsaids", "opioids"]),
        ("not_enough_relief", ["nsaids"]),
        ("notes", ""),
    ):
        assert steps.answer(qid, raw) is None
    assert steps.next_prompt() is None
    assert steps.change("prior_treatments", ["none"]) is None
    assert "not_enough_relief" not in steps.answers
    assert "not_enough_relief" not in steps.asked
    assert steps.next_prompt() is None
    # ...and reopening it asks the branch again.
    assert steps.change("prior_treatments", ["nsaids"]) is None
    again = steps.next_prompt()
    assert again is not None and again.question_id == "not_enough_relief"


def test_review_rows_use_the_patients_wording(steps: Interview) -> None:
    steps.answer("pain_duration_months", "30 months")
    steps.answer("opioid_now", "no")
    steps.answer("prior_treatments", ["nsaids"])
    rows = {r.question_id: r.answer for r in steps.review()}
    assert rows["prior_treatments"] == "Pills like ibuprofen"
    assert rows["opioid_now"] == "No"
    assert rows["pain_duration_months"] == "30 months (about 2.5 years)"
    assert rows["notes"] is None


def test_a_changed_answer_is_offered_as_typed(steps: Interview) -> None:
    steps.answer("pain_duration_months", "2 years")
    assert steps.prompt("pain_duration_months").default == "24 months"


def test_the_steps_import_no_prompt_library() -> None:
    code = (
        "import sys, screening.core.interview; "
        "print(sorted(m for m in ('questionary', 'prompt_toolkit', 'typer', 'jinja2') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


VITALS_QUESTIONNAIRE = """\
title: Vitals
questions:
  - id: systolic_bp
    type: integer
    label: Systolic
    text: Top number
    min: 50
    max: 260
  - id: diastolic_bp
    type: integer
    label: Diastolic
    text: Bottom number
    min: 30
    max: 160
    lower_than: {question: systolic_bp, message: The bottom number must be lower.}
  - id: taken_at
    type: time
    label: Taken at
    text: Time taken
    stamped_by: [systolic_bp, diastolic_bp]
  - id: flags
    type: multi
    label: Flags
    text: Any of these?
    choices:
      - {id: glaucoma, text: Glaucoma}
      - {id: old_choice, text: Old wording, retired: true}
  - id: stopped
    type: multi
    label: Stopped
    text: Which did you stop?
    choices_from: flags
    choices_also: [{id: none, text: None of these, exclusive: true}]
"""


@pytest.fixture
def vitals(write_defs: WriteDefs) -> Interview:
    import datetime as dt

    defs = load_definitions(
        write_defs(VITALS_QUESTIONNAIRE, SMALL_RULES.replace("pain_duration_months", "systolic_bp"))
    )
    moment = dt.datetime(2026, 11, 21, 9, 5, tzinfo=dt.UTC)
    return Interview(defs, mode="staff", today=TODAY, clock=lambda: moment)


def test_the_time_is_stamped_when_a_vital_sign_is_entered(
    vitals: Interview, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "UTC")
    import time

    time.tzset()
    assert vitals.answer("systolic_bp", "150") is None
    assert vitals.answers["taken_at"] == "09:05"
    assert vitals.answer("diastolic_bp", "160") == "The bottom number must be lower."
    assert vitals.answer("diastolic_bp", "95") is None
    prompt = vitals.next_prompt()
    assert prompt is not None and prompt.question_id == "taken_at" and prompt.default == "09:05"
    assert vitals.answer("taken_at", "7.30") is None and vitals.answers["taken_at"] == "07:30"
    assert vitals.answer("taken_at", "25:00") == (
        "Enter a time as HH:MM on the 24-hour clock, like 09:30."
    )


def test_retired_choices_are_not_offered_and_extra_choices_are(vitals: Interview) -> None:
    assert [i for i, _ in vitals.prompt("flags").options] == ["glaucoma"]
    assert vitals.answer("flags", ["glaucoma"]) is None
    assert [i for i, _ in vitals.prompt("stopped").options] == ["glaucoma", "none"]
    assert vitals.answer("stopped", ["none", "glaucoma"]) == (
        "'None of these' cannot be chosen together with other answers"
    )
