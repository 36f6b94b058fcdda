"""Loading and cross-checking definitions, with broken fixtures that name file and line."""

from __future__ import annotations

import dataclasses
from dataclasses import asdict
from pathlib import Path

import pytest
from pydantic import BaseModel

from screening.adapters.definition_files import inspect_definitions, load_definitions
from screening.core import (
    answers,
    catalog,
    conditions,
    errors,
    file_models,
    models,
    questions,
    records,
    snapshot,
    translation,
)
from screening.core.errors import DefinitionError
from screening.core.models import Definitions
from tests.conftest import (
    KINDS_QUESTIONNAIRE,
    KINDS_RULES,
    SMALL_QUESTIONNAIRE,
    SMALL_RULES,
    TODAY,
    WriteDefs,
    WriteTemplates,
)


def test_small_fixture_loads(write_defs: WriteDefs) -> None:
    defs = load_definitions(write_defs())
    assert [q.id for q in defs.questionnaire.questions] == [
        "pain_duration_months",
        "prior_treatments",
        "not_enough_relief",
        "notes",
    ]


def test_choices_come_inline_from_a_shared_list_or_from_an_earlier_question(
    kinds: Definitions,
) -> None:
    qn = kinds.questionnaire
    assert [c.id for c in qn.choices_of(qn["opioids_now"])] == ["yes", "no", "not_sure"]
    assert [c.id for c in qn.choices_of(qn["not_enough_relief"])] == ["nsaids", "opioids"]
    [exclusive] = [c for c in qn.choices_of(qn["conditions"]) if c.exclusive]
    assert exclusive.id == "not_sure"
    crps = qn.choices_of(qn["conditions"])[0]
    assert (crps.text, crps.clinician_label) == ("Complex regional pain syndrome", "CRPS")
    assert qn.choices_of(qn["conditions"])[1].clinician_label == "Migraine"  # no label: text


def test_a_choice_list_that_does_not_exist_is_reported(write_defs: WriteDefs) -> None:
    named = "choice_list: yes_no_not_sure"
    line = KINDS_QUESTIONNAIRE[: KINDS_QUESTIONNAIRE.index(named)].count("\n") + 1
    folder = write_defs(KINDS_QUESTIONNAIRE.replace(named, "choice_list: yes_no"), KINDS_RULES)
    _, problems = inspect_definitions(folder)
    assert str(problems[0]) == (
        f"{folder / 'questionnaire.yaml'}:{line}: opioids_now: "
        "no choice list named 'yes_no' under choice_lists"
    )


BROKEN_QUESTIONNAIRE = [
    # (replace this, with this, expected line, expected words)
    ("    type: number\n", "    type: numbr\n", 4, "type"),
    ("    unit: months\n", "    unit: months\n    colour: red\n", 8, "colour: unknown field"),
    (
        "when: {question: prior_treatments, answered: true}",
        "when: {question: prior_treatmnts, answered: true}",
        23,
        "unknown question id 'prior_treatmnts'",
    ),
    (
        "when: {question: prior_treatments, answered: true}",
        "when: {question: prior_treatments, includes_any: [nsaid]}",
        23,
        "has no choice 'nsaid'",
    ),
    (
        "when: {question: prior_treatments, answered: true}",
        "when: {question: prior_treatments, at_least: 3}",
        23,
        "'at_least' does not fit",
    ),
    (
        "when: {question: prior_treatments, answered: true}",
        "when: {question: notes, answered: true}",
        23,
        "not asked earlier",
    ),
    (
        "when: {question: prior_treatments, answered: true}",
        "when: {question: prior_treatments, answered: true, equals: x}",
        23,
        "exactly one operator",
    ),
    ("choices_from: prior_treatments", "choices_from: notes", 22, "choices_from 'notes'"),
    ("    min: 0\n    max: 1200\n", "    min: 10\n    max: 1\n", 3, "min is greater than max"),
    (
        "      - {id: opioids, text: Opioids}",
        "      - {id: nsaids, text: Opioids}",
        17,
        "choice id 'nsaids' repeats",
    ),
    ("text: Anything else?", "text: Are you eligible?", 27, "decision language"),
    ("label: How long", "label: [unclosed", 6, "not valid YAML"),
    # A text question's kind is also the name of its field 'text': the id's line, not that.
    ("  - id: notes", "  - id: Notes", 24, "question Notes: id: String should match pattern"),
]


@pytest.mark.parametrize(("old", "new", "line", "words"), BROKEN_QUESTIONNAIRE)
def test_broken_questionnaire_names_file_and_line(
    write_defs: WriteDefs, old: str, new: str, line: int, words: str
) -> None:
    assert old in SMALL_QUESTIONNAIRE
    folder = write_defs(questionnaire=SMALL_QUESTIONNAIRE.replace(old, new))
    _, problems = inspect_definitions(folder)
    rendered = [str(p) for p in problems]
    assert any(
        p.startswith(f"{folder / 'questionnaire.yaml'}:{line}:") and words in p for p in rendered
    ), rendered


