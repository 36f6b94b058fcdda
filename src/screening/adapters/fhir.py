"""FHIR R4: the questionnaire as a Questionnaire, a stored record as a Bundle (its
QuestionnaireResponse and the Observations SDC extraction would make from it), and a
QuestionnaireResponse read back into answers.

The resources are built and checked with fhir.resources, whose R4B models of these
resources have R4's fields; it is an optional extra and only the FHIR commands import this
module. Skip logic becomes enableWhen where FHIR's operators say the same thing, and an SDC
enableWhenExpression (FHIRPath) where they do not (fhir_items.py: each kind of question).

Every standard code here was checked against a published source, named beside it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from pydantic import ValidationError

from screening.adapters.fhir_items import Kinds, skip_logic
from screening.core.conditions import AnswerValue
from screening.core.errors import Problem
from screening.core.models import Questionnaire
from screening.core.questions import Question
from screening.core.records import COMPLETE, IDENTIFIERS, IN_PROGRESS
from screening.core.sanitize import clean_text

# Our own names for our questionnaire and its code systems. They are names, not addresses:
# the .invalid domain never resolves (RFC 2606), so nothing will ever be fetched from it.
BASE = "https://screening.invalid/fhir"
QUESTIONNAIRE_URL = f"{BASE}/Questionnaire/chronic-pain-pre-screening"
RECORD_IDS = f"{BASE}/record-id"
CLINIC_IDS = f"{BASE}/clinic-id"

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
# FHIR R4, codesystem-observation-category.html.
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
# FHIR R4 extensions (extension-questionnaire-unit.html, extension-questionnaire-
# itemcontrol.html with its code system codesystem-questionnaire-item-control.html; the
# bounds and exclusive choices are in fhir_items.py).
EXT = "http://hl7.org/fhir/StructureDefinition"
UNIT_EXT = f"{EXT}/questionnaire-unit"
ITEM_CONTROL_EXT = f"{EXT}/questionnaire-itemControl"
ITEM_CONTROL = "http://hl7.org/fhir/questionnaire-item-control"
# SDC (Structured Data Capture, STU3 for R4): StructureDefinition-sdc-questionnaire-
# observationExtract.html.
EXTRACT_EXT = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-observationExtract"

# A question's unit, as the definitions write it, in UCUM. Sources: FHIR R4
# valueset-ucum-vitals-common.html (%, kg, g, [lb_av], mm[Hg], /min, cm) and
# valueset-units-of-time.html (wk, mo, a). {score} is UCUM's annotation syntax for a unitless
# score, the unit LOINC gives its [Score] terms.
UCUM_UNITS: dict[str, str] = {
    "mmHg": "mm[Hg]",
    "mm[Hg]": "mm[Hg]",
    "bpm": "/min",
    "/min": "/min",
    "%": "%",
    "kg": "kg",
    "g": "g",
    "lb": "[lb_av]",
    "lbs": "[lb_av]",
    "cm": "cm",
    "weeks": "wk",
    "months": "mo",
    "years": "a",
    "out of 10": "{score}",
}


@dataclass(frozen=True)
class Standard:
    """A standard code for a question, and the UCUM units its Observation may carry."""

    loinc: str
    category: str
    units: frozenset[str]


# Question id -> standard code. A question that the definitions do not have, or whose unit
# is not one the code allows, gets no code and no Observation.
STANDARD_CODES: dict[str, Standard] = {
    # FHIR R4 bp.html (Blood Pressure profile): component codes 8480-6 (systolic) and
    # 8462-4 (diastolic), in mm[Hg] (valueset-ucum-vitals-common.html).
    "systolic_bp": Standard("8480-6", "vital-signs", frozenset({"mm[Hg]"})),
    "diastolic_bp": Standard("8462-4", "vital-signs", frozenset({"mm[Hg]"})),
    # FHIR R4 heartrate.html (Heart Rate profile): code 8867-4, valueQuantity.code /min.
    "heart_rate": Standard("8867-4", "vital-signs", frozenset({"/min"})),
    # FHIR R4 oxygensat.html (Oxygen Saturation profile): code 2708-6, valueQuantity.code %.
    "oxygen_saturation": Standard("2708-6", "vital-signs", frozenset({"%"})),
    # FHIR R4 bodyweight.html (Body Weight profile): code 29463-7, units from
    # valueset-ucum-bodyweight.html (kg, [lb_av], g).
    "body_weight": Standard("29463-7", "vital-signs", frozenset({"kg", "[lb_av]", "g"})),
    # LOINC 72514-3, "Pain severity - 0-10 verbal numeric rating [Score] - Reported": a
    # reported score, so category survey (codesystem-observation-category.html).
    "pain_intensity": Standard("72514-3", "survey", frozenset({"{score}"})),
}

# FHIR R4 questionnaireresponse.html: QuestionnaireResponse.status.
STATUSES = {COMPLETE: "completed", IN_PROGRESS: "in-progress"}
READABLE_STATUSES = ("completed", "amended")


def ucum(unit: str | None) -> str | None:
    return UCUM_UNITS.get(unit.strip()) if unit else None


def standard_code(q: Question) -> Standard | None:
    """The question's standard code, when it has one and its unit fits the code."""
    standard = STANDARD_CODES.get(q.id)
    unit = ucum(getattr(q, "unit", None))
    return standard if standard is not None and unit in standard.units else None


