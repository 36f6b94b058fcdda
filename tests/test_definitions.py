"""Loading and cross-checking definitions, with broken fixtures that name file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from screening.adapters.definition_files import inspect_definitions, load_definitions
from screening.core.errors import DefinitionError
from screening.core.models import Definitions
from tests.conftest import SMALL_QUESTIONNAIRE, SMALL_RULES, WriteDefs

CORE_IDS = {
    "pain_location": "text", "pain_duration_months": "number", "pain_intensity": "integer",
    "daily_impact": "multi", "conditions": "multi", "prior_treatments": "multi",
    "not_enough_relief": "multi", "current_opioid_use": "single", "mental_health": "multi",
    "health_flags": "multi", "current_medications": "text", "notes": "text",
    "patient_name": "text", "patient_id": "text", "date_of_birth": "date",
    "systolic_bp": "number", "diastolic_bp": "number", "heart_rate": "number",
    "oxygen_saturation": "number",
}
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
}


def test_core_vocabulary_exists_exactly(defs: Definitions) -> None:
    qn = defs.questionnaire
    for qid, qtype in CORE_IDS.items():
        assert qn[qid].type == qtype, qid
    for qid, ids in CORE_CHOICES.items():
        assert ids <= {c.id for c in qn.choices_of(qn[qid])}, qid
    assert qn["pain_duration_months"].required
    assert qn["pain_duration_months"].min == 0
    assert (qn["pain_intensity"].min, qn["pain_intensity"].max) == (0, 10)
    assert qn["not_enough_relief"].choices_from == "prior_treatments"
    staff = {"patient_name", "patient_id", "date_of_birth", "systolic_bp", "diastolic_bp",
             "heart_rate", "oxygen_saturation"}
    assert {q.id for q in qn.questions if q.audience == "staff"} == staff


def test_every_criterion_is_covered(defs: Definitions) -> None:
    rs = defs.ruleset
    assert [c.id for c in rs.criteria] == [f"C{i}" for i in range(1, 12)]
    covered = {c for r in rs.rules for c in r.criteria}
    covered |= {c for q in defs.questionnaire.questions for c in q.criteria}
    assert covered >= {f"C{i}" for i in range(1, 12)}


def test_small_fixture_loads(write_defs: WriteDefs) -> None:
    defs = load_definitions(write_defs())
    assert [q.id for q in defs.questionnaire.questions] == [
        "pain_duration_months", "prior_treatments", "not_enough_relief", "notes"]


BROKEN_QUESTIONNAIRE = [
    # (replace this, with this, expected line, expected words)
    ("    type: number\n", "    type: numbr\n", 4, "type"),
    ("    unit: months\n", "    unit: months\n    colour: red\n", 8, "colour: unknown field"),
    ("when: {question: prior_treatments, answered: true}",
     "when: {question: prior_treatmnts, answered: true}", 23,
     "unknown question id 'prior_treatmnts'"),
    ("when: {question: prior_treatments, answered: true}",
     "when: {question: prior_treatments, includes_any: [nsaid]}", 23, "has no choice 'nsaid'"),
    ("when: {question: prior_treatments, answered: true}",
     "when: {question: prior_treatments, at_least: 3}", 23, "'at_least' does not fit"),
    ("when: {question: prior_treatments, answered: true}",
     "when: {question: notes, answered: true}", 23, "not asked earlier"),
    ("when: {question: prior_treatments, answered: true}",
     "when: {question: prior_treatments, answered: true, equals: x}", 23, "exactly one operator"),
    ("choices_from: prior_treatments", "choices_from: notes", 22, "choices_from 'notes'"),
    ("    min: 0\n    max: 1200\n", "    min: 10\n    max: 1\n", 3, "min is greater than max"),
    ("      - {id: opioids, text: Opioids}", "      - {id: nsaids, text: Opioids}", 17,
     "choice id 'nsaids' repeats"),
    ("text: Anything else?", "text: Are you eligible?", 27, "decision language"),
    ("label: How long", "label: [unclosed", 6, "not valid YAML"),
]


@pytest.mark.parametrize(("old", "new", "line", "words"), BROKEN_QUESTIONNAIRE)
def test_broken_questionnaire_names_file_and_line(
    write_defs: WriteDefs, old: str, new: str, line: int, words: str
) -> None:
    assert old in SMALL_QUESTIONNAIRE
    folder = write_defs(questionnaire=SMALL_QUESTIONNAIRE.replace(old, new))
    _, problems = inspect_definitions(folder)
    rendered = [str(p) for p in problems]
    assert any(p.startswith(f"{folder / 'questionnaire.yaml'}:{line}:") and words in p
               for p in rendered), rendered


BROKEN_RULES = [
    ("category: history", "category: histry", 9, "unknown category 'histry'"),
    ("    sources: [src]\n    criteria", "    sources: [nosuch]\n    criteria", 12,
     "unknown source 'nosuch'"),
    ("criteria: [C1]\n", "criteria: [C9]\n", 13, "unknown criterion 'C9'"),
    ("at_least: 3", "at_least: three", 10, "when.at_least: Input should be a valid number"),
    ("note: \"Pain for {pain_duration_months}.\"", "note: \"Pain for {duration}.\"", 11,
     "'{duration}', which is not a question id"),
    ("note: \"Pain for {pain_duration_months}.\"", "note: \"This patient is eligible.\"", 11,
     "decision language: \"eligible\""),
    ("note: \"Pain for {pain_duration_months}.\"", "note: \"Good candidate for ketamine.\"", 11,
     "\"candidate\""),
    ("year: 2020}", "}", 2, "a year or a url"),
    ("criteria: [C1]\n", "criteria: []\n", 4, "C1 is covered by no rule"),
]


@pytest.mark.parametrize(("old", "new", "line", "words"), BROKEN_RULES)
def test_broken_rules_name_file_and_line(
    write_defs: WriteDefs, old: str, new: str, line: int, words: str
) -> None:
    assert old in SMALL_RULES
    folder = write_defs(rules=SMALL_RULES.replace(old, new))
    _, problems = inspect_definitions(folder)
    rendered = [str(p) for p in problems]
    assert any(p.startswith(f"{folder / 'rules.yaml'}:{line}:") and words in p
               for p in rendered), rendered


def test_missing_folder_and_empty_file(write_defs: WriteDefs) -> None:
    folder = write_defs(rules="")
    with pytest.raises(DefinitionError) as err:
        load_definitions(folder)
    assert err.value.lines() == [f"{folder / 'rules.yaml'}: is empty"]
    with pytest.raises(DefinitionError):
        load_definitions(folder / "nowhere")


def test_cache_gives_the_same_definitions_and_is_checked_again(
    write_defs: WriteDefs, tmp_path: Path
) -> None:
    folder, cache = write_defs(), tmp_path / "cache"
    first = load_definitions(folder, cache)
    [cached] = list(cache.iterdir())
    assert load_definitions(folder, cache) == first
    # A cache that says something the files do not is never trusted blindly.
    cached.write_text(cached.read_text().replace("Pain for", "Eligible: pain for"))
    assert load_definitions(folder, cache) == first
    cached.write_text("{not json")
    assert load_definitions(folder, cache) == first


def test_changed_files_miss_the_cache(write_defs: WriteDefs, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load_definitions(write_defs(), cache)
    changed = load_definitions(write_defs(rules=SMALL_RULES.replace("History", "Past")), cache)
    assert changed.ruleset.categories[0].title == "Past"
    assert len(list(cache.iterdir())) == 2