BROKEN_RULES = [
    ("category: history", "category: histry", 9, "unknown category 'histry'"),
    (
        "    sources: [src]\n    criteria",
        "    sources: [nosuch]\n    criteria",
        12,
        "unknown source 'nosuch'",
    ),
    ("criteria: [C1]\n", "criteria: [C9]\n", 13, "unknown criterion 'C9'"),
    ("at_least: 3", "at_least: three", 10, "when.at_least: Input should be a valid number"),
    (
        'note: "Pain for {pain_duration_months}."',
        'note: "Pain for {duration}."',
        11,
        "'{duration}', which is not a question id",
    ),
    (
        'note: "Pain for {pain_duration_months}."',
        'note: "This patient is eligible."',
        11,
        'decision language: "eligible"',
    ),
    (
        'note: "Pain for {pain_duration_months}."',
        'note: "Good candidate for ketamine."',
        11,
        '"candidate"',
    ),
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
    assert any(p.startswith(f"{folder / 'rules.yaml'}:{line}:") and words in p for p in rendered), (
        rendered
    )


def test_missing_folder_and_empty_file(write_defs: WriteDefs) -> None:
    folder = write_defs(rules="")
    with pytest.raises(DefinitionError) as err:
        load_definitions(folder)
    assert err.value.lines() == [f"{folder / 'rules.yaml'}: is empty"]
    with pytest.raises(DefinitionError):
        load_definitions(folder / "nowhere")


def test_cache_gives_the_same_definitions_without_validating(
    write_defs: WriteDefs, write_templates: WriteTemplates, tmp_path: Path
) -> None:
    from screening.adapters.rendering import render
    from screening.core.errors import DecisionLanguageError
    from screening.core.summary import summarise

    folder, cache = write_defs(), tmp_path / "cache"
    first = load_definitions(folder, cache)
    [cached] = list(cache.iterdir())
    again = load_definitions(folder, cache)
    assert again == first and asdict(again) == asdict(first)
    # The cache is rebuilt as it is (that is what makes it fast); the guard still reads every
    # summary, so even a cache edited by hand cannot put a verdict on a page.
    cached.write_text(cached.read_text().replace("Pain for", "Eligible: pain for"))
    tampered = load_definitions(folder, cache)
    view = summarise(tampered, {"pain_duration_months": 12}, TODAY)
    with pytest.raises(DecisionLanguageError):
        render(view, "text", write_templates())
    # A damaged cache is passed over: the files are read and checked again.
    cached.write_text("{not json")
    assert load_definitions(folder, cache) == first


def test_changed_files_miss_the_cache(write_defs: WriteDefs, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load_definitions(write_defs(), cache)
    changed = load_definitions(write_defs(rules=SMALL_RULES.replace("History", "Past")), cache)
    assert changed.ruleset.categories[0].title == "Past"
    assert len(list(cache.iterdir())) == 2


PLAIN = {**vars(conditions), **vars(questions), **vars(models)}


def _file_models() -> list[type[BaseModel]]:
    return [
        c
        for c in vars(file_models).values()
        if isinstance(c, type)
        and issubclass(c, BaseModel)
        and c.__module__ == file_models.__name__
        and not c.__name__.startswith("_")
    ]


@pytest.mark.parametrize("checked", _file_models(), ids=lambda c: c.__name__)
def test_each_file_model_matches_its_plain_class(checked: type[BaseModel]) -> None:
    """What a file is validated as and what it is made into have the same fields, in the same
    order, with the same defaults (a question's type is the plain class's own)."""
    fields = {f.name: f for f in dataclasses.fields(PLAIN[checked.__name__])}
    assert list(fields) == list(checked.model_fields)
    for name, info in checked.model_fields.items():
        f = fields[name]
        if info.is_required():
            assert name == "type" or (f.default is f.default_factory is dataclasses.MISSING)
        elif f.default_factory is not dataclasses.MISSING:
            assert f.default_factory() == info.get_default(call_default_factory=True), name
        else:
            assert f.default == info.get_default(), name


# --- Definition classes compare, hash and show as dataclasses do ----------------------------

VALUE_MODULES = (answers, catalog, conditions, errors, models, questions, records, snapshot,
                 translation)  # fmt: skip
VALUE_CLASSES = [
    cls
    for module in VALUE_MODULES
    for cls in vars(module).values()
    if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == module.__name__
]


@pytest.mark.parametrize("cls", VALUE_CLASSES, ids=lambda c: c.__name__)
def test_each_value_class_is_frozen_and_leaves_its_methods_to_value(cls: type) -> None:
    from screening.core.values import Value

    params = cls.__dataclass_params__  # type: ignore[attr-defined]
    assert issubclass(cls, Value) and params.frozen
    # Its own methods would hide Value's (and cost start-up time): the dataclass writes none.
    assert not params.eq and not params.repr and "__eq__" not in vars(cls)


def _twin(value: object) -> object:
    """The same fields and values in a class the dataclass decorator writes every method for."""
    fields = dataclasses.fields(value)  # type: ignore[arg-type]
    cls = dataclasses.make_dataclass(
        type(value).__name__, [(f.name, f.type) for f in fields], frozen=True
    )
    return cls(**{f.name: getattr(value, f.name) for f in fields})


def test_definitions_compare_hash_and_show_as_dataclasses_do(kinds: Definitions) -> None:
    values: list[object] = [
        *kinds.questionnaire.questions,
        *(c for q in kinds.questionnaire.questions for c in getattr(q, "choices", None) or []),
        *(r.when for r in kinds.ruleset.rules),
        *kinds.ruleset.rules,
        kinds.questionnaire,
    ]
    for value in values:
        assert repr(value) == repr(_twin(value))
        assert value == dataclasses.replace(value)  # type: ignore[type-var]
        assert value != _twin(value)  # another class, however alike
    choice = next(v for v in values if isinstance(v, questions.Choice))
    assert hash(choice) == hash(dataclasses.replace(choice)) == hash(_twin(choice))
    assert choice != dataclasses.replace(choice, text=choice.text + "!")
