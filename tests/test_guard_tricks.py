"""The guard cannot be slipped past: disguised words and phrases are refused wherever the tool
or a clinic writes them; a person's own words never stop a summary nor shield a verdict."""

from __future__ import annotations

import pytest

from screening.adapters.definition_files import inspect_definitions, load_definitions
from screening.adapters.rendering import FORMATS, Format, check_templates, render
from screening.core.errors import DecisionLanguageError
from screening.core.summary import summarise
from tests.conftest import SMALL_RULES, TODAY, WriteDefs, WriteTemplates

TRICKS = [
    "The patient is \u0435ligible.",  # a Cyrillic e
    "eli\u200dgible",  # a zero-width joiner
    "eli\u00adgible",  # a soft hyphen
    "e-l-i-g-i-b-l-e",
    "e l i g i b l e",
    "\uff45\uff4c\uff49\uff47\uff49\uff42\uff4c\uff45",  # full-width letters
    "<b>E</b>ligible",
    "**E**ligible",
    "meets the criteria",
    "cleared for infusions",
    "should be offered ketamine",
    "an ideal patient",
    "a good option",
    "must not have it",
    "proceed to treatment",
]


@pytest.mark.parametrize("trick", TRICKS)
def test_refused_in_a_rule_note(write_defs: WriteDefs, trick: str) -> None:
    folder = write_defs(rules=SMALL_RULES.replace("Pain for", f"{trick} Pain for"))
    defs, problems = inspect_definitions(folder)
    assert defs is None
    assert any("rule long_pain: note uses decision language" in str(p) for p in problems)


@pytest.mark.parametrize("trick", TRICKS)
def test_refused_in_a_source_field(write_defs: WriteDefs, trick: str) -> None:
    folder = write_defs(
        rules=SMALL_RULES.replace("publisher: Test publisher", f'publisher: "{trick}"')
    )
    _, problems = inspect_definitions(folder)
    assert any("src: uses decision language" in str(p) for p in problems), problems


@pytest.mark.parametrize("trick", TRICKS)
def test_refused_in_a_template(write_templates: WriteTemplates, trick: str) -> None:
    templates = write_templates()
    page = templates / "summary.html.j2"
    lines = page.read_text().splitlines()
    lines.insert(3, trick)
    page.write_text("\n".join(lines) + "\n")
    problems = [str(p) for p in check_templates(templates)]
    assert problems and problems[0].startswith(f"{page}:4: uses decision language"), problems


NOTE_RULES = (
    SMALL_RULES
    + """\
  - id: note
    category: history
    when: {question: notes, answered: true}
    note: "The patient added a note: {notes}"
    sources: [src]
"""
)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "typed",
    [
        "I read I might be eligible, is that so? " + "x" * 80,
        "Am I a candidate? My doctor recommended it. https://example.org/" + "a" * 60,
        "e-l-i-g-i-b-l-e, **ideal**, cleared for it",
    ],
)
def test_typed_words_never_stop_a_summary(
    write_defs: WriteDefs, write_templates: WriteTemplates, fmt: Format, typed: str
) -> None:
    defs = load_definitions(write_defs(rules=NOTE_RULES))
    view = summarise(defs, {"pain_duration_months": 12, "notes": typed}, TODAY)
    out = render(view, fmt, write_templates())
    assert "Discuss with a specialist." in out


def test_typed_words_do_not_shield_a_verdict_in_a_template(
    write_defs: WriteDefs, write_templates: WriteTemplates
) -> None:
    templates = write_templates()
    page = templates / "summary.txt.j2"
    page.write_text(page.read_text() + "{% if s.answers %}The patient is eligible.{% endif %}\n")
    defs = load_definitions(write_defs(rules=NOTE_RULES))
    view = summarise(defs, {"pain_duration_months": 12, "notes": "eligible"}, TODAY)
    with pytest.raises(DecisionLanguageError) as refused:
        render(view, "text", templates)
    assert '"eligible"' in " ".join(refused.value.lines())
