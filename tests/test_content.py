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
    "not_enough_relief": "multi", "current_opioid_use": "single", "mental_health": "multi",
    "health_flags": "multi", "current_medications": "text", "notes": "text",
    "patient_name": "text", "patient_id": "text", "date_of_birth": "date",
    "systolic_bp": "number", "diastolic_bp": "number", "heart_rate": "number",
    "oxygen_saturation": "number",
}  # fmt: skip
CORE_CHOICES = {
    "daily_impact": {"mobility", "sleep", "mood", "work", "social"},
    "conditions": {"neuropathic_pain", "crps", "fibromyalgia", "diabetic_neuropathy",
                   "postherpetic_neuralgia", "spinal_cord_injury", "phantom_limb_pain",
                   "cancer_pain", "migraine", "cluster_headache", "back_neck_injury",
                   "arthritis", "autoimmune", "other", "not_sure"},
    "prior_treatments": {"nsaids", "opioids", "other_pain_medicines", "physical_therapy",
                         "psychotherapy", "injections", "surgery", "other"},
    "current_opioid_use": {"yes", "no", "not_sure"},
    "mental_health": {"depression", "anxiety", "ptsd", "bipolar", "other", "prefer_not_to_say"},
    "health_flags": {"high_blood_pressure", "heart_condition", "hallucinations_or_psychosis",
                     "substance_use", "breathing_condition", "pregnancy", "liver_disease",
                     "eye_or_head_pressure"},
}  # fmt: skip
STAFF_ONLY = {
    "patient_name",
    "patient_id",
    "date_of_birth",
    "systolic_bp",
    "diastolic_bp",
    "heart_rate",
    "oxygen_saturation",
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
    assert out.startswith("OK: 19 questions,") and "C1, C2" in out and "C11 covered" in out
    code, out, _ = cli("questions")
    assert code == 0
    assert "pain_duration_months   number, 0..1200, months, required" in out
    assert "not_enough_relief      multi, conditional, choices from prior_treatments" in out
    assert "    postherpetic_neuralgia" in out


# --- Each rule against the criterion it reflects --------------------------------------------

BASE: dict[str, Any] = {"pain_duration_months": 12}

# (criterion, answers added to BASE, rules that must fire, rules that must not)
CASES: list[tuple[str, dict[str, Any], set[str], set[str]]] = [
    ("C1", {"pain_duration_months": 2}, {"duration_under_three_months"},
     {"duration_three_to_six_months", "duration_six_months_or_more"}),
    ("C1", {"pain_duration_months": 3}, {"duration_three_to_six_months"},
     {"duration_under_three_months", "duration_six_months_or_more"}),
    ("C1", {"pain_duration_months": 6}, {"duration_six_months_or_more"},
     {"duration_three_to_six_months"}),
    ("C2", {"prior_treatments": ["nsaids", "opioids"], "not_enough_relief": ["opioids"]},
     {"not_enough_relief"}, {"treatments_without_shortfall", "no_treatments_reported"}),
    ("C2", {"prior_treatments": ["nsaids"]}, {"treatments_without_shortfall"},
     {"not_enough_relief", "no_treatments_reported"}),
    ("C2", {}, {"no_treatments_reported"}, {"not_enough_relief"}),
    ("C3", {"conditions": ["crps"]}, {"condition_crps"}, {"condition_nerve_pain"}),
    ("C3", {"conditions": ["spinal_cord_injury"]}, {"condition_spinal_cord_injury"}, set()),
    ("C3", {"conditions": ["postherpetic_neuralgia"]}, {"condition_nerve_pain"}, set()),
    ("C3", {"conditions": ["cluster_headache"]}, {"condition_other_discussed"}, set()),
    ("C3", {"conditions": ["autoimmune"]}, {"condition_common_cause"}, set()),
    ("C3", {"conditions": ["not_sure"]}, {"condition_unclear"}, {"condition_crps"}),
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
    ("C5", {"health_flags": ["eye_or_head_pressure"]}, {"eye_or_head_pressure"}, set()),
    ("C5", {"health_flags": ["not_sure"]}, {"health_flags_unclear"}, {"pregnancy"}),
    ("C6", {"current_opioid_use": "yes"}, {"opioids_now"}, {"opioids_unsure"}),
    ("C6", {"current_opioid_use": "not_sure"}, {"opioids_unsure"}, {"opioids_now"}),
    ("C6", {"current_opioid_use": "no"}, set(), {"opioids_now", "opioids_unsure"}),
    ("C7", {"health_flags": ["breathing_condition"]}, {"breathing_condition"}, set()),
    ("C8", {"daily_impact": ["sleep"], "pain_intensity": 8},
     {"daily_life_affected", "intensity_rated"}, set()),
    ("C8", {"daily_impact": ["none"]}, set(), {"daily_life_affected"}),
    ("C9", {"current_medications": "Gabapentin 300 mg"}, {"medicines_listed"},
     {"medicines_not_listed"}),
    ("C9", {}, {"medicines_not_listed"}, {"medicines_listed"}),
    ("C10", {"systolic_bp": 150, "diastolic_bp": 80}, {"blood_pressure_raised"},
     {"vital_signs_not_recorded"}),
    ("C10", {"systolic_bp": 120, "diastolic_bp": 95}, {"blood_pressure_raised"}, set()),
    ("C10", {"systolic_bp": 120, "diastolic_bp": 80, "heart_rate": 101, "oxygen_saturation": 94},
     {"heart_rate_raised", "oxygen_low"}, {"blood_pressure_raised"}),
    ("C10", {"heart_rate": 100, "oxygen_saturation": 95}, set(),
     {"heart_rate_raised", "oxygen_low", "vital_signs_not_recorded"}),
    ("C10", {}, {"vital_signs_not_recorded"}, set()),
    ("C11", {"notes": "I would like to ask about side effects."}, {"patient_note"}, set()),
    ("C11", {}, set(), {"patient_note"}),
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


def test_packaged_notes_quote_answers_in_the_clinicians_words(defs: Definitions) -> None:
    answers = {"pain_duration_months": 30, "systolic_bp": 150, "diastolic_bp": 95}
    view = summarise(defs, answers, TODAY)
    text = {p.rule: p.text for c in view.categories for p in c.points}
    assert text["duration_six_months_or_more"].startswith(
        "Pain reported for 30 months (about 2.5 years),"
    )
    assert "150 mmHg over 95 mmHg" in text["blood_pressure_raised"]


# --- Plain language: patient-facing wording at grade 8 or below (Flesch-Kincaid) -----------

MAX_GRADE = 8.0


def _sentence(text: str) -> str:
    return text if text.rstrip().endswith((".", "?", "!")) else text + "."


def _block(defs: Definitions, q: Question) -> str:
    """A question as the patient reads it: its text, help and choices (as short sentences)."""
    parts = [q.text, *([q.help] if q.help else [])]
    parts += [c.text for c in (defs.questionnaire.choices_of(q) if q.lists_choices else [])]
    return " ".join(_sentence(p) for p in parts)


PATIENT_QUESTIONS = [
    q.id
    for q in load_definitions(resources.rules_dir()).questionnaire.questions
    if q.audience == "everyone"
]


@pytest.mark.parametrize("question_id", PATIENT_QUESTIONS)
def test_each_patient_question_reads_plainly(defs: Definitions, question_id: str) -> None:
    grade = textstat.flesch_kincaid_grade(_block(defs, defs.questionnaire[question_id]))
    assert grade <= MAX_GRADE, f"{question_id}: grade {grade:.1f}"


def test_whole_questionnaire_reads_plainly(defs: Definitions) -> None:
    whole = " ".join(_block(defs, defs.questionnaire[q]) for q in PATIENT_QUESTIONS)
    assert textstat.flesch_kincaid_grade(whole) <= MAX_GRADE


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
    point = next(p for p in data["points"] if p["rule"] == "blood_pressure_raised")
    assert point["category"] == "vital_signs"
    assert point["triggered_by"] == ["systolic_bp", "diastolic_bp"]
    assert "Ketamine therapy and infusions for pain relief" in point["source"]


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
    ["body { font-size: 11pt !important; }", ".answers { columns: 1 !important; }"],
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
    answers = read_answers(EXAMPLE, qn, TODAY)
    facts = fhir.RecordFacts(id="r", status="complete", updated="2026-11-21T15:00:00Z", version="v")
    bundle = fhir.bundle(qn, answers, facts, identifiers=False)
    assert fhir_validate(bundle) == []
    observed = [
        e["resource"]["code"]["coding"][0]["code"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation"
    ]
    assert sorted(observed) == sorted(v for k, v in codes.items() if k in answers)
