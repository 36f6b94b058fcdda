"""FHIR R4: the Questionnaire, the Bundle a record exports to, a QuestionnaireResponse read
back. Every resource is checked against the official R4 JSON schema; skip logic is checked by
meaning, against our own conditions, on every combination of answers that matters."""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import json
import operator
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from screening.adapters.definition_files import load_definitions
from screening.app.fhir import NEEDS_FHIR, definitions_version
from screening.core.conditions import Condition, evaluate
from screening.core.models import Definitions
from tests.conftest import (
    KINDS_ANSWERS,
    KINDS_QUESTIONNAIRE,
    KINDS_RULES,
    Cli,
    Validate,
    WriteDefs,
)

fhir = pytest.importorskip("screening.adapters.fhir")


# KINDS_QUESTIONNAIRE with the rest of the vital signs; body weight in kg.
VITALS = """\
  - id: heart_rate
    type: number
    audience: staff
    section: Vital signs
    label: Heart rate
    text: Heart rate
    unit: bpm
  - id: body_weight
    type: number
    audience: staff
    section: Vital signs
    label: Weight
    text: Body weight
    unit: kg
    min: 2
    max: 400
"""
VITALS_ANSWERS = "heart_rate: 84\nbody_weight: 71.5\n"


@pytest.fixture
def vitals_dir(write_defs: WriteDefs) -> Path:
    return write_defs(KINDS_QUESTIONNAIRE + VITALS, KINDS_RULES, name="vitals")


@pytest.fixture
def vitals(vitals_dir: Path) -> Definitions:
    return load_definitions(vitals_dir)


@pytest.fixture
def vitals_answers(tmp_path: Path) -> Path:
    path = tmp_path / "vitals.yaml"
    path.write_text(KINDS_ANSWERS + VITALS_ANSWERS)
    return path


@pytest.fixture
def vitals_args(vitals_dir: Path, write_templates: Any, tmp_path: Path) -> list[str]:
    return [
        "--rules",
        str(vitals_dir),
        "--templates",
        str(write_templates()),
        "--store",
        str(tmp_path / "s.db"),
    ]


def items(questionnaire: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["linkId"]: item for item in questionnaire["item"]}


def extension(item: dict[str, Any], name: str) -> Any:
    found = [e for e in item.get("extension", []) if e["url"].endswith(name)]
    assert len(found) <= 1
    return found[0] if found else None


def _version(rules_dir: Path) -> str:
    texts = [
        (rules_dir / n).read_text(encoding="utf-8") for n in ("questionnaire.yaml", "rules.yaml")
    ]
    return definitions_version(*texts)


# --- The Questionnaire -----------------------------------------------------------------------


def test_questionnaire_command(cli: Cli, vitals_dir: Path, fhir_validate: Validate) -> None:
    code, out, err = cli("fhir", "questionnaire", "--rules", str(vitals_dir))
    assert code == 0, err
    resource = json.loads(out)
    assert fhir_validate(resource) == []
    assert resource["url"] == fhir.QUESTIONNAIRE_URL
    # The version is the definitions hash (here the files are plain UTF-8 with \n lines).
    assert resource["version"] == _version(vitals_dir)
    assert resource["status"] == "active"
    assert list(items(resource)) == [
        q.id for q in load_definitions(vitals_dir).questionnaire.questions
    ]


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("patient_name", {"type": "string", "maxLength": 200}),
        ("pain_location", {"type": "text", "maxLength": 500}),
        ("pain_duration_months", {"type": "decimal", "required": True}),
        ("pain_intensity", {"type": "integer"}),
        ("date_of_birth", {"type": "date"}),
        ("opioids_now", {"type": "choice"}),
        ("conditions", {"type": "choice", "repeats": True}),
    ],
)
def test_item_types(vitals: Definitions, link: str, expected: dict[str, Any]) -> None:
    item = items(fhir.questionnaire(vitals.questionnaire, "v"))[link]
    assert {k: item.get(k) for k in expected} == expected
    assert item["text"] == vitals.questionnaire[link].text
    assert ("required" in item) == ("required" in expected)


