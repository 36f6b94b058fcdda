"""Definition files in the earlier format: `check` names each key to rename, with its line."""

from __future__ import annotations

from pathlib import Path

from screening.adapters.definition_files import inspect_definitions
from tests.conftest import SMALL_QUESTIONNAIRE, SMALL_RULES, WriteDefs

OLD_CHOICES = """\
title: Old
questions:
  - id: opioid_now
    type: single
    label: Opioids now
    text: Do you take opioids now?
    choices:
      - {id: "yes", label: "Yes"}
      - {id: nsaids, label: "Pills like ibuprofen", short: NSAIDs}
"""

OLD_RULES = SMALL_RULES.replace(
    "when: {question: pain_duration_months, at_least: 3}",
    "when: {all: [{question: pain_duration_months, not_equals: 3}]}",
)


def _problems(folder: Path) -> list[str]:
    defs, problems = inspect_definitions(folder)
    assert defs is None
    return [str(p) for p in problems]


def test_old_choice_keys_are_named_with_their_lines(write_defs: WriteDefs) -> None:
    folder = write_defs(
        questionnaire=OLD_CHOICES,
        rules=SMALL_RULES.replace("pain_duration_months", "opioid_now").replace(
            "at_least: 3", 'equals: "yes"'
        ),
    )
    qn = folder / "questionnaire.yaml"
    assert _problems(folder) == [
        f"{qn}:8: question opioid_now: choice yes: earlier format: rename 'label' to 'text' "
        "(text is what the patient reads, label what the clinician reads)",
        f"{qn}:9: question opioid_now: choice nsaids: earlier format: rename 'label' to 'text' "
        "and 'short' to 'label' (text is what the patient reads, label what the clinician "
        "reads)",
    ]


def test_not_equals_is_named_with_its_replacement(write_defs: WriteDefs) -> None:
    folder = write_defs(questionnaire=SMALL_QUESTIONNAIRE, rules=OLD_RULES)
    problems = _problems(folder)
    assert len(problems) == 1
    assert problems[0].startswith(f"{folder / 'rules.yaml'}:10: rule long_pain: earlier format:")
    assert "'not: {question: pain_duration_months, equals: X}'" in problems[0]


def test_the_current_format_gives_no_hint(write_defs: WriteDefs) -> None:
    defs, problems = inspect_definitions(write_defs())
    assert defs is not None and problems == []
