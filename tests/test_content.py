"""The packaged content: rules/questionnaire.yaml, rules/rules.yaml and templates/.

Every test that reads the packaged definitions or templates is here, so a clinic that edits
them sees what changed in this file alone. The mechanics are tested elsewhere on small
definitions. Golden summaries: regenerate after a deliberate change with UPDATE_GOLDEN=1,
and read the diff.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import pytest
import textstat

from screening.adapters import locations as resources
from screening.adapters.answers_file import read_answers
from screening.adapters.definition_files import inspect_definitions, load_definitions
from screening.adapters.rendering import FORMATS, SUFFIXES, Format, check_templates, plain_text
from screening.adapters.rendering import render as render_view
from screening.core import guard
from screening.core.models import Definitions
from screening.core.questions import MultiChoiceQuestion, NumberQuestion, Question
from screening.core.rules import run_rules
from screening.core.summary import summarise
from tests.conftest import TESTS, TODAY, Cli

# --- The vocabulary other programs rely on -------------------------------------------------

CORE_IDS = {
    "pain_location": "text", "pain_duration_months": "number", "pain_intensity": "integer",
    "daily_impact": "multi", "conditions": "multi", "prior_treatments": "multi",
    "not_enough_relief": "multi", "stopped_for_side_effects": "multi",
    "current_opioid_use": "single", "medicine_groups": "multi", "current_medications": "text",
    "allergies": "single", "allergy_details": "text", "prior_ketamine": "multi",
    "ketamine_experience": "text", "anesthesia_reaction": "single",
    "anesthesia_reaction_details": "text", "mental_health": "multi", "health_flags": "multi",
    "psychosis_when": "single", "body_weight": "number", "notes": "text",
    "patient_name": "text", "patient_id": "text", "date_of_birth": "date",
    "systolic_bp": "integer", "diastolic_bp": "integer", "heart_rate": "integer",
    "oxygen_saturation": "integer", "vitals_taken_at": "time", "bp_medicine_today": "single",
}  # fmt: skip
CORE_CHOICES = {
    "daily_impact": {"mobility", "sleep", "mood", "work", "social"},
    "conditions": {"neuropathic_pain", "crps", "fibromyalgia", "diabetic_neuropathy",
                   "postherpetic_neuralgia", "spinal_cord_injury", "phantom_limb_pain",
                   "cancer_pain", "migraine", "cluster_headache", "back_neck_injury",
                   "arthritis", "autoimmune", "other", "not_sure"},
    "prior_treatments": {"nsaids", "opioids", "other_pain_medicines", "physical_therapy",
                         "psychotherapy", "injections", "surgery", "other"},
    "not_enough_relief": {"nsaids", "none"},
    "stopped_for_side_effects": {"opioids", "none"},
    "current_opioid_use": {"yes", "no", "not_sure"},
    "medicine_groups": {"benzodiazepines", "lamotrigine", "maois", "stimulants",
                        "blood_pressure_medicines", "none", "not_sure"},
    "allergies": {"none_known", "yes", "not_sure"},
    "prior_ketamine": {"anesthesia", "pain_or_mood_treatment", "non_medical", "none",
                       "prefer_not_to_say"},
    "anesthesia_reaction": {"no", "yes", "not_sure"},
    "mental_health": {"depression", "anxiety", "ptsd", "bipolar", "other", "prefer_not_to_say"},
    "health_flags": {"high_blood_pressure", "heart_condition", "hallucinations_or_psychosis",
                     "substance_use", "breathing_condition", "pregnancy", "breastfeeding",
                     "liver_disease", "glaucoma", "head_pressure", "eye_or_head_pressure",
                     "bladder_problems"},
    "psychosis_when": {"now", "past", "not_sure"},
}  # fmt: skip
STAFF_ONLY = {
    "patient_name",
    "patient_id",
    "date_of_birth",
    "systolic_bp",
    "diastolic_bp",
    "heart_rate",
    "oxygen_saturation",
    "vitals_taken_at",
    "bp_medicine_today",
}


def test_core_vocabulary_exists(defs: Definitions) -> None:
    qn = defs.questionnaire
    for qid, qtype in CORE_IDS.items():
        assert qn[qid].type == qtype, qid
    for qid, ids in CORE_CHOICES.items():
        assert ids <= {c.id for c in qn.choices_of(qn[qid])}, qid
    duration, intensity = qn["pain_duration_months"], qn["pain_intensity"]
    assert isinstance(duration, NumberQuestion) and isinstance(intensity, NumberQuestion)
    assert duration.required and duration.min == 0
    assert (intensity.min, intensity.max) == (0, 10)
    relief = qn["not_enough_relief"]
    assert isinstance(relief, MultiChoiceQuestion)
    assert relief.choices_from == "prior_treatments"
    assert {q.id for q in qn.questions if q.audience == "staff"} == STAFF_ONLY


def test_every_criterion_is_covered(defs: Definitions) -> None:
    rs = defs.ruleset
    assert [c.id for c in rs.criteria] == [f"C{i}" for i in range(1, 12)]
    covered = {c for r in rs.rules for c in r.criteria}
    covered |= {c for q in defs.questionnaire.questions for c in q.criteria}
    assert covered >= {f"C{i}" for i in range(1, 12)}


def test_packaged_definitions_and_templates_pass_every_check() -> None:
    _, problems = inspect_definitions(resources.rules_dir())
    assert problems == []
    assert check_templates(resources.templates_dir()) == []


def test_check_and_questions_read_the_packaged_folders_by_default(cli: Cli) -> None:
    code, out, _ = cli("check")
    assert code == 0
    assert out.startswith("OK: 31 questions,") and "C1, C2" in out and "C11 covered" in out
    code, out, _ = cli("questions")
    assert code == 0
    assert "pain_duration_months   number, 0..1200, months, required" in out
    assert "not_enough_relief      multi, conditional, choices from prior_treatments" in out
    assert "    postherpetic_neuralgia" in out


# --- Each rule against the criterion it reflects --------------------------------------------

BASE: dict[str, Any] = {"pain_duration_months": 12}

# (criterion, answers added to BASE, rules that must fire, rules that must not)
CASES: list[tuple[str, dict[str, Any], set[str], set[str]]] = [
    ("C3", {"conditions": ["crps"]}, {"condition_crps"}, {"condition_nerve_pain"}),
    ("C3", {"conditions": ["spinal_cord_injury"]}, {"condition_spinal_cord_injury"}, set()),
    ("C3", {"conditions": ["postherpetic_neuralgia"]}, {"condition_nerve_pain"}, set()),
    ("C3", {"conditions": ["fibromyalgia"]}, {"condition_fibromyalgia"}, {"condition_crps"}),
    ("C3", {"conditions": ["cancer_pain"]}, {"condition_cancer_pain"}, set()),
    ("C3", {"conditions": ["cluster_headache"]}, {"condition_headache"}, set()),
    ("C3", {"conditions": ["not_sure"]}, set(), {"condition_crps", "condition_nerve_pain"}),
    ("C4", {"mental_health": ["ptsd"]}, {"mental_health_reported"}, {"mental_health_bipolar"}),
    ("C4", {"mental_health": ["bipolar"]}, {"mental_health_bipolar"}, {"mental_health_reported"}),
    ("C4", {"mental_health": ["prefer_not_to_say"]}, {"mental_health_not_said"},
     {"mental_health_reported"}),
    ("C4", {"mental_health": ["none"]}, set(),
     {"mental_health_reported", "mental_health_not_said", "mental_health_bipolar"}),
    ("C5", {"health_flags": ["heart_condition"]}, {"heart_or_blood_pressure"}, set()),
    ("C5", {"health_flags": ["hallucinations_or_psychosis"]}, {"hallucinations_or_psychosis"},
     set()),
    ("C5", {"health_flags": ["substance_use"]}, {"substance_use"}, set()),
    ("C5", {"health_flags": ["pregnancy"]}, {"pregnancy"}, set()),
    ("C5", {"health_flags": ["liver_disease"]}, {"liver_disease"}, set()),
    ("C5", {"health_flags": ["glaucoma"]}, {"raised_eye_or_skull_pressure"}, set()),
    ("C5", {"health_flags": ["head_pressure"]}, {"raised_eye_or_skull_pressure"}, set()),
    ("C5", {"health_flags": ["eye_or_head_pressure"]}, {"raised_eye_or_skull_pressure"}, set()),
    ("C5", {"health_flags": ["not_sure"]}, {"health_flags_unclear"}, {"pregnancy"}),
    ("C6", {"current_opioid_use": "yes"}, {"opioids_now"}, {"opioids_unsure"}),
    ("C6", {"current_opioid_use": "not_sure"}, {"opioids_unsure"}, {"opioids_now"}),
    ("C6", {"current_opioid_use": "no"}, set(), {"opioids_now", "opioids_unsure"}),
    ("C7", {"health_flags": ["breathing_condition"]}, {"breathing_condition"}, set()),
    ("C10", {"systolic_bp": 150, "diastolic_bp": 80}, {"blood_pressure_high"},
     {"vital_signs_not_recorded", "blood_pressure_low"}),
    ("C10", {"systolic_bp": 120, "diastolic_bp": 95}, {"blood_pressure_high"}, set()),
    ("C10", {"systolic_bp": 139, "diastolic_bp": 89}, set(),
     {"blood_pressure_high", "blood_pressure_low"}),
    ("C10", {"systolic_bp": 82, "diastolic_bp": 40, "heart_rate": 38},
     {"blood_pressure_low", "heart_rate_low"}, {"blood_pressure_high", "heart_rate_high"}),
    ("C10", {"systolic_bp": 90, "diastolic_bp": 60, "heart_rate": 60, "oxygen_saturation": 94},
     set(), {"blood_pressure_low", "heart_rate_low", "oxygen_low"}),
    ("C10", {"heart_rate": 101, "oxygen_saturation": 93}, {"heart_rate_high", "oxygen_low"},
     {"vital_signs_not_recorded"}),
    ("C10", {"diastolic_bp": 95}, {"blood_pressure_high"}, {"vital_signs_not_recorded"}),
    ("C10", {}, {"vital_signs_not_recorded"}, set()),
]  # fmt: skip


def _fired(defs: Definitions, extra: dict[str, Any]) -> set[str]:
    return {p.rule for p in run_rules(defs, {**BASE, **extra})}


@pytest.mark.parametrize(
    ("criterion", "extra", "fires", "silent"),
    CASES,
    ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)],
)
def test_rule_reflects_criterion(
    defs: Definitions, criterion: str, extra: dict[str, Any], fires: set[str], silent: set[str]
) -> None:
    fired = _fired(defs, extra)
    assert fires <= fired
    assert not silent & fired
    rules = {r.id: r for r in defs.ruleset.rules}
    for rule_id in fires:
        assert criterion in rules[rule_id].criteria, rule_id


def test_every_rule_fires_in_some_case(defs: Definitions) -> None:
    fired = set().union(*(_fired(defs, extra) for _, extra, _, _ in CASES))
    assert {r.id for r in defs.ruleset.rules} - fired == set()


def _page(defs: Definitions, answers: dict[str, Any]) -> str:
    view = summarise(defs, answers, TODAY)
    return plain_text(render_view(view, "text", resources.templates_dir()), "text")


def test_low_vital_signs_are_flagged_inline(defs: Definitions) -> None:
    view = summarise(defs, {**BASE, "systolic_bp": 82, "diastolic_bp": 40, "heart_rate": 38}, TODAY)
    first = {r.label: r.shown for r in view.review_first}
    assert first["Blood pressure"] == "82/40 mmHg (low)"
    assert first["Heart rate"] == "38 bpm (low)"


def test_one_blood_pressure_number_reads_as_one_row(defs: Definitions) -> None:
    page = _page(defs, {**BASE, "diastolic_bp": 95})
    assert "Blood pressure ............ ?/95 mmHg (high)" in page
    assert "(not answered)" not in page and "No vital signs recorded" not in page


@pytest.mark.parametrize(("raw", "message"), [
    ({"heart_rate": 152.3}, "heart_rate: Enter a whole number from 20 to 250."),
    ({"systolic_bp": 120, "diastolic_bp": 130},
     "diastolic_bp: The bottom number must be lower than the top number. Check both."),
])  # fmt: skip
def test_vital_signs_are_whole_numbers_in_order(
    defs: Definitions, raw: dict[str, Any], message: str
) -> None:
    from screening.core.answers import validate_answers

    _, problems = validate_answers(defs.questionnaire, {**BASE, **raw}, TODAY)
    assert [f"{p.question}: {p.message}" for p in problems] == [message]


def test_body_weight_is_typed_in_kg_or_lb(defs: Definitions) -> None:
    from screening.core.interview import Interview

    interview = Interview(defs, mode="patient", today=TODAY)
    assert interview.answer("body_weight", "154 lb") is None
    assert interview.answers["body_weight"] == 69.85
    assert interview.answer("body_weight", "70") == "Add kg or lb, like '70 kg' or '154 lb'."


def test_chronic_pain_definition_is_credited_to_iasp(defs: Definitions) -> None:
    c1 = next(c for c in defs.ruleset.criteria if c.id == "C1")
    assert "iasp_icd11" in c1.sources and "cohen2018" not in c1.sources
    box = next(e for e in defs.ruleset.evidence if "three months" in e.text)
    assert box.sources == ["iasp_icd11", "infusions_article"]


# Each caution as strong as the guideline puts it (reference README), about the guideline.
STRENGTH = {
    "heart_or_blood_pressure": "not to use ketamine infusions with poorly controlled "
                               "cardiovascular disease",
    "hallucinations_or_psychosis": "to avoid infusions with active or poorly controlled psychosis",
    "liver_disease": "to avoid infusions with severe liver disease",
    "raised_eye_or_skull_pressure": "not to use infusions with raised pressure inside the skull",
    "substance_use": "serial infusions are not to be given",
}  # fmt: skip


@pytest.mark.parametrize(("rule", "words"), STRENGTH.items())
def test_cautions_keep_the_guidelines_strength(defs: Definitions, rule: str, words: str) -> None:
    note = next(r.note for r in defs.ruleset.rules if r.id == rule)
    assert words in note and "reason for caution" not in note
    assert note.startswith("The consensus guideline")


def test_evidence_limits_and_no_invented_claims(defs: Definitions) -> None:
    box = " ".join(e.text for e in defs.ruleset.evidence)
    assert "CRPS (relief up to 12 weeks)" in box and "spinal cord injury pain (short term)" in box
    notes = {r.id: r.note for r in defs.ruleset.rules}
    assert " only " not in notes["mental_health_bipolar"]
    assert not any("dose will matter" in n for n in notes.values())


STEERING = (
    "considered after",
    "did not give enough relief",
    "too little",
    "longer than",
    "shorter than",
    "passes the",
    "moderate evidence",
    "weak",
    "every reference article",
)


def test_notes_do_not_steer(defs: Definitions) -> None:
    for rule in defs.ruleset.rules:
        assert not [w for w in STEERING if w in rule.note.lower()], rule.id
        # No rule reads a duration as above or below a mark: that would read as pass or fail.
        assert "pain_duration_months" not in rule.looks_at, rule.id


def _random_answers(defs: Definitions, seed: int) -> dict[str, Any]:
    import random

    from screening.core.answers import validate_answers

    rng, qn, raw = random.Random(seed), defs.questionnaire, dict(BASE)  # noqa: S311
    for q in qn.questions:
        ids = [c.id for c in qn.choices_of(q) if not c.exclusive and not c.retired]
        if q.widget == "many" and ids:
            raw[q.id] = rng.sample(ids, rng.randint(0, min(3, len(ids))))
        elif q.widget == "one" and ids:
            raw[q.id] = rng.choice(ids)
    raw |= {
        "systolic_bp": rng.randint(70, 200),
        "heart_rate": rng.randint(30, 150),
        "oxygen_saturation": rng.randint(85, 100),
    }
    raw["diastolic_bp"] = rng.randint(35, raw["systolic_bp"] - 1)
    answers, _ = validate_answers(qn, raw, TODAY, complete=False)
    return answers


def test_the_page_reads_the_same_whatever_the_answers(defs: Definitions) -> None:
    boxes = set()
    for seed in range(60):
        answers = _random_answers(defs, seed)
        view = summarise(defs, answers, TODAY)
        boxes.add(view.evidence)
        page = render_view(view, "text", resources.templates_dir())
        assert "POINTS FOR THE SPECIALIST\n" in page  # no count beside it
        numbers = dict(view.references)
        assert all(numbers[n] == c for n, c in view.references)
        for cat in view.categories:
            for point in cat.points:
                # Grades live in the evidence box only, never beside the patient's condition.
                assert "evidence" not in point.text.replace("evidence box", "")
    assert len(boxes) == 1


def test_sources_have_one_number_on_every_summary(defs: Definitions) -> None:
    numbers: dict[str, int] = {}
    for seed in range(30):
        view = summarise(defs, _random_answers(defs, seed), TODAY)
        for n, citation in view.references:
            assert numbers.setdefault(citation, n) == n


def test_crisis_line_on_opening_and_closing_screens(defs: Definitions) -> None:
    from screening.core.interview import closing_text, opening_text

    line = (
        "If you are thinking about hurting yourself, tell the front desk now, or call or text 988."
    )
    assert defs.questionnaire.crisis_line == line
    assert opening_text(defs).endswith(line) and closing_text(defs).endswith(line)
    assert "hold down the Ctrl key and press C" in opening_text(defs)


def test_retired_choice_still_reads_but_is_not_offered(defs: Definitions) -> None:
    from screening.core.answers import validate_answers
    from screening.core.interview import Interview

    answers, problems = validate_answers(
        defs.questionnaire, {**BASE, "health_flags": ["eye_or_head_pressure"]}, TODAY
    )
    assert problems == [] and answers["health_flags"] == ["eye_or_head_pressure"]
    interview = Interview(defs, mode="patient", today=TODAY)
    offered = [i for i, _ in interview.prompt("health_flags").options]
    assert "eye_or_head_pressure" not in offered and {"glaucoma", "head_pressure"} <= set(offered)


def test_example_patient_fits_80_columns_and_90_lines(cli: Cli) -> None:
    code, out, _ = cli(
        "summary", "--answers", str(TESTS.parent / "examples" / "answers-example.yaml")
    )
    assert code == 0
    assert len(out.splitlines()) <= 90 and max(map(len, out.splitlines())) <= 80


def test_html_body_text_is_at_least_9_5_points() -> None:
    import re

    css = (resources.templates_dir() / "summary.html.j2").read_text()
    sizes = [float(x) for x in re.findall(r"font(?:-size)?:\s*(?:[a-z]+\s+)?([0-9.]+)pt", css)]
    assert sizes and min(sizes) >= 9.5


# --- Plain language: each patient block at grade 6 or below, the whole at 5 (Flesch-Kincaid) --

MAX_GRADE = 6.0
MAX_WHOLE_GRADE = 5.0


def _sentence(text: str) -> str:
    return text if text.rstrip().endswith((".", "?", "!", ":")) else text + "."


def patient_block(defs: Definitions, q: Question) -> str:
    """A question as the patient reads it: its text, help and choices (as short sentences),
    in the language of ``defs``."""
    parts = [q.text, *([q.help] if q.help else [])]
    choices = defs.questionnaire.choices_of(q) if q.lists_choices else ()
    parts += [c.text for c in choices if not c.retired]
    return " ".join(_sentence(p) for p in parts)


PATIENT_QUESTIONS = [
    q.id
    for q in load_definitions(resources.rules_dir()).questionnaire.questions
    if q.audience == "everyone"
]


@pytest.mark.parametrize("question_id", PATIENT_QUESTIONS)
def test_each_patient_question_reads_plainly(defs: Definitions, question_id: str) -> None:
    grade = textstat.flesch_kincaid_grade(patient_block(defs, defs.questionnaire[question_id]))
    assert grade <= MAX_GRADE, f"{question_id}: grade {grade:.1f}"


def test_whole_questionnaire_reads_plainly(defs: Definitions) -> None:
    whole = " ".join(patient_block(defs, defs.questionnaire[q]) for q in PATIENT_QUESTIONS)
    assert textstat.flesch_kincaid_grade(whole) <= MAX_WHOLE_GRADE


# --- Golden summaries of the patients in tests/patients -------------------------------------

PATIENTS = sorted((TESTS / "patients").iterdir())
GOLDEN = TESTS / "golden"


def _render(defs: Definitions, patient: Path, fmt: Format) -> str:
    answers = read_answers(patient, defs.questionnaire, TODAY)
    return render_view(summarise(defs, answers, TODAY), fmt, resources.templates_dir())


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("patient", PATIENTS, ids=lambda p: p.stem)
def test_golden(defs: Definitions, patient: Path, fmt: Format) -> None:
    out = _render(defs, patient, fmt)
    golden = GOLDEN / f"{patient.stem}{SUFFIXES[fmt]}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(out, encoding="utf-8")
        pytest.skip(f"rewrote {golden.name}: read the diff")
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


def test_json_point_names_its_category_trigger_and_source(defs: Definitions) -> None:
    data = json.loads(_render(defs, TESTS / "patients" / "staff_full.yaml", "json"))
    assert data["answers"]["conditions"] == ["neuropathic_pain", "back_neck_injury"]
    point = next(p for p in data["points"] if p["rule"] == "blood_pressure_high")
    assert point["category"] == "vital_signs"
    assert point["triggered_by"] == ["systolic_bp", "diastolic_bp"]
    assert "2017 ACC/AHA guideline on high blood pressure in adults" in point["source"]
    assert data["review_first"][0] == {
        "id": "blood_pressure",
        "label": "Blood pressure",
        "value": "146/92 mmHg",
        "flag": "high",
    }


# --- Editors check the definition files with the shipped JSON Schemas -----------------------


@pytest.mark.parametrize("name", ["questionnaire", "rules"])
def test_definition_file_names_its_schema_for_editors(name: str) -> None:
    path = resources.rules_dir() / f"{name}.yaml"
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# yaml-language-server: $schema=../schemas/{name}.schema.json"
    # The relative path holds beside the repository's rules/ and inside the package alike.
    assert (path.parent / "../schemas" / f"{name}.schema.json").is_file()


@pytest.mark.parametrize("name", ["questionnaire", "rules"])
def test_packaged_definitions_fit_the_shipped_schema(name: str) -> None:
    import jsonschema

    from tests.test_schemas import as_editor_sees, errors

    path = resources.rules_dir() / f"{name}.yaml"
    text = path.read_text(encoding="utf-8")
    assert as_editor_sees(text)  # parsed, not empty
    assert errors(f"{name}.schema.json", text) == []
    jsonschema.Draft202012Validator.check_schema(
        json.loads((path.parent / "../schemas" / f"{name}.schema.json").read_text())
    )


# --- The example patient's printed page -----------------------------------------------------

EXAMPLE = TESTS.parent / "examples" / "answers-example.yaml"
GOLDEN_PAGE = GOLDEN / "example-a4.png"
# Mean difference per pixel (0-255, grey, 40 dpi) a page may differ from the golden one by:
# font hinting and anti-aliasing move a few pixels; a broken layout moves whole blocks.
PAGE_TOLERANCE = 4.0


@pytest.fixture
def printing() -> None:
    from screening.adapters.pdf import weasyprint
    from screening.core.errors import MissingDependency
    from tests.conftest import needed

    try:
        weasyprint()
    except MissingDependency as exc:
        needed("PDF printing", False, exc.message)


def _printed(defs: Definitions, paper: Literal["a4", "letter"], extra_css: str = "") -> bytes:
    from screening.adapters.pdf import render_pdf

    answers = read_answers(EXAMPLE, defs.questionnaire, TODAY)
    html = render_view(summarise(defs, answers, TODAY), "html", resources.templates_dir())
    return render_pdf(html.replace("</head>", f"<style>{extra_css}</style></head>"), paper)


def _page_image(pdf: bytes, folder: Path) -> Any:
    import shutil
    import subprocess

    from PIL import Image

    from tests.conftest import needed

    needed("pdftoppm", shutil.which("pdftoppm") is not None, "apt-get install poppler-utils")
    (folder / "page.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "40", "-gray", "-png", "-singlefile", "page.pdf", "page"],
        cwd=folder, check=True, timeout=60,
    )  # fmt: skip
    return Image.open(folder / "page.png").convert("L")


def _difference(page: Any, golden: Any) -> float:
    from PIL import ImageChops, ImageStat

    assert page.size == golden.size
    return float(ImageStat.Stat(ImageChops.difference(page, golden)).mean[0])


@pytest.mark.usefixtures("printing")
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_example_patient_prints_on_one_page(defs: Definitions, paper: Any) -> None:
    from io import BytesIO

    import pypdf

    reader = pypdf.PdfReader(BytesIO(_printed(defs, paper)))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert f"Next step: {guard.NEXT_STEP}" in text
    assert guard.DISCLAIMER in text
    assert "Sitting for more than 20 minutes is hard." in text


@pytest.mark.usefixtures("printing")
@pytest.mark.parametrize("patient", PATIENTS, ids=lambda p: p.stem)
def test_each_golden_patient_prints_on_one_a4_page(cli: Cli, patient: Path, tmp_path: Path) -> None:
    """As `summary --answers` prints it, with the record line in the header."""
    import pypdf

    out = tmp_path / "page.pdf"
    code, _, err = cli("summary", "--answers", str(patient), "--format", "pdf", "--output",
                       str(out), "--paper", "a4")  # fmt: skip
    assert code == 0, err
    assert len(pypdf.PdfReader(out).pages) == 1


@pytest.mark.usefixtures("printing")
def test_example_page_looks_like_the_golden_one(defs: Definitions, tmp_path: Path) -> None:
    from PIL import Image

    page = _page_image(_printed(defs, "a4"), tmp_path)
    if os.environ.get("UPDATE_GOLDEN"):
        page.save(GOLDEN_PAGE)
        pytest.skip(f"rewrote {GOLDEN_PAGE.name}: look at it")
    difference = _difference(page, Image.open(GOLDEN_PAGE).convert("L"))
    assert difference < PAGE_TOLERANCE, (
        f"the printed page differs from {GOLDEN_PAGE.name} by {difference:.1f}: if the change "
        "is deliberate, rerun with UPDATE_GOLDEN=1 and look at the new page"
    )


@pytest.mark.usefixtures("printing")
@pytest.mark.parametrize(
    "breakage",
    ["body { font-size: 11pt !important; }", ".cols { columns: 1 !important; }"],
    ids=["text too large", "one column"],
)
def test_a_broken_layout_does_not_look_like_the_golden_page(
    defs: Definitions, tmp_path: Path, breakage: str
) -> None:
    from PIL import Image

    broken = _page_image(_printed(defs, "a4", breakage), tmp_path)
    assert _difference(broken, Image.open(GOLDEN_PAGE).convert("L")) > PAGE_TOLERANCE


# --- The packaged questionnaire and the example patient in FHIR -----------------------------

# The standard code of each packaged question that has one (sources: adapters/fhir.py).
PACKAGED_CODES = {
    "pain_intensity": "72514-3",
    "systolic_bp": "8480-6",
    "diastolic_bp": "8462-4",
    "heart_rate": "8867-4",
    "oxygen_saturation": "2708-6",
    "body_weight": "29463-7",
}


def test_packaged_questionnaire_and_example_in_fhir(
    defs: Definitions, fhir_validate: Callable[[dict[str, Any]], list[str]]
) -> None:
    fhir = pytest.importorskip("screening.adapters.fhir")
    qn = defs.questionnaire
    questionnaire = fhir.questionnaire(qn, "v")
    assert fhir_validate(questionnaire) == []
    codes = {i["linkId"]: i["code"][0]["code"] for i in questionnaire["item"] if "code" in i}
    # A coded question whose unit stops fitting its code loses the code: this says so.
    assert codes == {k: v for k, v in PACKAGED_CODES.items() if qn.get(k) is not None}
    answers = {**read_answers(EXAMPLE, qn, TODAY), "vitals_taken_at": "09:05", "body_weight": 70}
    facts = fhir.RecordFacts(id="r", status="complete", updated="2026-11-21T15:00:00Z", version="v")
    bundle = fhir.bundle(qn, answers, facts, identifiers=False)
    assert fhir_validate(bundle) == []
    [response] = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "QuestionnaireResponse"
    ]
    times = [i["answer"] for i in response["item"] if i["linkId"] == "vitals_taken_at"]
    assert times == [[{"valueTime": "09:05:00"}]]
    observed = [
        e["resource"]["code"]["coding"][0]["code"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation"
    ]
    assert sorted(observed) == sorted(v for k, v in codes.items() if k in answers)


@pytest.mark.parametrize("fmt", ["text", "html", "md"])
def test_each_listed_source_shows_its_own_number(defs: Definitions, fmt: Format) -> None:
    # Heart rate and oxygen cite sources 10 and 12 while 9 and 11 are not cited: a list
    # numbered by position (an HTML <ol> printed without its values) would shift them.
    view = summarise(defs, {**BASE, "heart_rate": 110, "oxygen_saturation": 93}, TODAY)
    numbers = [n for n, _ in view.references]
    assert 10 in numbers and 12 in numbers and 9 not in numbers
    page = plain_text(render_view(view, fmt, resources.templates_dir()), fmt)
    flat = " ".join(page.split())
    for n, citation in view.references:
        assert f"[{n}] {' '.join(citation.split()[:4])}" in flat or (
            fmt == "md" and f"{n}. {' '.join(citation.split()[:4])}" in flat
        ), (n, fmt)
