"""The FHIR use cases: the questionnaire as an R4 Questionnaire, stored records as Bundles,
and answers taken from a QuestionnaireResponse.

fhir.resources is an optional extra, imported (through adapters/fhir.py) only when one of
these runs; without it the command says what to install.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from screening.adapters.definition_files import load_definitions
from screening.adapters.store import Store
from screening.app.summaries import Reprinter
from screening.core.answers import validate_answers
from screening.core.conditions import AnswerValue
from screening.core.errors import AnswersError, DefinitionError, MissingDependency, Problem
from screening.core.models import Questionnaire
from screening.core.snapshot import QUESTIONNAIRE_FILE, RULES_FILE, Snapshot

NEEDS_FHIR = "FHIR needs fhir.resources: pip install 'screening[fhir]'"


def fhir() -> ModuleType:
    """The FHIR adapter, or one line saying what to install (exit 2)."""
    try:
        from screening.adapters import fhir as adapter
    except ImportError:
        raise MissingDependency(NEEDS_FHIR) from None
    return adapter


def definitions_version(questionnaire: str, rules: str) -> str:
    """The definitions hash, from the two files' texts: the Questionnaire's version, the same
    for a rules folder and for a record's stored copy of it."""
    # A snapshot without templates hashes exactly the two definition files.
    return Snapshot(questionnaire, rules, ()).hash


def fhir_questionnaire(rules_dir: Path) -> dict[str, Any]:
    """The questionnaire in ``rules_dir`` as an R4 Questionnaire."""
    adapter = fhir()
    defs = load_definitions(rules_dir)
    try:
        texts = [
            (rules_dir / name).read_text(encoding="utf-8")
            for name in (QUESTIONNAIRE_FILE, RULES_FILE)
        ]
    except (OSError, UnicodeDecodeError):
        raise DefinitionError("unreadable", [Problem(str(rules_dir), "cannot be read")]) from None
    resource: dict[str, Any] = adapter.questionnaire(
        defs.questionnaire, definitions_version(*texts)
    )
    return resource


def fhir_bundles(
    store: Store, record_id: str | None, fallback_templates: Path, *, identifiers: bool
) -> Iterator[dict[str, Any]]:
    """A Bundle for one record, or for every record when ``record_id`` is None."""
    adapter = fhir()
    chosen = store.records() if record_id is None else [store.get(record_id)]
    reprinter = Reprinter(store, fallback_templates)
    for record in chosen:
        defs, _, answers = reprinter.answers(record)
        snapshot = store.snapshot(record.definitions_hash)
        facts = adapter.RecordFacts(
            id=record.id,
            status=record.status,
            updated=record.updated,
            version=definitions_version(snapshot.questionnaire, snapshot.rules),
            language=record.language,
        )
        bundle: dict[str, Any] = adapter.bundle(
            defs.questionnaire, answers, facts, identifiers=identifiers
        )
        yield bundle


def read_answers_or_response(
    path: Path, qn: Questionnaire, today: dt.date
) -> dict[str, AnswerValue]:
    """A complete set of answers from an answers file, or from a QuestionnaireResponse in
    JSON (alone, or in a Bundle like the ones `records export --format fhir` writes)."""
    from screening.adapters.answers_file import read_answers

    document = _json_document(path)
    if not _is_response(document):
        return read_answers(path, qn, today)
    raw, problems = fhir().response_answers(qn, document)
    if not problems:
        answers, found = validate_answers(qn, raw, today, complete=True)
        problems = [Problem(f"linkId {p.question!r}", p.message) for p in found]
    if problems:
        raise AnswersError(
            f"{path}: the QuestionnaireResponse does not fit the questionnaire",
            [Problem(str(path), str(p)) for p in problems],
        )
    return answers


def _json_document(path: Path) -> Any:
    """The file's JSON, or None when it is not a JSON file (the answers reader then says
    what is wrong with it)."""
    from screening.adapters import yaml_files

    if path.suffix.lower() != ".json":
        return None
    try:
        return json.loads(yaml_files.read_text(path))
    except (yaml_files.YamlProblem, ValueError, RecursionError):
        return None


def _is_response(data: Any) -> bool:
    """A QuestionnaireResponse, or a Bundle holding one."""
    if not isinstance(data, dict):
        return False
    if data.get("resourceType") == "QuestionnaireResponse":
        return True
    entries = data.get("entry") if data.get("resourceType") == "Bundle" else None
    return isinstance(entries, list) and any(
        isinstance(e, dict)
        and isinstance(e.get("resource"), dict)
        and e["resource"].get("resourceType") == "QuestionnaireResponse"
        for e in entries
    )
