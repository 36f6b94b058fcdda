"""Shared fixtures: the packaged definitions, and small definition files written to tmp_path."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from screening.adapters import locations as resources
from screening.adapters.definition_files import load_definitions
from screening.core.models import Definitions

TODAY = dt.date(2026, 11, 21)
TESTS = Path(__file__).parent

SMALL_QUESTIONNAIRE = """\
title: Small test questionnaire
questions:
  - id: pain_duration_months
    type: number
    label: How long
    text: How long have you had pain?
    unit: months
    min: 0
    max: 1200
    required: true
  - id: prior_treatments
    type: multi
    label: Treatments tried
    text: Which have you tried?
    choices:
      - {id: nsaids, text: NSAIDs}
      - {id: opioids, text: Opioids}
  - id: not_enough_relief
    type: multi
    label: Not enough relief
    text: Which did not help enough?
    choices_from: prior_treatments
    when: {question: prior_treatments, answered: true}
  - id: notes
    type: text
    label: Notes
    text: Anything else?
"""

SMALL_RULES = """\
sources:
  - {id: src, title: A test source, publisher: Test publisher, year: 2020}
criteria:
  - {id: C1, summary: Duration, sources: [src]}
categories:
  - {id: history, title: History}
rules:
  - id: long_pain
    category: history
    when: {question: pain_duration_months, at_least: 3}
    note: "Pain for {pain_duration_months}."
    sources: [src]
    criteria: [C1]
"""

WriteDefs = Callable[..., Path]


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test writes to the real user data or cache folders."""
    monkeypatch.setenv("SCREENING_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture(scope="session")
def defs() -> Definitions:
    return load_definitions(resources.rules_dir())


@pytest.fixture
def write_defs(tmp_path: Path) -> WriteDefs:
    """Write a rules folder; each argument replaces one file's text."""

    def write(questionnaire: str = SMALL_QUESTIONNAIRE, rules: str = SMALL_RULES) -> Path:
        folder = tmp_path / "defs"
        folder.mkdir(exist_ok=True)
        (folder / "questionnaire.yaml").write_text(textwrap.dedent(questionnaire))
        (folder / "rules.yaml").write_text(textwrap.dedent(rules))
        return folder

    return write