def test_item_details(vitals: Definitions) -> None:
    found = items(fhir.questionnaire(vitals.questionnaire, "v"))
    duration, intensity, born = (
        found["pain_duration_months"],
        found["pain_intensity"],
        found["date_of_birth"],
    )
    assert extension(duration, "/minValue") == {"url": f"{fhir.EXT}/minValue", "valueDecimal": 0}
    assert extension(duration, "/maxValue")["valueDecimal"] == 1200
    assert extension(duration, "questionnaire-unit")["valueCoding"] == {
        "system": fhir.UCUM, "code": "mo", "display": "months",
    }  # fmt: skip
    assert extension(intensity, "/maxValue") == {"url": f"{fhir.EXT}/maxValue", "valueInteger": 10}
    assert extension(born, "/minValue")["valueDate"] == "1900-01-01"
    assert extension(born, "/maxValue") is None  # 'today' moves; a Questionnaire cannot
    # Choices: stable codes in our own code system; a shared list has one system.
    opioids = found["opioids_now"]
    assert [o["valueCoding"]["code"] for o in opioids["answerOption"]] == ["yes", "no", "not_sure"]
    assert {o["valueCoding"]["system"] for o in opioids["answerOption"]} == {
        f"{fhir.BASE}/CodeSystem/list-yes_no_not_sure"
    }
    exclusive = [o for o in found["conditions"]["answerOption"] if extension(o, "optionExclusive")]
    assert [o["valueCoding"]["code"] for o in exclusive] == ["not_sure"]
    # Offered from an earlier question: that question's codes and system.
    relief = found["not_enough_relief"]
    assert {o["valueCoding"]["system"] for o in relief["answerOption"]} == {
        f"{fhir.BASE}/CodeSystem/prior_treatments"
    }


def test_help_is_a_display_item(write_defs: WriteDefs) -> None:
    text = KINDS_QUESTIONNAIRE.replace(
        "    text: How bad is the pain?\n",
        "    text: How bad is the pain?\n    help: 0 means no pain.\n",
    )
    qn = load_definitions(write_defs(text, KINDS_RULES)).questionnaire
    item = items(fhir.questionnaire(qn, "v"))["pain_intensity"]
    assert item["item"] == [
        {
            "linkId": "pain_intensity.help",
            "type": "display",
            "text": "0 means no pain.",
            "extension": [
                {
                    "url": f"{fhir.EXT}/questionnaire-itemControl",
                    "valueCodeableConcept": {
                        "coding": [
                            {
                                "system": "http://hl7.org/fhir/questionnaire-item-control",
                                "code": "help",
                            }
                        ]
                    },
                }
            ],
        }
    ]


@pytest.mark.parametrize(
    ("link", "code"),
    [
        ("systolic_bp", "8480-6"),
        ("diastolic_bp", "8462-4"),
        ("heart_rate", "8867-4"),
        ("body_weight", "29463-7"),
        ("pain_intensity", "72514-3"),
        ("pain_duration_months", None),
    ],
)
def test_standard_codes(vitals: Definitions, link: str, code: str | None) -> None:
    item = items(fhir.questionnaire(vitals.questionnaire, "v"))[link]
    assert item.get("code") == ([{"system": fhir.LOINC, "code": code}] if code else None)
    assert (extension(item, "observationExtract") is not None) == (code is not None)


def test_a_unit_the_code_does_not_allow_gets_no_code(write_defs: WriteDefs) -> None:
    text = (KINDS_QUESTIONNAIRE + VITALS).replace("unit: kg", "unit: stone")
    qn = load_definitions(write_defs(text, KINDS_RULES)).questionnaire
    item = items(fhir.questionnaire(qn, "v"))["body_weight"]
    assert "code" not in item
    assert extension(item, "questionnaire-unit")["valueCoding"] == {"display": "stone"}


# --- Skip logic, by meaning ------------------------------------------------------------------

SKIP_QUESTIONNAIRE = """\
title: Skip logic
choice_lists:
  abc: [{{id: a, text: A}}, {{id: b, text: B}}, {{id: c, text: C}}]
questions:
  - {{id: n, type: number, label: N, text: A number?}}
  - {{id: i, type: integer, label: I, text: A whole number?}}
  - {{id: d, type: date, label: D, text: A day?}}
  - {{id: s, type: single, label: S, text: One?, choice_list: abc}}
  - {{id: m, type: multi, label: M, text: Some?, choice_list: abc}}
  - id: target
    type: text
    label: T
    text: Then this?
    when: {when}
"""
SKIP_RULES = """\
sources: [{id: s, title: T, publisher: P, year: 2020}]
categories: [{id: c, title: C}]
"""
ANSWER_VALUES: dict[str, list[Any]] = {
    "n": [None, 2, 3, 4.5],
    "i": [None, 2, 3],
    "d": [None, dt.date(2020, 1, 1), dt.date(2021, 6, 1)],
    "s": [None, "a", "b"],
    "m": [None, ["a"], ["a", "b"], ["c"]],
}

