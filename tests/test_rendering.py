"""Rendering mechanics on small definitions and templates: typed text stays literal in every
format, control characters never reach the page, the JSON keys, how answers are shown."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path
from typing import Any

import pytest

from screening.adapters.rendering import FORMATS, TEMPLATES, Format, plain_text, render
from screening.core import guard
from screening.core.answers import show_answer, validate_answers
from screening.core.models import Definitions
from screening.core.summary import summarise
from tests.conftest import TODAY, WriteTemplates

TYPED: dict[str, Any] = {
    "pain_duration_months": 240,
    "pain_location": "<script>alert(1)</script> {{ 7*7 }} {% if 1 %}x{% endif %}",
    "patient_id": "*bold* [link](http://example.com) # heading | pipe & <b>amp</b>",
    "notes": "Red \x1b[31mtext\x1b[0m here\x07 and a bell; my GP said I am eligible for "
    "surgery. {{ config }}",
}


@pytest.fixture
def templates(write_templates: WriteTemplates) -> Path:
    return write_templates()


def _render(defs: Definitions, raw: dict[str, Any], fmt: Format, templates: Path) -> str:
    answers, problems = validate_answers(defs.questionnaire, raw, TODAY)
    assert problems == []
    return render(summarise(defs, answers, TODAY), fmt, templates)


def test_typed_text_stays_literal_in_html(kinds: Definitions, templates: Path) -> None:
    out = _render(kinds, TYPED, "html", templates)
    assert "<script>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }}" in out
    assert "{% if 1 %}x{% endif %}" in out
    assert "49" not in out
    assert "pipe &amp; &lt;b&gt;amp&lt;/b&gt;" in out
    assert "<script>" in html.unescape(out)  # shown to the reader as typed


def test_typed_text_stays_literal_in_text_and_md(kinds: Definitions, templates: Path) -> None:
    text = _render(kinds, TYPED, "text", templates)
    assert "<script>alert(1)</script> {{ 7*7 }}" in text
    md = _render(kinds, TYPED, "md", templates)
    assert "&lt;script\\>alert(1)&lt;/script\\> {{ 7\\*7 }}" in md
    assert "\\*bold\\* \\[link\\](http\\://example.com)" in md
    assert "<b>" not in md


@pytest.mark.parametrize("fmt", FORMATS)
def test_control_characters_never_reach_the_page(
    kinds: Definitions, templates: Path, fmt: Format
) -> None:
    out = _render(kinds, TYPED, fmt, templates)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", out)
    assert "[31m" not in out
    # The typed note passes the guard as the patient's words, quoted by a rule too.
    assert plain_text(out, fmt).count("Red text here and a bell; my GP said I am eligible") == 2


@pytest.mark.parametrize("fmt", FORMATS)
def test_stored_templates_render_like_the_folder(
    kinds: Definitions, templates: Path, fmt: Format
) -> None:
    stored = tuple((name, (templates / name).read_text()) for name in TEMPLATES.values())
    view = summarise(kinds, {"pain_duration_months": 30, "notes": "x"}, TODAY)
    assert render(view, fmt, stored) == render(view, fmt, templates)


def test_json_keys_are_the_published_ones(kinds: Definitions, templates: Path) -> None:
    raw = {
        "pain_duration_months": 30,
        "date_of_birth": "1971-11-21",
        "systolic_bp": 150,
        "diastolic_bp": 95,
    }
    data = json.loads(_render(kinds, raw, "json", templates))
    assert set(data) == {
        "title",
        "prepared",
        "status",
        "language",
        "header",
        "review_first",
        "review_first_unanswered",
        "next_step",
        "disclaimer",
        "answers",
        "points",
        "evidence",
    }
    assert (data["next_step"], data["disclaimer"]) == (guard.NEXT_STEP, guard.DISCLAIMER)
    assert data["prepared"] == TODAY.isoformat()
    assert data["answers"] == {**raw, "date_of_birth": "1971-11-21"}
    point = next(p for p in data["points"] if p["rule"] == "blood_pressure_raised")
    assert point == {
        "rule": "blood_pressure_raised",
        "category": "vitals",
        "category_title": "Vital signs",
        "text": "Blood pressure 150 mmHg over 95 mmHg.",
        "source": "A test article. Test journal.",
        "source_ids": ["article"],
        "triggered_by": ["systolic_bp", "diastolic_bp"],
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_points_still_the_one_next_step(
    kinds: Definitions, templates: Path, fmt: Format
) -> None:
    view = summarise(kinds, {"pain_duration_months": 1, "prior_treatments": ["nsaids"]}, TODAY)
    assert view.categories == ()
    text = plain_text(render(view, fmt, templates), fmt)
    assert guard.NEXT_STEP in text and guard.DISCLAIMER in text


@pytest.mark.parametrize(("born", "shown"), [
    ("1971-11-21", "1971-11-21 (age 55)"),  # birthday today
    ("1971-11-22", "1971-11-22 (age 54)"),  # birthday tomorrow
    ("2026-11-21", "2026-11-21 (age 0)"),
])  # fmt: skip
def test_age_beside_date_of_birth(kinds: Definitions, born: str, shown: str) -> None:
    value = dt.date.fromisoformat(born)
    assert show_answer(kinds.questionnaire, "date_of_birth", value, TODAY) == shown


@pytest.mark.parametrize(("question", "value", "shown"), [
    ("pain_duration_months", 1.38, "1.38 months (about 6 weeks)"),
    ("pain_duration_months", 6, "6 months"),
    ("pain_duration_months", 30, "30 months (about 2.5 years)"),
    ("pain_intensity", 7, "7 out of 10"),
    ("conditions", ["crps", "migraine"], "CRPS; Migraine"),  # the clinician's labels
    ("opioids_now", "not_sure", "Not sure"),
])  # fmt: skip
def test_answers_read_in_the_clinicians_words(
    kinds: Definitions, question: str, value: Any, shown: str
) -> None:
    assert show_answer(kinds.questionnaire, question, value, TODAY) == shown


def test_the_patient_sees_the_wording_they_were_shown(kinds: Definitions) -> None:
    shown = show_answer(kinds.questionnaire, "conditions", ["crps"], TODAY, short=False)
    assert shown == "Complex regional pain syndrome"


@pytest.mark.parametrize(
    ("raw", "blank", "listed"),
    [
        ({"pain_duration_months": 30}, ("Opioids now", "Notes"), ()),
        ({"pain_duration_months": 30, "opioids_now": "no"}, ("Notes",), ()),
        (
            {"pain_duration_months": 30, "opioids_now": "yes", "notes": "x"},
            (),
            ("opioids_now", "notes"),
        ),
    ],
)
def test_review_first_names_its_questions_left_blank(
    write_defs: Any, raw: dict[str, Any], blank: tuple[str, ...], listed: tuple[str, ...]
) -> None:
    """An empty review-first box must not read as nothing to review: what was asked there and
    left blank is named in it (and not again under the answers)."""
    from screening.adapters.definition_files import load_definitions
    from tests.conftest import KINDS_QUESTIONNAIRE, KINDS_RULES

    title = "title: Test clinic questionnaire\n"
    first = 'review_first:\n  - {question: opioids_now, choices: ["yes"]}\n  - {question: notes}\n'
    defs = load_definitions(
        write_defs(KINDS_QUESTIONNAIRE.replace(title, title + first), KINDS_RULES)
    )
    answers, problems = validate_answers(defs.questionnaire, raw, TODAY)
    assert problems == []
    view = summarise(defs, answers, TODAY)
    assert view.review_first_unanswered == blank
    assert tuple(r.id for r in view.review_first) == listed
    assert not set(blank) & set(view.not_answered)
