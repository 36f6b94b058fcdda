"""JSON Schemas of the definition files: made from the models, shipped under schemas/, and
what an editor can and cannot check with them."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from screening.adapters import yaml_files
from screening.adapters.json_schemas import SCHEMAS, schema_texts
from tests.conftest import KINDS_QUESTIONNAIRE, KINDS_RULES, TESTS, Cli, WriteDefs

ROOT = TESTS.parent
QUESTIONNAIRE, RULES = "questionnaire.schema.json", "rules.schema.json"


def validator(name: str) -> jsonschema.Draft202012Validator:
    import json

    return jsonschema.Draft202012Validator(json.loads(schema_texts()[name]))


def as_editor_sees(text: str) -> Any:
    """A definition file as an editor's YAML server reads it: dates are text."""
    return yaml_files.plain(yaml_files.parse(textwrap.dedent(text), "test.yaml"))


def errors(name: str, text: str) -> list[tuple[str, str]]:
    """(path, validator keyword) of each schema error, to compare without message wording."""
    data = _dates_as_text(as_editor_sees(text))
    found = validator(name).iter_errors(data)
    return [("/".join(str(p) for p in e.absolute_path), str(e.validator)) for e in found]


def _dates_as_text(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _dates_as_text(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_dates_as_text(v) for v in node]
    return node.isoformat() if hasattr(node, "isoformat") else node


def test_shipped_schemas_are_the_models() -> None:
    for name, text in schema_texts().items():
        shipped = (ROOT / "schemas" / name).read_text(encoding="utf-8")
        assert shipped == text, (
            f"schemas/{name} differs from the models: run 'screening schema --output schemas'"
        )


def _properties(node: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        for key, prop in node.get("properties", {}).items():
            yield f"{where}.{key}", prop
        for key, value in node.items():
            yield from _properties(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _properties(value, f"{where}[{i}]")


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_every_key_has_a_description_for_the_editor(name: str) -> None:
    import json

    document = json.loads(schema_texts()[name])
    missing = [where for where, prop in _properties(document) if not prop.get("description")]
    assert missing == []
    assert "screening check" in document["description"]


@pytest.mark.parametrize(
    ("name", "text"), [(QUESTIONNAIRE, KINDS_QUESTIONNAIRE), (RULES, KINDS_RULES)]
)
def test_valid_definitions_pass(name: str, text: str) -> None:
    assert errors(name, text) == []


QUESTION = """\
title: T
questions:
  - id: pain
    type: number
    label: Pain
    text: How long?
    {line}
"""
RULE = """\
sources: [{{id: s, title: T, publisher: P, year: 2020}}]
categories: [{{id: c, title: C}}]
rules:
  - id: r
    category: c
    note: N
    sources: [s]
    when: {when}
"""


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (QUESTIONNAIRE, QUESTION.format(line="lable: Pain"), ("questions/0", "oneOf")),
        (QUESTIONNAIRE, QUESTION.format(line="min: low"), ("questions/0", "oneOf")),
        (
            QUESTIONNAIRE,
            QUESTION.format(line="input_units: {weeks: twelve}"),
            ("questions/0", "oneOf"),
        ),
        (
            QUESTIONNAIRE,
            QUESTION.replace("number", "slider").format(line=""),
            ("questions/0", "oneOf"),
        ),
        (RULES, RULE.format(when="{question: pain, more_than: 3}"), ("rules/0/when", "oneOf")),
        (RULES, RULE.format(when="{all: []}"), ("rules/0/when", "oneOf")),
    ],
    ids=[
        "unknown key",
        "text for a number",
        "bad unit factor",
        "unknown type",
        "unknown operator",
        "empty all",
    ],
)
def test_mistakes_an_editor_marks(name: str, text: str, expected: tuple[str, str]) -> None:
    assert expected in errors(name, text)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (QUESTIONNAIRE, QUESTION.format(line="")),
        (QUESTIONNAIRE, QUESTION.format(line="input_units: {weeks: 12/52, months: 1}")),
        (RULES, RULE.format(when="{question: pain, above: 3}")),
        (RULES, RULE.format(when="{all: [{not: {question: pain, answered: true}}]}")),
    ],
)
def test_the_same_files_without_the_mistake_pass(name: str, text: str) -> None:
    assert errors(name, text) == []


def test_cross_references_pass_the_schema_but_not_check(
    cli: Cli, write_defs: WriteDefs, write_templates: Any
) -> None:
    """The schema cannot see that a rule names a question that does not exist; check can."""
    rules = KINDS_RULES.replace(
        '{question: opioids_now, equals: "yes"}', '{question: opioid_now, equals: "yes"}'
    )
    assert rules != KINDS_RULES
    assert errors(RULES, rules) == []
    folder = write_defs(KINDS_QUESTIONNAIRE, rules)
    code, _, err = cli("check", "--rules", str(folder), "--templates", str(write_templates()))
    assert code == 2
    assert "opioid_now" in err


def test_schema_command_writes_both_files(cli: Cli, tmp_path: Path) -> None:
    code, out, _ = cli("schema", "--output", str(tmp_path / "out"))
    assert code == 0
    for name, text in schema_texts().items():
        assert (tmp_path / "out" / name).read_text(encoding="utf-8") == text
        assert f"Schema written to {tmp_path / 'out' / name}" in out
    assert "'screening check' is the authority" in out


def test_schema_command_refuses_a_file_as_folder(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("x")
    code, _, err = cli("schema", "--output", str(tmp_path / "taken"))
    assert code == 2
    assert err.strip() == f"screening: {tmp_path / 'taken'}: is a file; give a folder"