# (condition, what FHIR says it with: enableWhen or an SDC FHIRPath expression)
SKIP_CASES = [
    ("{question: m, answered: true}", "enableWhen"),
    ("{not: {question: m, answered: true}}", "enableWhen"),
    ("{question: n, at_least: 3}", "enableWhen"),
    ("{question: n, below: 3}", "enableWhen"),
    ("{question: i, above: 2}", "enableWhen"),
    ("{question: d, at_most: 2020-06-01}", "enableWhen"),
    ("{question: s, equals: a}", "enableWhen"),
    ("{question: s, one_of: [a, b]}", "enableWhen"),
    ("{question: m, includes_any: [a, c]}", "enableWhen"),
    ("{question: m, includes_all: [a, b]}", "enableWhen"),
    ("{all: [{question: n, at_least: 3}, {question: s, equals: a}]}", "enableWhen"),
    ("{any: [{question: n, above: 3}, {question: m, includes_any: [a, c]}]}", "enableWhen"),
    ("{all: [{question: n, at_least: 3}, {question: s, one_of: [a, b]}]}", "expression"),
    ("{not: {question: s, equals: a}}", "expression"),
    ("{question: m, includes_none: [a]}", "expression"),
    ("{question: i, at_least: 2.5}", "expression"),
    (
        "{any: [{not: {question: n, above: 3}},"
        " {all: [{question: d, answered: true}, {question: m, includes_all: [b, c]}]}]}",
        "expression",
    ),
]


def _fhir_enabled(item: dict[str, Any], response: dict[str, Any]) -> bool:
    """Whether FHIR enables the item for this response, by R4's enableWhen rules or the SDC
    expression, evaluated by a FHIRPath engine."""
    expression = extension(item, "enableWhenExpression")
    if expression is not None:
        from fhirpathpy import evaluate as fhirpath
        from fhirpathpy.models import models

        result = fhirpath(
            response,
            expression["valueExpression"]["expression"],
            {"resource": response},
            models["r4"],
        )
        assert result in ([True], [False]), result
        return bool(result[0])
    answers = {i["linkId"]: [_plain(a) for a in i["answer"]] for i in response.get("item", [])}
    held = [_enable_when_holds(ew, answers.get(ew["question"], [])) for ew in item["enableWhen"]]
    return all(held) if item.get("enableBehavior", "all") == "all" else any(held)


def _plain(answer: dict[str, Any]) -> Any:
    [(key, value)] = answer.items()
    if key == "valueCoding":
        return (value["system"], value["code"])
    return dt.date.fromisoformat(value) if key == "valueDate" else value


def _enable_when_holds(ew: dict[str, Any], values: list[Any]) -> bool:
    """FHIR R4 valueset-questionnaire-enable-operator.html, as written."""
    [(key, want)] = [(k, v) for k, v in ew.items() if k.startswith("answer")]
    if ew["operator"] == "exists":
        return bool(values) is bool(want)
    want = _plain({key.replace("answer", "value"): want})
    compare: Callable[[Any, Any], bool] = {
        "=": operator.eq, "!=": operator.ne, ">": operator.gt,
        "<": operator.lt, ">=": operator.ge, "<=": operator.le,
    }[ew["operator"]]  # fmt: skip
    return any(compare(v, want) for v in values)


def _answer_sets(condition: Condition) -> Iterator[dict[str, Any]]:
    from screening.core.conditions import referenced_questions

    looked_at = referenced_questions(condition)
    for values in itertools.product(*(ANSWER_VALUES[q] for q in looked_at)):
        yield {q: v for q, v in zip(looked_at, values, strict=True) if v is not None}


