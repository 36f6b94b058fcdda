"""Patient-facing wording reads at grade 8 or below (Flesch-Kincaid), over each question and
the whole questionnaire. Choice labels are scored as short sentences, inside their question."""

from __future__ import annotations

import pytest
import textstat

from screening.adapters import locations as resources
from screening.core import guard
from screening.adapters.definition_files import load_definitions
from screening.core.interview import OPENING, THANKS
from screening.core.models import Definitions
from screening.core.questions import Question

MAX_GRADE = 8.0
DEFS = load_definitions(resources.rules_dir())
PATIENT_QUESTIONS = [q for q in DEFS.questionnaire.questions if q.audience == "everyone"]


def _sentence(text: str) -> str:
    return text if text.rstrip().endswith((".", "?", "!")) else text + "."


def block(defs: Definitions, q: Question) -> str:
    parts = [q.text, *([q.help] if q.help else [])]
    parts += [c.text for c in (defs.questionnaire.choices_of(q) if q.lists_choices else [])]
    return " ".join(_sentence(p) for p in parts)


@pytest.mark.parametrize("question", PATIENT_QUESTIONS, ids=lambda q: q.id)
def test_each_question_with_its_help(question: Question) -> None:
    grade = textstat.flesch_kincaid_grade(block(DEFS, question))
    assert grade <= MAX_GRADE, f"{question.id}: grade {grade:.1f}"


def test_whole_questionnaire_and_screens() -> None:
    whole = " ".join(block(DEFS, q) for q in PATIENT_QUESTIONS)
    assert textstat.flesch_kincaid_grade(whole) <= MAX_GRADE
    for screen in (OPENING, THANKS):
        assert textstat.flesch_kincaid_grade(screen) <= MAX_GRADE


def test_a_hard_sentence_would_fail() -> None:
    hard = ("Characterise the predominant anatomical distribution of nociceptive symptomatology "
            "experienced contemporaneously, notwithstanding intermittent exacerbations.")
    assert textstat.flesch_kincaid_grade(hard) > MAX_GRADE


def test_interview_screens_carry_no_decision_language() -> None:
    for screen in (OPENING, THANKS):
        assert guard.find_decision_language(screen) == []
