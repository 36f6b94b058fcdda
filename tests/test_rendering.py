"""Summaries for several patients, in every format, against golden files.

Regenerate the golden files after a deliberate change with UPDATE_GOLDEN=1, and read the diff.
"""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path

import pytest

from screening.adapters import locations as resources
from screening.core import guard
from screening.adapters.answers_file import read_answers
from screening.core.models import Definitions
from screening.adapters.rendering import FORMATS, SUFFIXES, Format, plain_text, render
from screening.core.summary import summarise as summary_view
from tests.conftest import TESTS, TODAY

PATIENTS = sorted((TESTS / "patients").iterdir())
GOLDEN = TESTS / "golden"


def _render(defs: Definitions, patient: Path, fmt: Format) -> str:
    answers = read_answers(patient, defs.questionnaire, TODAY)
    return render(summary_view(defs, answers, TODAY), fmt, resources.templates_dir())


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("patient", PATIENTS, ids=lambda p: p.stem)
def test_golden(defs: Definitions, patient: Path, fmt: Format) -> None:
    out = _render(defs, patient, fmt)
    golden = GOLDEN / f"{patient.stem}{SUFFIXES[fmt]}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("patient", PATIENTS, ids=lambda p: p.stem)
def test_every_summary_ends_with_the_one_next_step(
    defs: Definitions, patient: Path, fmt: Format
) -> None:
    text = plain_text(_render(defs, patient, fmt), fmt)
    assert guard.NEXT_STEP in text
    assert guard.DISCLAIMER in text
    if fmt != "json":
        tail = " ".join(text.replace("*", "").split())
        assert tail.lower().endswith(f"next step: {guard.NEXT_STEP} {guard.DISCLAIMER}".lower())


@pytest.mark.parametrize("patient", PATIENTS, ids=lambda p: p.stem)
def test_text_fits_80_columns(defs: Definitions, patient: Path) -> None:
    lines = _render(defs, patient, "text").splitlines()
    assert max(len(line) for line in lines) <= 80


def test_json_shape(defs: Definitions) -> None:
    data = json.loads(_render(defs, TESTS / "patients" / "staff_full.yaml", "json"))
    assert data["next_step"] == "Discuss with a specialist."
    assert data["disclaimer"] == guard.DISCLAIMER
    assert data["answers"]["conditions"] == ["neuropathic_pain", "back_neck_injury"]
    point = next(p for p in data["points"] if p["rule"] == "blood_pressure_raised")
    assert point["category"] == "vital_signs"
    assert point["triggered_by"] == ["systolic_bp", "diastolic_bp"]
    assert "Ketamine therapy and infusions for pain relief" in point["source"]
    assert set(point) >= {"rule", "category", "text", "source", "triggered_by"}


TYPED = TESTS / "patients" / "typed_text.yaml"


def test_typed_text_stays_literal_in_html(defs: Definitions) -> None:
    out = _render(defs, TYPED, "html")
    assert "<script>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }}" in out
    assert "{% if 1 %}x{% endif %}" in out
    assert "49" not in out
    assert "pipe &amp; &lt;b&gt;amp&lt;/b&gt;" in out
    assert "<script>" in html.unescape(out)  # shown to the reader as typed


def test_typed_text_stays_literal_in_text_and_md(defs: Definitions) -> None:
    text = _render(defs, TYPED, "text")
    assert "<script>alert(1)</script> {{ 7*7 }}" in text
    md = _render(defs, TYPED, "md")
    assert "&lt;script\\>alert(1)&lt;/script\\> {{ 7\\*7 }}" in md
    assert "\\*bold\\* \\[link\\](http\\://example.com)" in md
    assert "<b>" not in md


@pytest.mark.parametrize("fmt", FORMATS)
def test_control_characters_never_reach_the_page(defs: Definitions, fmt: Format) -> None:
    out = _render(defs, TYPED, fmt)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", out)
    assert "[31m" not in out
    assert "Red text here and a bell" in plain_text(out, fmt)


def test_a_patient_with_no_points_gets_the_same_next_step(defs: Definitions) -> None:
    view = summary_view(defs.model_copy(update={"ruleset": defs.ruleset.model_copy(
        update={"rules": []})}), {"pain_duration_months": 1}, TODAY)
    assert view.point_count == 0
    for fmt in FORMATS:
        out = render(view, fmt, resources.templates_dir())
        assert guard.NEXT_STEP in out and guard.DISCLAIMER in out


@pytest.mark.parametrize(("born", "shown"), [
    ("1971-11-21", "1971-11-21 (age 55)"),   # birthday today
    ("1971-11-22", "1971-11-22 (age 54)"),   # birthday tomorrow
    ("2026-11-21", "2026-11-21 (age 0)"),
])
def test_age_beside_date_of_birth(defs: Definitions, born: str, shown: str) -> None:
    import datetime as dt

    from screening.core.summary import show_answer

    value = dt.date.fromisoformat(born)
    assert show_answer(defs.questionnaire, "date_of_birth", value, TODAY) == shown


@pytest.mark.parametrize(("months", "shown"), [
    (1.38, "1.38 months (about 6 weeks)"),
    (6, "6 months"),
    (30, "30 months (about 2.5 years)"),
])
def test_duration_reads_in_a_fitting_unit(defs: Definitions, months: float, shown: str) -> None:
    from screening.core.summary import show_answer

    assert show_answer(defs.questionnaire, "pain_duration_months", months, TODAY) == shown