@pytest.mark.parametrize(("when", "how"), SKIP_CASES, ids=[c[0] for c in SKIP_CASES])
def test_skip_logic_means_the_same_in_fhir(
    write_defs: WriteDefs, fhir_validate: Validate, when: str, how: str
) -> None:
    defs = load_definitions(write_defs(SKIP_QUESTIONNAIRE.format(when=when), SKIP_RULES))
    qn = defs.questionnaire
    questionnaire = fhir.questionnaire(qn, "v")
    assert fhir_validate(questionnaire) == []
    target = items(questionnaire)["target"]
    assert ("enableWhen" in target) == (how == "enableWhen")
    assert (extension(target, "enableWhenExpression") is not None) == (how == "expression")
    condition = qn["target"].when
    assert condition is not None
    checked = 0
    for answers in _answer_sets(condition):
        facts = fhir.RecordFacts(
            id="r", status="complete", updated="2026-11-21T15:00:00+00:00", version="v"
        )
        response = fhir.bundle(qn, answers, facts, identifiers=True)["entry"][0]["resource"]
        assert _fhir_enabled(target, response) == evaluate(condition, answers), answers
        checked += 1
    assert checked >= 3  # unanswered, and at least two answers


def test_enable_when_as_written(vitals: Definitions) -> None:
    relief = items(fhir.questionnaire(vitals.questionnaire, "v"))["not_enough_relief"]
    assert relief["enableWhen"] == [
        {"question": "prior_treatments", "operator": "exists", "answerBoolean": True}
    ]
    assert "enableBehavior" not in relief


def test_fhirpath_as_written(write_defs: WriteDefs) -> None:
    when = "{question: m, includes_none: [a, c]}"
    qn = load_definitions(
        write_defs(SKIP_QUESTIONNAIRE.format(when=when), SKIP_RULES)
    ).questionnaire
    target = items(fhir.questionnaire(qn, "v"))["target"]
    values = "%resource.repeat(item).where(linkId = 'm').answer.value"
    assert extension(target, "enableWhenExpression")["valueExpression"] == {
        "language": "text/fhirpath",
        "expression": f"({values}.exists() and {values}.where(code = 'a' or code = 'c').empty())",
    }


# --- A record as a Bundle --------------------------------------------------------------------


def add(cli: Cli, answers: Path, args: list[str]) -> str:
    code, out, err = cli("records", "add", "--answers", str(answers), *args)
    assert code == 0, err
    return out.strip()


def export(cli: Cli, args: list[str], *options: str) -> list[dict[str, Any]]:
    store = args[args.index("--store") :]
    code, out, err = cli("records", "export", *options, "--format", "fhir", *store)
    assert code == 0, err
    return [json.loads(line) for line in out.splitlines()]


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


@pytest.mark.usefixtures("clock")
def test_bundle_of_a_record(
    cli: Cli,
    vitals_answers: Path,
    vitals_args: list[str],
    vitals_dir: Path,
    fhir_validate: Validate,
) -> None:
    record_id = add(cli, vitals_answers, vitals_args)
    [bundle] = export(cli, vitals_args, record_id)
    assert fhir_validate(bundle) == []
    assert bundle["type"] == "collection"
    [response] = resources(bundle, "QuestionnaireResponse")
    assert response["status"] == "completed"
    assert response["authored"] == "2026-11-21T15:00:00Z"
    assert response["questionnaire"] == f"{fhir.QUESTIONNAIRE_URL}|{_version(vitals_dir)}"
    answers = {i["linkId"]: i["answer"] for i in response["item"]}
    assert answers["pain_duration_months"] == [{"valueDecimal": 30}]
    assert answers["pain_intensity"] == [{"valueInteger": 7}]
    assert answers["date_of_birth"] == [{"valueDate": "1971-11-21"}]
    assert answers["notes"] == [{"valueString": "Sleeps badly."}]
    assert answers["body_weight"] == [{"valueDecimal": 71.5}]
    assert [a["valueCoding"]["code"] for a in answers["prior_treatments"]] == ["nsaids", "opioids"]
    assert answers["opioids_now"] == [
        {
            "valueCoding": {
                "system": f"{fhir.BASE}/CodeSystem/list-yes_no_not_sure",
                "code": "yes",
                "display": "Yes",
            }
        }
    ]
    # No name or clinic ID unless asked.
    assert "patient_name" not in answers and "patient_id" not in answers
    assert "contained" not in response and "subject" not in response
    assert "Alex" not in json.dumps(bundle) and "DEMO-0001" not in json.dumps(bundle)