# --- Questionnaire ---------------------------------------------------------------------------


def questionnaire(qn: Questionnaire, version: str) -> dict[str, Any]:
    """The questionnaire as an R4 Questionnaire, checked by fhir.resources."""
    kinds = Kinds(qn, BASE)
    resource = {
        "resourceType": "Questionnaire",
        "url": QUESTIONNAIRE_URL,
        "version": version,
        "name": "ChronicPainPreScreening",
        "title": qn.title,
        "status": "active",
        "subjectType": ["Patient"],
        "description": "Pre-screening questions before a consultation about ketamine therapy "
        "for chronic pain. The answers go to a specialist; the only next step is 'Discuss "
        "with a specialist.'",
        "item": [_item(kinds, q) for q in qn.questions],
    }
    return _checked(FhirQuestionnaire, resource)


def _item(kinds: Kinds, q: Question) -> dict[str, Any]:
    kind = kinds.of(q)
    item: dict[str, Any] = {"linkId": q.id, "text": q.text, **kind.item_fields(q)}
    skip, skip_extensions = skip_logic(kinds, q)
    extensions = [*kind.extensions(q), *_unit_extension(q), *skip_extensions]
    standard = standard_code(q)
    if standard is not None:
        item["code"] = [{"system": LOINC, "code": standard.loinc}]
        extensions.append({"url": EXTRACT_EXT, "valueBoolean": True})
    if extensions:
        item["extension"] = extensions
    if q.required:
        item["required"] = True
    item.update(skip)
    if q.help:
        item["item"] = [_help(q.id, q.help)]
    return item


def _help(link: str, text: str) -> dict[str, Any]:
    """Help as a display item the renderer shows as help (itemControl 'help')."""
    control = {"coding": [{"system": ITEM_CONTROL, "code": "help"}]}
    return {
        "linkId": f"{link}.help",
        "type": "display",
        "text": text,
        "extension": [{"url": ITEM_CONTROL_EXT, "valueCodeableConcept": control}],
    }


def _unit_extension(q: Question) -> list[dict[str, Any]]:
    unit = getattr(q, "unit", None)
    if not unit:
        return []
    code = ucum(unit)
    coding = {"system": UCUM, "code": code, "display": unit} if code else {"display": unit}
    return [{"url": UNIT_EXT, "valueCoding": coding}]


# --- Bundle of a record ----------------------------------------------------------------------


@dataclass(frozen=True)
class RecordFacts:
    """What a Bundle needs to know of a stored record besides its answers."""

    id: str
    status: str
    updated: str
    version: str
    language: str = "en"  # the language the patient read the questions in


