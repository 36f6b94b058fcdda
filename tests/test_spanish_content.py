"""The packaged Spanish: rules/i18n/es.yaml and src/screening/locales/es.yaml.

Held to the English by `screening check`; plain (each patient block scores at least 70 on
Fernández-Huerta); in the usual US-Spanish medical words; free of decision language; fitting
an 80-column terminal; and the clinician's page stays in English and says so.
"""

from __future__ import annotations

import pytest
from textstat.textstat import textstatistics

from screening.adapters import locations as resources
from screening.adapters.answers_file import read_answers
from screening.adapters.definition_files import load_definitions
from screening.adapters.rendering import FORMATS, plain_text, render
from screening.adapters.translations import check_translations, in_language, read_catalog
from screening.core import guard
from screening.core.interview import Interview, closing_text, opening_text
from screening.core.models import Definitions
from screening.core.summary import RecordInfo, summarise
from tests.conftest import TESTS, TODAY, Cli
from tests.test_content import PATIENT_QUESTIONS, patient_block

MIN_EASE = 70.0  # Fernández-Huerta: 70 to 80 reads "fairly easy", above 80 "easy"
NOTE = "Answered in Spanish; typed text is shown as the patient wrote it"


@pytest.fixture(scope="module")
def spanish() -> Definitions:
    rules = resources.rules_dir()
    return in_language(load_definitions(rules), rules, "es")


@pytest.fixture(scope="module")
def ease() -> textstatistics:
    """Fernández-Huerta as textstat computes it for Spanish: its own instance, so the
    English readability tests keep their language."""
    stats = textstatistics()
    stats.set_lang("es")
    return stats


def test_the_packaged_translations_are_in_step(cli: Cli) -> None:
    _, problems = check_translations(
        resources.rules_dir(), load_definitions(resources.rules_dir()).questionnaire
    )
    assert problems == []
    assert read_catalog("es")[1] == []
    code, out, _ = cli("check")
    assert code == 0 and "translated into es" in out


@pytest.mark.parametrize("question_id", PATIENT_QUESTIONS)
def test_each_spanish_block_reads_easily(
    spanish: Definitions, ease: textstatistics, question_id: str
) -> None:
    block = patient_block(spanish, spanish.questionnaire[question_id])
    score = ease.fernandez_huerta(block)
    assert score >= MIN_EASE, f"{question_id}: {score:.1f}: {block}"


@pytest.mark.parametrize("screen", ["opening", "closing"])
def test_spanish_screens_read_easily_and_fit_80_columns(
    spanish: Definitions, ease: textstatistics, screen: str
) -> None:
    text = (opening_text if screen == "opening" else closing_text)(spanish)
    assert ease.fernandez_huerta(text) >= MIN_EASE
    line = spanish.questionnaire.crisis_line or ""
    assert text.endswith(line) and "988" in line and "recepción" in line
    lines = text.removesuffix(line).splitlines()
    assert max(len(x) for x in lines) <= 79


def test_usual_us_spanish_medical_words(spanish: Definitions) -> None:
    words = " ".join(t for t in _spanish_texts(spanish)).lower()
    for usual in ("dolor crónico", "fisioterapia", "opioides", "presión alta", "culebrilla"):
        assert usual in words, usual
    # Not Spain's words, and no English left behind in what the patient reads.
    for other in ("gafas", "ordenador", "móvil", "pulse", "zoster"):
        assert other not in words, other
    assert "Pick all" not in words and "Not sure" not in words


def _spanish_texts(spanish: Definitions) -> list[str]:
    qn = spanish.questionnaire
    texts = [qn.crisis_line or ""]
    for q in qn.questions:
        texts += [t for t in (q.text, q.help, q.invalid) if t]
        texts += [c.text for c in qn.choices_of(q)]
    return texts


def test_no_decision_language_in_the_spanish(spanish: Definitions) -> None:
    for text in [*_spanish_texts(spanish), *read_catalog("es")[0].messages.values()]:
        assert guard.find_decision_language(text, language="es") == [], text


def test_every_patient_text_is_spanish_and_the_clinicians_stay_english(
    spanish: Definitions,
) -> None:
    english = load_definitions(resources.rules_dir()).questionnaire
    for en, es in zip(english.questions, spanish.questionnaire.questions, strict=True):
        assert (es.label, es.section) == (en.label, en.section)
        assert es.text != en.text, en.id
        assert en.help is None or es.help != en.help, en.id
        for a, b in zip(english.choices_of(en), spanish.questionnaire.choices_of(es), strict=True):
            assert b.clinician_label == a.clinician_label
            assert b.text != a.text or a.text in ("No", "Artritis"), (en.id, a.id)


@pytest.mark.parametrize(
    ("question", "typed", "value"),
    [
        ("body_weight", "70 kg", 70),
        ("body_weight", "70 kilos", 70),
        ("body_weight", "154 libras", 69.85),
        ("body_weight", "154 lb", 69.85),
        ("body_weight", "70,5 kg", 70.5),
        ("pain_duration_months", "8 meses", 8),
        ("pain_duration_months", "2 años", 24),
        ("pain_duration_months", "6 sem", 1.38),
    ],
)
def test_units_typed_in_spanish(
    spanish: Definitions, question: str, typed: str, value: float
) -> None:
    interview = Interview(spanish, mode="patient", today=TODAY)
    assert interview.answer(question, typed) is None
    assert interview.answers[question] == value


BAD_INPUT = ["dos", "3 dias", "3", "-4", "999999", "1/2/1970", "25:70", "x" * 1001]


def test_spanish_refusals_fit_one_terminal_line(spanish: Definitions) -> None:
    """A refusal shows on the one line below the answer: it must fit 80 columns."""
    interview = Interview(spanish, mode="staff", today=TODAY)
    seen = set()
    for q in spanish.questionnaire.questions:
        if q.widget != "typed":
            continue
        for typed in BAD_INPUT:
            problem = interview.check(q.id, typed)
            if problem:
                seen.add(problem)
                assert len(problem) <= 79, problem
    assert "Use kg o libras, como '70 kg' o '154 libras'." in seen
    assert "Use semanas, meses o años, como '8 meses' o '2 años'." in seen
    assert "Escriba la hora como HH:MM, en horario de 24 horas, como 09:30." in seen
    assert "Escriba menos: hasta 1000 letras y espacios." in seen


def test_the_clinicians_page_says_spanish_and_fits() -> None:
    english = load_definitions(resources.rules_dir())
    answers = read_answers(
        TESTS.parent / "examples" / "answers-example.yaml", english.questionnaire, TODAY
    )
    record = RecordInfo(definitions="588da53dfaa7", id="r1", mode="patient", language="es")
    for fmt in FORMATS:
        page = plain_text(
            render(summarise(english, answers, TODAY, record), fmt, resources.templates_dir()), fmt
        )
        if fmt != "json":
            assert NOTE in " ".join(page.split()), fmt
    text = render(summarise(english, answers, TODAY, record), "text", resources.templates_dir())
    assert max(len(x) for x in text.splitlines()) <= 80
    assert f"\n{NOTE}\n" in text