@pytest.mark.usefixtures("clock")
def test_observations_of_a_record(cli: Cli, vitals_answers: Path, vitals_args: list[str]) -> None:
    [bundle] = export(cli, vitals_args, add(cli, vitals_answers, vitals_args))
    response_url = bundle["entry"][0]["fullUrl"]
    found = {
        o["code"]["coding"][0]["code"]: (o["category"][0]["coding"][0]["code"], o["valueQuantity"])
        for o in resources(bundle, "Observation")
    }
    ucum = fhir.UCUM
    assert found == {
        "72514-3": ("survey", {"value": 7, "unit": "out of 10", "system": ucum, "code": "{score}"}),
        "8480-6": ("vital-signs", {"value": 150, "unit": "mmHg", "system": ucum, "code": "mm[Hg]"}),
        "8462-4": ("vital-signs", {"value": 95, "unit": "mmHg", "system": ucum, "code": "mm[Hg]"}),
        "8867-4": ("vital-signs", {"value": 84, "unit": "bpm", "system": ucum, "code": "/min"}),
        "29463-7": ("vital-signs", {"value": 71.5, "unit": "kg", "system": ucum, "code": "kg"}),
    }
    for observation in resources(bundle, "Observation"):
        assert observation["status"] == "final"
        assert observation["code"]["coding"][0]["system"] == fhir.LOINC
        assert observation["derivedFrom"] == [{"reference": response_url}]
        assert observation["effectiveDateTime"] == "2026-11-21T15:00:00Z"


@pytest.mark.usefixtures("clock")
def test_identifiers_only_when_asked(
    cli: Cli, vitals_answers: Path, vitals_args: list[str], fhir_validate: Validate
) -> None:
    record_id = add(cli, vitals_answers, vitals_args)
    [bundle] = export(cli, vitals_args, record_id, "--identifiers")
    assert fhir_validate(bundle) == []
    [response] = resources(bundle, "QuestionnaireResponse")
    assert response["contained"] == [
        {
            "resourceType": "Patient",
            "id": "patient",
            "name": [{"text": "Alex Example"}],
            "identifier": [{"system": f"{fhir.BASE}/clinic-id", "value": "DEMO-0001"}],
            "birthDate": "1971-11-21",
        }
    ]
    assert response["subject"] == {"reference": "#patient"}


def test_identifiers_go_with_fhir(cli: Cli, tmp_path: Path) -> None:
    code, out, err = cli(
        "records", "export", "--all", "--identifiers", "--store", str(tmp_path / "s.db")
    )
    assert (code, out, err) == (2, "", "screening: --identifiers goes with --format fhir\n")


@pytest.mark.usefixtures("clock")
def test_in_progress_record(
    cli: Cli, vitals_args: list[str], fhir_validate: Validate, tmp_path: Path
) -> None:
    from screening.adapters.store import Store
    from screening.core.records import with_answers

    store_path = Path(vitals_args[vitals_args.index("--store") + 1])
    answers = tmp_path / "a.yaml"
    answers.write_text("pain_duration_months: 3\nheart_rate: 70\n")
    record_id = add(cli, answers, vitals_args)
    with Store.open(store_path) as store:
        record = store.get(record_id)
        store.save(
            with_answers(
                record, record.answers, record.asked, dt.datetime.now(dt.UTC), status="in_progress"
            )
        )
    [bundle] = export(cli, vitals_args, record_id)
    assert fhir_validate(bundle) == []
    assert resources(bundle, "QuestionnaireResponse")[0]["status"] == "in-progress"
    assert [o["status"] for o in resources(bundle, "Observation")] == ["preliminary"]


@pytest.mark.usefixtures("clock")
def test_export_all_is_one_bundle_per_line(
    cli: Cli, vitals_answers: Path, vitals_args: list[str], tmp_path: Path
) -> None:
    second = tmp_path / "second.yaml"
    second.write_text("pain_duration_months: 2\n")
    ids = [add(cli, vitals_answers, vitals_args), add(cli, second, vitals_args)]
    bundles = export(cli, vitals_args, "--all")
    assert [b["identifier"]["value"] for b in bundles] == ids
    # Stable: the same record exports to the same resources, ids and all.
    assert export(cli, vitals_args, ids[0]) == bundles[:1]


