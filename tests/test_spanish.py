"""An interview in Spanish: the steps, the real prompts (prompt_toolkit pipe input) and plain
mode all speak Spanish; answers typed the Spanish way are understood; the clinician's page
stays in English and says the patient answered in Spanish.

Mechanics, on KINDS_* and their Spanish translation (KINDS_SPANISH)."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.input.base import PipeInput

from screening.adapters.prompts import PlainPrompter, Validate
from screening.adapters.rendering import render
from screening.adapters.terminal import TerminalInterview
from screening.core.conditions import AnswerValue
from screening.core.errors import InterviewStopped
from screening.core.interview import SKIP, Interview, Mode
from screening.core.models import Definitions
from screening.core.summary import RecordInfo, summarise
from tests.conftest import TODAY, WriteTemplates
from tests.test_interview import CTRL_C, DOWN, ENTER, SPACE, UP, Recording, Saves

NOTE = "Answered in Spanish; typed text is shown as the patient wrote it"


@pytest.fixture
def pipe() -> Iterator[PipeInput]:
    with create_pipe_input() as inp:
        yield inp


# --- What a Spanish-speaking patient types, and what they are told ------------------------

TYPED: list[tuple[str, str, Any]] = [
    ("pain_duration_months", "8 meses", 8),
    ("pain_duration_months", "1 mes", 1),
    ("pain_duration_months", "2 años", 24),
    ("pain_duration_months", "2 anos", 24),  # typed without the ñ
    ("pain_duration_months", "2 AÑOS", 24),
    ("pain_duration_months", "6 semanas", 1.38),
    ("pain_duration_months", "1,5 años", 18),  # a decimal comma
    ("pain_duration_months", "2 a", 24),
    ("pain_duration_months", "2 years", 24),  # English is understood too
    ("systolic_bp", "146 mmHg", 146),
    ("date_of_birth", "1971-04-12", dt.date(1971, 4, 12)),
]
REFUSED: list[tuple[str, Any, str]] = [
    ("pain_duration_months", "3 dias", "Use semanas, meses o años, como '8 meses' o '2 años'."),
    (
        "pain_duration_months",
        "dos años",
        "Escriba un número en cifras y semanas, meses o años, como '8 meses' o '2 años'.",
    ),
    (
        "pain_duration_months",
        "3",
        "Agregue si son semanas, meses o años, como '8 meses' o '2 años'.",
    ),
    ("pain_duration_months", "", "Esta pregunta necesita una respuesta."),
    ("pain_intensity", "11", "Escriba un número entero del 0 al 10."),
    ("systolic_bp", "muy alta", "Escriba un número del 50 al 260."),
    (
        "date_of_birth",
        "12/04/1971",
        "Escriba una fecha entre el 1900-01-01 y el 2026-11-21, como AAAA-MM-DD.",
    ),
    ("conditions", ["crps", "not_sure"], "'No sé' no se puede marcar junto con otras respuestas"),
]


@pytest.mark.parametrize(("question", "typed", "value"), TYPED)
def test_answers_typed_the_spanish_way(
    kinds_es: Definitions, question: str, typed: str, value: Any
) -> None:
    interview = Interview(kinds_es, today=TODAY)
    assert interview.answer(question, typed) is None
    assert interview.answers[question] == value


@pytest.mark.parametrize(("question", "typed", "message"), REFUSED)
def test_refusals_say_in_spanish_how_to_write_it(
    kinds_es: Definitions, question: str, typed: Any, message: str
) -> None:
    interview = Interview(kinds_es, today=TODAY)
    assert interview.answer(question, typed) == message
    assert question not in interview.answers


def test_prompts_and_review_read_in_spanish(kinds_es: Definitions) -> None:
    interview = Interview(kinds_es, mode="patient", today=TODAY)
    first = interview.next_prompt()
    assert first is not None
    assert (first.text, first.help) == ("¿Dónde le duele?", "Para saltarla, presione Enter.")
    duration = interview.prompt("pain_duration_months")
    assert duration.text == "¿Hace cuánto tiempo que tiene dolor?  (como 8 meses o 2 años)"
    assert interview.prompt("pain_intensity").text == "¿Qué tan fuerte es el dolor?  (del 0 al 10)"
    opioids = interview.prompt("opioids_now")
    assert opioids.options == (
        ("yes", "Sí"),
        ("no", "No"),
        ("not_sure", "No sé"),
        (SKIP, "Saltar esta pregunta"),
    )
    assert opioids.help == "Para saltarla, elija la última opción."
    assert interview.prompt("conditions").help == "Para saltarla, no marque nada y presione Enter."
    interview.answer("pain_duration_months", "2,5 años")
    interview.answer("pain_intensity", "6")
    interview.answer("prior_treatments", ["nsaids"])
    rows = {r.question_id: (r.text, r.answer) for r in interview.review()}
    assert rows["pain_duration_months"] == (
        "¿Hace cuánto tiempo que tiene dolor?",
        "30 meses (cerca de 2,5 años)",
    )
    assert rows["pain_intensity"][1] == "6 de 10"
    assert rows["prior_treatments"][1] == "Pastillas para la inflamación"
    # Changing an answer starts from it as the patient would type it again.
    assert interview.prompt("pain_duration_months").default == "30 meses"
    assert interview.change("pain_duration_months", "6 semanas") is None
    assert interview.review()[1].answer == "1,38 meses (cerca de 6 semanas)"


def test_only_the_patients_words_change_language(kinds: Definitions, kinds_es: Definitions) -> None:
    english, spanish = kinds.questionnaire, kinds_es.questionnaire
    for en, es in zip(english.questions, spanish.questions, strict=True):
        assert (es.id, es.label, es.section, es.when) == (en.id, en.label, en.section, en.when)
    crps = spanish.choices_of(spanish["conditions"])[0]
    assert (crps.text, crps.clinician_label) == ("Síndrome de dolor regional complejo", "CRPS")
    migraine = spanish.choices_of(spanish["conditions"])[1]
    assert (migraine.text, migraine.clinician_label) == ("Migraña", "Migraine")
    assert english["pain_location"].text == "Where does it hurt?"  # the original is untouched
    assert spanish.get("pain_location") is spanish.questions[3]


# --- The whole interview through the real prompts -----------------------------------------


class Listening(Recording):
    """The real prompter, also keeping each refusal it showed below a typed answer."""

    def __init__(self, inp: PipeInput) -> None:
        super().__init__(inp)
        self.refused: list[str] = []

    def text(self, message: str, *, default: str, validate: Validate) -> str:
        def noting(typed: str) -> str | None:
            problem = validate(typed)
            if problem:
                self.refused.append(problem)
            return problem

        return super().text(message, default=default, validate=noting)


def run(
    defs: Definitions, pipe: PipeInput, keys: str, mode: Mode = "staff"
) -> tuple[dict[str, AnswerValue], Listening]:
    prompter = Listening(pipe)
    pipe.send_text(keys)
    interview = Interview(defs, mode=mode, today=TODAY)
    return TerminalInterview(interview, prompter, Saves()).run(opening=False), prompter


BACK = "\b" * 12


def test_whole_interview_in_spanish_through_the_prompts(
    kinds_es: Definitions, pipe: PipeInput
) -> None:
    keys = "".join([
        "Alex Ejemplo" + ENTER,
        "D-1" + ENTER,
        "12/04/1971" + ENTER + BACK + "1971-04-12" + ENTER,  # refused, then as AAAA-MM-DD
        "la rodilla" + ENTER,
        "3 dias" + ENTER + BACK + "dos años" + ENTER + BACK + "1,5 años" + ENTER,
        "7" + ENTER,
        SPACE + DOWN + SPACE + ENTER,           # SDRC and migraña
        SPACE + DOWN + SPACE + ENTER,           # both treatments
        DOWN + SPACE + ENTER,                   # not enough relief: the opioid
        UP * 3 + ENTER,                         # Sí
        "Duermo mal, así desde hace 2 años" + ENTER,
        "146" + ENTER, "92" + ENTER,
        ENTER, "s",                             # review: finish; then yes is "s"
    ])  # fmt: skip
    answers, prompter = run(kinds_es, pipe, keys)
    assert answers == {
        "patient_name": "Alex Ejemplo", "patient_id": "D-1",
        "date_of_birth": dt.date(1971, 4, 12), "pain_location": "la rodilla",
        "pain_duration_months": 18, "pain_intensity": 7, "conditions": ["crps", "migraine"],
        "prior_treatments": ["nsaids", "opioids"], "not_enough_relief": ["opioids"],
        "opioids_now": "yes", "notes": "Duermo mal, así desde hace 2 años",
        "systolic_bp": 146, "diastolic_bp": 92,
    }  # fmt: skip
    assert prompter.refused == [
        "Escriba una fecha entre el 1900-01-01 y el 2026-11-21, como AAAA-MM-DD.",
        "Use semanas, meses o años, como '8 meses' o '2 años'.",
        "Escriba un número en cifras y semanas, meses o años, como '8 meses' o '2 años'.",
    ]
    progress = [s for s in prompter.shown if s.startswith("Pregunta")]
    assert progress[0] == "Pregunta 1 de 12" and "Pregunta 9 de 13" in progress
    assert "¿Cuáles de estos tiene? Síndrome de dolor regional complejo; Migraña" in prompter.shown
    assert "Por favor, revise sus respuestas." in prompter.shown
    assert not [s for s in prompter.shown if "Question" in s or "Please" in s]


def test_ctrl_c_asks_in_spanish_and_s_stops(kinds_es: Definitions, pipe: PipeInput) -> None:
    prompter, saves = Recording(pipe), Saves()
    pipe.send_text("rodilla" + ENTER + CTRL_C + "n" + "2 años" + ENTER + CTRL_C + "s")
    interview = Interview(kinds_es, mode="patient", today=TODAY)
    with pytest.raises(InterviewStopped):
        TerminalInterview(interview, prompter, saves).run(opening=False)
    assert saves.calls[-1][0] == {"pain_location": "rodilla", "pain_duration_months": 24}


def test_plain_mode_in_spanish(kinds_es: Definitions) -> None:
    typed = "\n".join([
        "sí",           # ¿Quiere empezar?
        "",             # where: skipped
        "6", "6 semanas",  # refused without a unit, then accepted
        "once", "8",    # refused, then accepted
        "1, 2",         # SDRC, migraña
        "",             # treatments: none
        "3",            # No sé
        "",             # notes: skipped
        "1", "si", "",  # review: finish, and yes without the accent
    ])  # fmt: skip
    out = io.StringIO()
    interview = Interview(kinds_es, mode="patient", today=TODAY)
    prompter = PlainPrompter(io.StringIO(typed), out, script=False)  # asked again when refused
    answers = TerminalInterview(interview, prompter, Saves()).run()
    assert answers == {
        "pain_duration_months": 1.38,
        "pain_intensity": 8,
        "conditions": ["crps", "migraine"],
        "opioids_now": "not_sure",
    }
    shown = out.getvalue()
    assert shown.startswith("Sobre este formulario\n")
    assert "¿Quiere empezar? (S/n)\n> " in shown
    assert "Pregunta 1 de 7" in shown and "Pregunta 7 de 7" in shown
    assert "! Agregue si son semanas, meses o años, como '8 meses' o '2 años'." in shown
    assert "! Escriba un número entero del 0 al 10." in shown
    assert "  3. No sé\n  4. Saltar esta pregunta  (si solo presiona Enter, elige esta)" in shown
    assert "Escriba un número y presione Enter:" in shown
    assert "¿Terminar y enviar sus respuestas? (S/n)" in shown
    for english in ("Question", "Type a number", "Ready to start", "(Y/n)", "Skip this"):
        assert english not in shown


# --- The clinician's page stays in English --------------------------------------------------


def test_summary_stays_english_and_says_the_language(
    kinds: Definitions, write_templates: WriteTemplates
) -> None:
    answers: dict[str, AnswerValue] = {
        "pain_duration_months": 18,
        "conditions": ["crps"],
        "notes": "Me duele mucho",
    }
    spanish = RecordInfo(definitions="abc", id="r1", mode="patient", language="es")
    view = summarise(kinds, answers, TODAY, spanish)
    assert (view.language, view.language_note) == ("es", NOTE)
    english = summarise(kinds, answers, TODAY, RecordInfo("abc", "r1", "patient"))
    assert (english.language, english.language_note) == ("en", "")
    data = json.loads(render(view, "json", write_templates()))
    assert data["language"] == "es"
    assert data["answers"]["notes"] == "Me duele mucho"  # typed text as the patient wrote it
    page = render(view, "text", write_templates())
    assert "CRPS" in page and "18 months" in page
    assert "Síndrome" not in page and "meses" not in page
