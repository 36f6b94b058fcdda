"""The non-diagnostic guard: decision language is found, refused, and never emitted."""

from __future__ import annotations

import pytest

from screening.adapters.definition_files import inspect_definitions
from screening.adapters.rendering import TEMPLATES, Format, check_templates, render
from screening.core import guard
from screening.core.errors import DecisionLanguageError
from screening.core.models import Definitions
from screening.core.summary import summarise as summary_view
from tests.conftest import SMALL_RULES, SMALL_TEMPLATES, TODAY, WriteDefs, WriteTemplates


@pytest.mark.parametrize(
    "text",
    [
        "The patient is eligible.",
        "Ineligible at present",
        "She qualifies.",
        "qualified for care",
        "A good candidate",
        "suitable",
        "Unsuitable",
        "We recommend infusions",
        "recommended",
        "approved",
        "Ketamine is contraindicated",
        "indicated",
        "This rules out CRPS",
        "ruled out",
        "rule out",
        "a good fit",
        "appropriate for ketamine",
        "should start today",
        "should receive infusions",
        "should try it",
        "should avoid it",
        "will benefit",
        "likely to benefit",
        "may benefit from",
        "diagnosis of CRPS",
        "We diagnose",
        "excluded",
        "likely to\n   benefit",
    ],
)
def test_decision_language_is_found(text: str) -> None:
    assert guard.find_decision_language(text)


@pytest.mark.parametrize(
    "text",
    [
        "Discuss with a specialist.",
        "Pain reported for 30 months.",
        "The articles name CRPS.",
        "Benefits of ketamine therapy",
        "a reason for caution",
        "weighed case by case",
        guard.DISCLAIMER,
    ],
)
def test_plain_points_pass(text: str) -> None:
    assert not guard.find_decision_language(text, allowed=(guard.DISCLAIMER,))


def test_typed_text_is_not_judged_but_nothing_else_hides_behind_it() -> None:
    typed = "my GP said I am eligible for surgery"
    assert not guard.find_decision_language(f"Note: {typed}", allowed=(typed,))
    assert guard.find_decision_language(f"Note: {typed}. Also eligible.", allowed=(typed,))


def test_rule_note_saying_eligible_is_rejected(write_defs: WriteDefs) -> None:
    folder = write_defs(
        rules=SMALL_RULES.replace(
            "Pain for {pain_duration_months}.", "Patient is eligible for ketamine."
        )
    )
    _, problems = inspect_definitions(folder)
    assert [p.message for p in problems] == [
        'rule long_pain: note uses decision language: "eligible"'
    ]


@pytest.mark.parametrize("fmt", ["text", "html", "md"])
def test_template_with_verdict_is_refused_at_check_and_at_render(
    write_templates: WriteTemplates, kinds: Definitions, fmt: Format
) -> None:
    name = TEMPLATES[fmt]
    verdict = SMALL_TEMPLATES[name].replace("{{ s.next_step }}", "You are a suitable candidate.")
    assert verdict != SMALL_TEMPLATES[name]
    folder = write_templates(**{name: verdict})
    problems = check_templates(folder)
    assert [p.message for p in problems] == ['uses decision language: "candidate", "suitable"']
    assert problems[0].where.startswith(f"{folder / name}:")
    view = summary_view(kinds, {"pain_duration_months": 12}, TODAY)
    with pytest.raises(DecisionLanguageError) as err:
        render(view, fmt, folder)
    assert "not written" in err.value.lines()[0]
    for other in set(TEMPLATES) - {fmt}:
        assert guard.NEXT_STEP in render(view, other, folder)


# --- Spanish: the patient's screens in Spanish are held to a Spanish list as well -----------

SPANISH_DECISIONS = [
    "Usted es elegible.",
    "No es elegible por ahora",
    "inelegible",
    "Es un buen candidato",
    "una candidata",
    "apto para la terapia",
    "no apta",
    "idóneo",
    "una paciente idónea",
    "idoneidad",
    "Le recomendamos infusiones",
    "recomendado",
    "se la recomienda",
    "adecuado para usted",
    "apropiada para ketamina",
    "Debería empezar hoy",
    "debería recibir infusiones",
    "no debería recibir",
    "se beneficiará",
    "se beneficiaría mucho",
    "podría beneficiarse",
    "diagnóstico de SDRC",
    "le diagnosticaron",
    "contraindicado",
    "cumple los criterios",
    "califica para el tratamiento",
    "la mejor opción",
    "excluido",
    "queda descartado",
]
SPANISH_TRICKS = [
    "\u0435legible",  # a Cyrillic e
    "e-l-e-g-i-b-l-e",
    "c a n d i d a t o",
    "ido\u0301neo",  # the accent as a combining mark
    "idoneo",  # the accent left off
    "ÍDÓNEO",
    "\uff21\uff30\uff34\uff2f",  # full-width APTO
    "<b>E</b>legible",
    "**apto**",
    "reco\u200bmendado",  # a zero-width space
    "diagno\u0301stico",
]
SPANISH_PLAIN = [
    "Hable con un especialista.",
    "¿Dónde siente el dolor?",
    "Muchas personas con dolor crónico también tienen uno de estos.",
    "Pastillas opioides para el dolor, como morfina",
    "Fisioterapia o ejercicio",
    "los beneficios de la terapia",
    "Adaptar la dosis",
    "Debe saber que puede parar.",
    "Marque todos los que correspondan.",
]


@pytest.mark.parametrize("text", SPANISH_DECISIONS + SPANISH_TRICKS)
def test_spanish_decision_language_is_found(text: str) -> None:
    assert guard.find_decision_language(text, language="es"), text


@pytest.mark.parametrize("text", SPANISH_PLAIN)
def test_plain_spanish_passes(text: str) -> None:
    assert guard.find_decision_language(text, language="es") == []


def test_spanish_is_also_held_to_the_english_list() -> None:
    hits = guard.find_decision_language("Usted es eligible y un buen candidato", language="es")
    assert [h.words for h in hits] == ["eligible", "candidato"]


def test_a_fixed_spanish_passage_may_say_diagnostico_and_nothing_hides_behind_it() -> None:
    fixed = "Este formulario no es un diagnóstico."
    assert guard.find_decision_language(fixed, allowed=(fixed,), language="es") == []
    # Accents folded on both sides: the same passage typed without them is the same passage.
    assert not guard.find_decision_language(
        "Este formulario no es un diagnostico.", allowed=(fixed,), language="es"
    )
    hits = guard.find_decision_language(f"{fixed} Es elegible.", allowed=(fixed,), language="es")
    assert [h.words for h in hits] == ["elegible"]