@pytest.mark.parametrize(
    "breakage",
    [
        "response status",
        "answer value[x] name",
        "answer value type",
        "observation status",
        "observation value[x]",
    ],
)
def test_the_schema_check_catches_what_the_library_lets_through(
    vitals: Definitions, fhir_validate: Validate, breakage: str
) -> None:
    from fhir.resources.R4B.bundle import Bundle

    facts = fhir.RecordFacts(
        id="r", status="complete", updated="2026-11-21T15:00:00+00:00", version="v"
    )
    answers = {"pain_intensity": 7, "pain_duration_months": 30, "heart_rate": 84}
    good = fhir.bundle(vitals.questionnaire, answers, facts, identifiers=False)
    assert fhir_validate(good) == []
    broken = copy.deepcopy(good)
    response, observation = broken["entry"][0]["resource"], broken["entry"][1]["resource"]
    answer = response["item"][1]["answer"][0]
    if breakage == "response status":
        response["status"] = "finished"
        Bundle.model_validate(broken)  # the library alone takes it
    elif breakage == "answer value[x] name":
        answer["valueNumber"] = answer.pop("valueInteger")
    elif breakage == "answer value type":
        answer["valueInteger"] = "seven"
    elif breakage == "observation status":
        observation["status"] = "done"
    else:
        observation["valueQty"] = observation.pop("valueQuantity")
    assert fhir_validate(broken) != []


# --- A QuestionnaireResponse back into a record ---------------------------------------------


def answers_of(cli: Cli, args: list[str], record_id: str) -> dict[str, Any]:
    store = args[args.index("--store") :]
    code, out, err = cli("records", "export", record_id, "--format", "json", *store)
    assert code == 0, err
    answers: dict[str, Any] = json.loads(out)["answers"]
    return answers


@pytest.mark.usefixtures("clock")
@pytest.mark.parametrize("identifiers", [True, False])
@pytest.mark.parametrize("shape", ["bundle", "response"])
def test_round_trip(
    cli: Cli,
    vitals_answers: Path,
    vitals_args: list[str],
    tmp_path: Path,
    identifiers: bool,
    shape: str,
) -> None:
    first = add(cli, vitals_answers, vitals_args)
    [bundle] = export(cli, vitals_args, first, *(["--identifiers"] if identifiers else []))
    document = bundle if shape == "bundle" else bundle["entry"][0]["resource"]
    path = tmp_path / "response.json"
    path.write_text(json.dumps(document))
    again = add(cli, path, vitals_args)
    assert again != first
    expected = answers_of(cli, vitals_args, first)
    if not identifiers:
        expected = {k: v for k, v in expected.items() if k not in ("patient_name", "patient_id")}
    assert answers_of(cli, vitals_args, again) == expected


def _response(vitals: Definitions) -> dict[str, Any]:
    facts = fhir.RecordFacts(
        id="r", status="complete", updated="2026-11-21T15:00:00+00:00", version="v"
    )
    answers = {
        "pain_duration_months": 30, "pain_intensity": 7, "opioids_now": "yes",
        "prior_treatments": ["nsaids"], "not_enough_relief": ["nsaids"], "notes": "Zebedee Quinlan",
    }  # fmt: skip
    response: dict[str, Any] = fhir.bundle(vitals.questionnaire, answers, facts, identifiers=False)[
        "entry"
    ][0]["resource"]
    return response


def _item(response: dict[str, Any], link: str) -> dict[str, Any]:
    return next(i for i in response["item"] if i["linkId"] == link)


def _break(response: dict[str, Any], how: str) -> None:
    if how == "another questionnaire":
        response["questionnaire"] = "http://example.org/Questionnaire/phq-9|1"
    elif how == "no questionnaire":
        del response["questionnaire"]
    elif how == "in progress":
        response["status"] = "in-progress"
    elif how == "unknown linkId":
        response["item"].append({"linkId": "zebedee_score", "answer": [{"valueInteger": 3}]})
    elif how == "wrong value type":
        _item(response, "pain_intensity")["answer"] = [{"valueString": "Zebedee"}]
    elif how == "not a number":
        _item(response, "pain_intensity")["answer"] = [{"valueInteger": "Zebedee"}]
    elif how == "out of bounds":
        _item(response, "pain_intensity")["answer"] = [{"valueInteger": 11}]
    elif how == "two answers to one":
        _item(response, "opioids_now")["answer"] *= 2
    elif how == "another code system":
        _item(response, "opioids_now")["answer"][0]["valueCoding"]["system"] = (
            "http://snomed.info/sct"
        )
    elif how == "unknown code":
        _item(response, "opioids_now")["answer"][0]["valueCoding"]["code"] = "zebedee"
    elif how == "disabled item answered":
        response["item"] = [i for i in response["item"] if i["linkId"] != "prior_treatments"]
    elif how == "required missing":
        response["item"] = [i for i in response["item"] if i["linkId"] != "pain_duration_months"]
    else:
        response["item"].append(copy.deepcopy(_item(response, "notes")))