def bundle(
    qn: Questionnaire,
    answers: Mapping[str, AnswerValue],
    record: RecordFacts,
    *,
    identifiers: bool,
) -> dict[str, Any]:
    """A Bundle (collection) holding the record's QuestionnaireResponse and the Observations
    of its coded answers, checked by fhir.resources."""
    kinds = Kinds(qn, BASE)
    response_url = _urn(record.id, "QuestionnaireResponse")
    response = _response(kinds, qn, answers, record, identifiers)
    entries = [{"fullUrl": response_url, "resource": response}]
    for q, value in _coded_answers(qn, answers):
        observation = _observation(q, value, record, response_url)
        entries.append({"fullUrl": _urn(record.id, q.id), "resource": observation})
    resource = {
        "resourceType": "Bundle",
        "identifier": {"system": RECORD_IDS, "value": record.id},
        "type": "collection",
        "timestamp": record.updated,
        "entry": entries,
    }
    return _checked(Bundle, resource)


def _urn(record_id: str, part: str) -> str:
    """A stable urn:uuid for one resource of one record, so an export repeats exactly."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{RECORD_IDS}/{record_id}/{part}')}"


def _response(
    kinds: Kinds,
    qn: Questionnaire,
    answers: Mapping[str, AnswerValue],
    record: RecordFacts,
    identifiers: bool,
) -> dict[str, Any]:
    shown = [q for q in qn.questions if q.id in answers]
    if not identifiers:
        shown = [q for q in shown if q.id not in IDENTIFIERS]
    response: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "identifier": {"system": RECORD_IDS, "value": record.id},
        "questionnaire": f"{QUESTIONNAIRE_URL}|{record.version}",
        "status": STATUSES[record.status],
        "authored": record.updated,
        # The patient's language: typed answers are in it (the item texts stay the clinic's).
        "language": record.language,
        "item": [
            {"linkId": q.id, "text": q.text, "answer": kinds.of(q).answers(q, answers[q.id])}
            for q in shown
        ],
    }
    patient = _patient(answers) if identifiers else None
    if patient is not None:
        response["contained"] = [patient]
        response["subject"] = {"reference": "#patient"}
    return response


def _patient(answers: Mapping[str, AnswerValue]) -> dict[str, Any] | None:
    """The patient the answers name, or None when they name no one."""
    patient: dict[str, Any] = {"resourceType": "Patient", "id": "patient"}
    name, clinic_id, born = (answers.get(k) for k in (*IDENTIFIERS, "date_of_birth"))
    if isinstance(name, str):
        patient["name"] = [{"text": clean_text(name)}]
    if isinstance(clinic_id, str):
        patient["identifier"] = [{"system": CLINIC_IDS, "value": clean_text(clinic_id)}]
    if isinstance(born, dt.date):
        patient["birthDate"] = born.isoformat()
    return patient if len(patient) > 2 else None


def _coded_answers(
    qn: Questionnaire, answers: Mapping[str, AnswerValue]
) -> Iterator[tuple[Question, int | float]]:
    for q in qn.questions:
        value = answers.get(q.id)
        if standard_code(q) is not None and isinstance(value, int | float):
            yield q, value


def _observation(
    q: Question, value: int | float, record: RecordFacts, response_url: str
) -> dict[str, Any]:
    """One Observation, the way SDC's observation-based extraction makes it: the item's code,
    the answer as a Quantity in the item's unit, the response's time, derived from it."""
    standard = standard_code(q)
    assert standard is not None
    unit = getattr(q, "unit", None)
    return {
        "resourceType": "Observation",
        # FHIR R4 observation.html: a record still in progress holds preliminary values.
        "status": "final" if record.status == COMPLETE else "preliminary",
        "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": standard.category}]}],
        "code": {"coding": [{"system": LOINC, "code": standard.loinc}], "text": q.label},
        "effectiveDateTime": record.updated,
        "valueQuantity": {"value": value, "unit": unit, "system": UCUM, "code": ucum(unit)},
        "derivedFrom": [{"reference": response_url}],
    }


def _checked(model: Any, resource: dict[str, Any]) -> dict[str, Any]:
    """The resource as fhir.resources reads and writes it back: a mistake here is a bug."""
    checked: dict[str, Any] = model.model_validate(resource).model_dump(mode="json")
    return checked


# --- Reading a QuestionnaireResponse ---------------------------------------------------------


def response_answers(
    qn: Questionnaire, data: dict[str, Any]
) -> tuple[dict[str, Any], list[Problem]]:
    """The raw answers of a QuestionnaireResponse (or a Bundle holding one), by question id,
    and what is wrong with it. Problems name the linkId, never an answer."""
    if data.get("resourceType") == "Bundle":
        found = [
            e["resource"]
            for e in data.get("entry") or []
            if isinstance(e, dict)
            and isinstance(e.get("resource"), dict)
            and e["resource"].get("resourceType") == "QuestionnaireResponse"
        ]
        if len(found) != 1:
            return {}, [Problem("", "the Bundle must hold exactly one QuestionnaireResponse")]
        data = found[0]
    try:
        response = QuestionnaireResponse.model_validate(data)
    except ValidationError as exc:
        return {}, [_invalid(data, err) for err in exc.errors()]
    problems = _header_problems(response)
    if problems:
        return {}, problems
    return _items(Kinds(qn, BASE), qn, response.item or [])


def _header_problems(response: QuestionnaireResponse) -> list[Problem]:
    problems = []
    canonical = str(response.questionnaire or "")
    if canonical.split("|", 1)[0] != QUESTIONNAIRE_URL:
        problems.append(
            Problem(
                "questionnaire",
                f"answers another questionnaire; this one is {QUESTIONNAIRE_URL}"
                if canonical
                else f"is missing; it must name {QUESTIONNAIRE_URL}",
            )
        )
    if response.status not in READABLE_STATUSES:
        problems.append(
            Problem("status", f"must be {' or '.join(READABLE_STATUSES)} to be kept as a record")
        )
    return problems


def _items(
    kinds: Kinds, qn: Questionnaire, items: list[Any]
) -> tuple[dict[str, Any], list[Problem]]:
    raw: dict[str, Any] = {}
    problems: list[Problem] = []
    for item in items:
        link = str(item.linkId)
        where = f"linkId {_shown(link)}"
        q = qn.get(link)
        if q is None:
            problems.append(Problem(where, "is not a question in this questionnaire"))
            continue
        if link in raw:
            problems.append(Problem(where, "is answered twice"))
            continue
        nested = item.item or [i for a in item.answer or [] for i in a.item or []]
        if nested:
            problems.append(Problem(where, "has nested items; this questionnaire has none"))
            continue
        value, message = kinds.of(q).read(q, [_value(a) for a in item.answer or []])
        if message:
            problems.append(Problem(where, message))
        elif value is not None:
            raw[link] = value
    return raw, problems


def _value(answer: Any) -> tuple[str, Any]:
    """The answer's one value[x]: its FHIR name and its value."""
    for name in type(answer).model_fields:
        value = getattr(answer, name)
        if name.startswith("value") and value is not None:
            return name, value
    return "", None


