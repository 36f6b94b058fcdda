"""Each packaged rule against the criterion it reflects: what fires, for which answers."""

from __future__ import annotations

from typing import Any

import pytest

from screening.core.rules import run_rules
from screening.core.summary import summarise
from tests.conftest import TODAY
from screening.core.models import Definitions

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
]


@pytest.mark.parametrize(("criterion", "extra", "fires", "silent"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_rule_reflects_criterion(
    defs: Definitions, criterion: str, extra: dict[str, Any], fires: set[str], silent: set[str]
) -> None:
    fired = {p.rule for p in run_rules(defs, {**BASE, **extra})}
    assert fires <= fired
    assert not silent & fired
    rules = {r.id: r for r in defs.ruleset.rules}
    for rule_id in fires:
        assert criterion in rules[rule_id].criteria, rule_id


def test_every_rule_is_exercised_by_a_case() -> None:
    from screening.adapters import locations as resources
    from screening.adapters.definition_files import load_definitions

    defs = load_definitions(resources.rules_dir())
    tested = {r for _, _, fires, _ in CASES for r in fires}
    tested.add("patient_note")  # in test_rendering
    assert {r.id for r in defs.ruleset.rules} <= tested


def test_points_quote_answers_and_name_their_trigger(defs: Definitions) -> None:
    answers = {"pain_duration_months": 30, "systolic_bp": 150, "diastolic_bp": 95}
    points = run_rules(defs, answers)
    by_rule = {p.rule: p for p in points}
    # Points carry the raw answers; the summary view formats them for people.
    assert by_rule["duration_six_months_or_more"].quoted == {"pain_duration_months": 30}
    assert by_rule["blood_pressure_raised"].triggered_by == ("systolic_bp", "diastolic_bp")
    view = summarise(defs, answers, TODAY)
    text = {p.rule: p.text for c in view.categories for p in c.points}
    assert text["duration_six_months_or_more"].startswith(
        "Pain reported for 30 months (about 2.5 years),")
    assert "150 mmHg over 95 mmHg" in text["blood_pressure_raised"]
    categories = [c.id for c in defs.ruleset.categories]
    assert [p.category for p in points] == sorted(
        (p.category for p in points), key=categories.index)