BAD_RESPONSES = [
    ("another questionnaire",
     f"questionnaire: answers another questionnaire; this one is {fhir.QUESTIONNAIRE_URL}"),
    ("no questionnaire", f"questionnaire: is missing; it must name {fhir.QUESTIONNAIRE_URL}"),
    ("in progress", "status: must be completed or amended to be kept as a record"),
    ("unknown linkId", "linkId 'zebedee_score': is not a question in this questionnaire"),
    ("wrong value type", "linkId 'pain_intensity': needs valueInteger answers (found valueString)"),
    ("not a number", "linkId 'pain_intensity' answer[0].valueInteger: must be a whole number"),
    ("out of bounds", "linkId 'pain_intensity': Enter a whole number from 0 to 10."),
    ("two answers to one", "linkId 'opioids_now': has several answers; the question takes one"),
    ("another code system",
     f"linkId 'opioids_now': needs codes from {fhir.BASE}/CodeSystem/list-yes_no_not_sure"),
    ("unknown code", "linkId 'opioids_now': must be one of: yes, no, not_sure"),
    ("disabled item answered",
     "linkId 'not_enough_relief': is answered, but its condition does not hold for the other "
     "answers (the question would not be asked)"),
    ("required missing", "linkId 'pain_duration_months': is required but has no answer"),
    ("answered twice", "linkId 'notes': is answered twice"),
]  # fmt: skip


@pytest.mark.parametrize(("how", "message"), BAD_RESPONSES, ids=[b[0] for b in BAD_RESPONSES])
def test_a_response_that_does_not_fit(
    cli: Cli, vitals: Definitions, vitals_args: list[str], tmp_path: Path, how: str, message: str
) -> None:
    response = _response(vitals)
    _break(response, how)
    path = tmp_path / "response.json"
    path.write_text(json.dumps(response))
    code, out, err = cli("records", "add", "--answers", str(path), *vitals_args)
    assert (code, out) == (2, "")
    assert err == f"screening: {path}: {message}\n"
    assert "Zebedee" not in err and "zebedee" not in err.replace("zebedee_score", "")


def test_a_bundle_with_two_responses(
    cli: Cli, vitals: Definitions, vitals_args: list[str], tmp_path: Path
) -> None:
    response = _response(vitals)
    path = tmp_path / "two.json"
    path.write_text(
        json.dumps(
            {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": response}] * 2}
        )
    )
    code, _, err = cli("records", "add", "--answers", str(path), *vitals_args)
    assert (code, err) == (
        2,
        f"screening: {path}: the Bundle must hold exactly one QuestionnaireResponse\n",
    )


def test_plain_json_answers_still_work(cli: Cli, vitals_args: list[str], tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text('{"pain_duration_months": 4, "resourceType": 3}')
    code, _, err = cli("records", "add", "--answers", str(path), *vitals_args)
    assert code == 2 and "resourceType: is not a question in this questionnaire" in err


# --- The optional extra ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [["fhir", "questionnaire"], ["records", "export", "--all", "--format", "fhir"]],
    ids=["questionnaire", "export"],
)
def test_without_the_extra(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, command: list[str]
) -> None:
    import screening.adapters

    monkeypatch.delitem(sys.modules, "screening.adapters.fhir")
    monkeypatch.delattr(screening.adapters, "fhir")
    monkeypatch.setitem(sys.modules, "fhir.resources.R4B.bundle", None)  # as if not installed
    code, out, err = cli(
        *command, *(["--store", str(tmp_path / "s.db")] if "records" in command else [])
    )
    assert (code, out, err) == (2, "", f"screening: {NEEDS_FHIR}\n")


@pytest.mark.parametrize(
    "module", ["screening.cli", "screening.app.records", "screening.app.summaries"]
)
def test_heavy_libraries_are_imported_only_by_their_commands(module: str) -> None:
    heavy = ("fhir", "weasyprint", "jsonschema")
    code = f"import sys, {module}; print(sorted(m for m in sys.modules if m.startswith({heavy})))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