def _shown(link: str) -> str:
    """A linkId from a file, fit to show: not patient data, but not to be trusted either."""
    text = clean_text(link).replace("\n", " ")
    return repr(text if len(text) <= 64 else text[:61] + "...")


_PYDANTIC_WORDS = {
    "missing": "is required",
    "extra_forbidden": "is not a field of this resource",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "decimal_parsing": "must be a number",
    "decimal_type": "must be a number",
    "string_type": "must be text",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "list_type": "must be a list",
    "model_type": "must be an object",
    "dict_type": "must be an object",
}


def _invalid(data: dict[str, Any], err: Any) -> Problem:
    """One structural problem, said without the value: it may be an answer."""
    loc = tuple(err["loc"])
    where = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in loc).replace(".[", "[")
    if len(loc) >= 2 and loc[0] == "item" and isinstance(loc[1], int):
        items = data.get("item")
        link = (
            items[loc[1]].get("linkId")
            if isinstance(items, list) and loc[1] < len(items) and isinstance(items[loc[1]], dict)
            else None
        )
        if isinstance(link, str):
            rest = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in loc[2:])
            where = f"linkId {_shown(link)}" + (f" {rest.replace('.[', '[')}" if rest else "")
    return Problem(where, _PYDANTIC_WORDS.get(str(err["type"]), "is not valid FHIR"))
