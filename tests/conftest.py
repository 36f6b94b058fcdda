"""Shared fixtures.

Tests of mechanics run on small definitions and templates written to tmp_path (the texts
below); only ``test_content.py`` reads the packaged ``rules/`` and ``templates/``, through the
``defs`` fixture. Every test is sealed from the user's environment: no real store or data
folder, no debug or language settings from the shell.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import textwrap
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, Protocol

import jsonschema
import pytest
from typer.testing import CliRunner

from screening.adapters import locations as resources
from screening.adapters.definition_files import load_definitions
from screening.cli import app
from screening.core.models import Definitions

TODAY = dt.date(2026, 11, 21)
NOW = dt.datetime(2026, 11, 21, 15, 0, tzinfo=dt.UTC)  # TODAY, read in UTC
TESTS = Path(__file__).parent

# Settings a developer's shell may carry that must never reach a test or its child processes.
SHELL_SETTINGS = ("SCREENING_STORE", "SCREENING_DEBUG", "SCREENING_LANG", "SCREENING_DATA_DIR")

# Four questions: the definition-error tests count lines in this text.
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

# Every kind of question, staff-only questions, a shared choice list, an exclusive choice,
# answer units, a date with an age. Patient mode asks 7 (8 with the branch), staff mode 12 (13).
KINDS_QUESTIONNAIRE = """\
title: Test clinic questionnaire
choice_lists:
  yes_no_not_sure:
    - {id: "yes", text: "Yes"}
    - {id: "no", text: "No"}
    - {id: not_sure, text: Not sure}
questions:
  - id: patient_name
    type: text
    audience: staff
    section: Patient
    label: Name
    text: Patient's full name
    max_length: 200
  - id: patient_id
    type: text
    audience: staff
    section: Patient
    label: Clinic ID
    text: Clinic ID
  - id: date_of_birth
    type: date
    audience: staff
    section: Patient
    label: Date of birth
    text: Date of birth
    show_age: true
    earliest: 1900-01-01
    latest: today
  - id: pain_location
    type: text
    section: Pain
    label: Where
    text: Where does it hurt?
    max_length: 500
  - id: pain_duration_months
    type: number
    required: true
    section: Pain
    label: How long
    text: How long have you had pain?
    unit: months
    input_units: {weeks: 12/52, months: 1, years: 12}
    examples: [8 months, 2 years]
    min: 0
    max: 1200
  - id: pain_intensity
    type: integer
    section: Pain
    label: Pain score
    text: How bad is the pain?
    unit: out of 10
    min: 0
    max: 10
    invalid: Enter a whole number from 0 to 10.
  - id: conditions
    type: multi
    section: History
    label: Conditions
    text: Which of these do you have?
    choices:
      - {id: crps, text: Complex regional pain syndrome, label: CRPS}
      - {id: migraine, text: Migraine}
      - {id: not_sure, text: Not sure, exclusive: true}
  - id: prior_treatments
    type: multi
    section: History
    label: Treatments tried
    text: Which have you tried?
    choices:
      - {id: nsaids, text: Anti-inflammatory pills, label: NSAIDs}
      - {id: opioids, text: Opioid medicine, label: Opioids}
  - id: not_enough_relief
    type: multi
    section: History
    label: Not enough relief
    text: Which did not help enough?
    choices_from: prior_treatments
    when: {question: prior_treatments, answered: true}
  - id: opioids_now
    type: single
    section: History
    label: Opioids now
    text: Do you take opioid medicine now?
    choice_list: yes_no_not_sure
  - id: notes
    type: text
    section: Other
    label: Notes
    text: Anything else?
  - id: systolic_bp
    type: number
    audience: staff
    section: Vital signs
    label: Systolic
    text: Systolic blood pressure
    unit: mmHg
    min: 50
    max: 260
  - id: diastolic_bp
    type: number
    audience: staff
    section: Vital signs
    label: Diastolic
    text: Diastolic blood pressure
    unit: mmHg
    min: 30
    max: 160
"""

# The rules are listed out of category order on purpose: points come out in category order.
KINDS_RULES = """\
sources:
  - {id: guide, title: A test guide, publisher: Test publisher, year: 2020}
  - {id: article, title: A test article, publisher: Test journal, undated: true}
criteria:
  - {id: C1, summary: How long the pain has lasted, sources: [guide]}
  - {id: C2, summary: Treatments so far, sources: [guide]}
  - {id: C3, summary: Vital signs, sources: [article]}
categories:
  - {id: history, title: Pain history}
  - {id: treatments, title: Treatments}
  - {id: vitals, title: Vital signs}
rules:
  - id: blood_pressure_raised
    category: vitals
    when:
      any:
        - {question: systolic_bp, at_least: 140}
        - {question: diastolic_bp, at_least: 90}
    note: "Blood pressure {systolic_bp} over {diastolic_bp}."
    sources: [article]
    criteria: [C3]
  - id: long_pain
    category: history
    when: {question: pain_duration_months, at_least: 3}
    note: "Pain for {pain_duration_months}."
    sources: [guide]
    criteria: [C1]
  - id: opioids_now
    category: treatments
    when: {question: opioids_now, equals: "yes"}
    note: "Takes opioid medicine now."
    sources: [guide, article]
    criteria: [C2]
  - id: no_treatments
    category: treatments
    when: {not: {question: prior_treatments, answered: true}}
    note: "No treatments reported."
    sources: [guide]
    criteria: [C2]
  - id: patient_note
    category: history
    when: {question: notes, answered: true}
    note: "The patient added a note: {notes}"
    sources: [guide]
    criteria: [C1]
"""

# Answers to every question of KINDS_QUESTIONNAIRE, as staff would give them.
KINDS_ANSWERS = """\
patient_name: Alex Example
patient_id: DEMO-0001
date_of_birth: 1971-11-21
pain_location: low back
pain_duration_months: 30
pain_intensity: 7
conditions: [crps]
prior_treatments: [nsaids, opioids]
not_enough_relief: [opioids]
opioids_now: "yes"
notes: Sleeps badly.
systolic_bp: 150
diastolic_bp: 95
"""

# KINDS_QUESTIONNAIRE in Spanish (rules/i18n/es.yaml beside it). Each en: is the short hash of
# the English it translates: the translation tests change one side and expect the check to
# see it. One entry per line, so a test can name the line.
KINDS_SPANISH = """\
units:
  months: {one: mes, many: meses}
  weeks: {one: semana, many: semanas}
  years: {one: año, many: años}
  out of 10: de 10
  mmHg: mmHg
choice_lists:
  yes_no_not_sure:
    "yes": {en: "85a39ab3", es: Sí}
    "no": {en: "1ea442a1", es: "No"}
    not_sure: {en: "dca5fa43", es: No sé}
questions:
  patient_name:
    text: {en: "3ee4bac9", es: Nombre completo del paciente}
  patient_id:
    text: {en: "add005b1", es: Número de la clínica}
  date_of_birth:
    text: {en: "eb4c4e23", es: Fecha de nacimiento}
  pain_location:
    text: {en: "c49e607e", es: ¿Dónde le duele?}
  pain_duration_months:
    text: {en: "9611269b", es: ¿Hace cuánto tiempo que tiene dolor?}
  pain_intensity:
    text: {en: "c1fb264d", es: ¿Qué tan fuerte es el dolor?}
    invalid: {en: "f0497cd4", es: Escriba un número entero del 0 al 10.}
  conditions:
    text: {en: "6eb02640", es: ¿Cuáles de estos tiene?}
    choices:
      crps: {en: "1dbd6c36", es: Síndrome de dolor regional complejo}
      migraine: {en: "d6c8001c", es: Migraña}
      not_sure: {en: "dca5fa43", es: No sé}
  prior_treatments:
    text: {en: "d1ddd3a8", es: ¿Cuáles ha probado?}
    choices:
      nsaids: {en: "7d2b8296", es: Pastillas para la inflamación}
      opioids: {en: "5e7d92bd", es: Medicina opioide}
  not_enough_relief:
    text: {en: "5b87fec4", es: ¿Cuáles no le ayudaron lo suficiente?}
  opioids_now:
    text: {en: "11423107", es: ¿Toma ahora medicina opioide?}
  notes:
    text: {en: "554e6ec0", es: ¿Algo más?}
  systolic_bp:
    text: {en: "9348b604", es: Presión arterial sistólica}
  diastolic_bp:
    text: {en: "be80250d", es: Presión arterial diastólica}
"""

SMALL_TEMPLATES = {
    "summary.txt.j2": """\
        {{ s.title }}, prepared {{ s.prepared }}
        {% for section in s.sections %}
        {{ section.title }}
        {% for row in section.rows %}
          {{ row.label }}: {{ row.value }}
        {% endfor %}
        {% endfor %}
        POINTS
        {% for cat in s.categories %}
        {{ cat.title }}
        {% for p in cat.points %}
          * {{ p.text }} {{ p.ref_label }}
        {% endfor %}
        {% endfor %}
        {% for n, citation in s.references %}
        [{{ n }}] {{ citation }}
        {% endfor %}
        NEXT STEP: {{ s.next_step }}
        {{ s.disclaimer }}
        """,
    "summary.html.j2": """\
        <!doctype html>
        <title>{{ s.title }}</title>
        <p>Prepared {{ s.prepared }}</p>
        {% for section in s.sections %}
        <h2>{{ section.title }}</h2>
        <dl>
        {% for row in section.rows %}
        <dt>{{ row.label }}</dt><dd>{{ row.value }}</dd>
        {% endfor %}
        </dl>
        {% endfor %}
        <h2>Points</h2>
        <ul>
        {% for cat in s.categories %}{% for p in cat.points %}
        <li>{{ p.text }} {{ p.ref_label }}</li>
        {% endfor %}{% endfor %}
        </ul>
        <p>Next step: {{ s.next_step }}</p>
        <p>{{ s.disclaimer }}</p>
        """,
    "summary.md.j2": """\
        # {{ s.title }}

        Prepared {{ s.prepared }}.
        {% for section in s.sections %}

        ## {{ section.title }}

        {% for row in section.rows %}
        - **{{ row.label }}:** {{ row.value }}
        {% endfor %}
        {% endfor %}

        ## Points

        {% for cat in s.categories %}{% for p in cat.points %}
        - {{ p.text }} {{ p.ref_label }}
        {% endfor %}{% endfor %}

        **Next step: {{ s.next_step }}**

        *{{ s.disclaimer }}*
        """,
}

WriteDefs = Callable[..., Path]
WriteTemplates = Callable[..., Path]


@pytest.fixture(autouse=True)
def _sealed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the real store, data or cache folders, or obeys the shell's
    debug and language settings. With SCREENING_STORE gone the default store is
    SCREENING_DATA_DIR/screening.db, under tmp_path."""
    for name in SHELL_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SCREENING_DATA_DIR", str(tmp_path / "data"))


def child_env(data: Path) -> dict[str, str]:
    """The environment for a `screening` child process: no SCREENING_* setting from the
    shell, its data folder (and so its default store) under ``data``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCREENING_")}
    env["SCREENING_DATA_DIR"] = str(data)
    return env


@dataclass
class Clock:
    """A fixed clock that tests can move on."""

    now: dt.datetime = NOW

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    """Every command reads this clock instead of the real one: NOW, in a UTC local zone, so
    the local date is TODAY wherever the tests run."""
    fixed = Clock()
    monkeypatch.setattr("screening.cli.now", fixed)
    zone = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield fixed
    if zone is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = zone
    time.tzset()


class CliResult(NamedTuple):
    code: int
    out: str
    err: str


class Cli(Protocol):
    def __call__(self, *args: str, input: str | None = None) -> CliResult: ...


@pytest.fixture
def cli() -> Cli:
    """Run `screening ARGS...` in this process; exit code, stdout and stderr apart."""
    runner = CliRunner()

    def run(*args: str, input: str | None = None) -> CliResult:
        result = runner.invoke(
            app, list(args), input=input, catch_exceptions=False, prog_name="screening"
        )
        return CliResult(result.exit_code, result.stdout, result.stderr)

    return run


@pytest.fixture(scope="session")
def defs() -> Definitions:
    """The packaged definitions: for test_content.py only."""
    return load_definitions(resources.rules_dir())


@pytest.fixture
def write_defs(tmp_path: Path) -> WriteDefs:
    """Write a rules folder; each argument replaces one file's text."""

    def write(
        questionnaire: str = SMALL_QUESTIONNAIRE, rules: str = SMALL_RULES, name: str = "defs"
    ) -> Path:
        folder = tmp_path / name
        folder.mkdir(exist_ok=True)
        (folder / "questionnaire.yaml").write_text(textwrap.dedent(questionnaire))
        (folder / "rules.yaml").write_text(textwrap.dedent(rules))
        return folder

    return write


@pytest.fixture
def write_templates(tmp_path: Path) -> WriteTemplates:
    """Write a templates folder: SMALL_TEMPLATES, with any file's text replaced by name."""

    def write(**replaced: str) -> Path:
        folder = tmp_path / "templates"
        folder.mkdir(exist_ok=True)
        for name, text in SMALL_TEMPLATES.items():
            (folder / name).write_text(textwrap.dedent(replaced.get(name, text)))
        return folder

    return write


@pytest.fixture
def small(write_defs: WriteDefs) -> Definitions:
    return load_definitions(write_defs())


@pytest.fixture
def kinds_dir(write_defs: WriteDefs) -> Path:
    return write_defs(KINDS_QUESTIONNAIRE, KINDS_RULES, name="kinds")


@pytest.fixture
def kinds(kinds_dir: Path) -> Definitions:
    return load_definitions(kinds_dir)


@pytest.fixture
def kinds_es_dir(kinds_dir: Path) -> Path:
    """KINDS_* with their Spanish translation beside them."""
    (kinds_dir / "i18n").mkdir()
    (kinds_dir / "i18n" / "es.yaml").write_text(KINDS_SPANISH)
    return kinds_dir


@pytest.fixture
def kinds_es(kinds: Definitions, kinds_es_dir: Path) -> Definitions:
    """KINDS_* as a Spanish-speaking patient reads them."""
    from screening.adapters.translations import in_language

    return in_language(kinds, kinds_es_dir, "es")


@pytest.fixture
def kinds_es_args(kinds_es_dir: Path, write_templates: WriteTemplates) -> list[str]:
    """The options that point a command at KINDS_*, their Spanish, and SMALL_TEMPLATES."""
    return ["--rules", str(kinds_es_dir), "--templates", str(write_templates())]


@pytest.fixture
def kinds_args(kinds_dir: Path, write_templates: WriteTemplates) -> list[str]:
    """The options that point a command at KINDS_* and SMALL_TEMPLATES."""
    return ["--rules", str(kinds_dir), "--templates", str(write_templates())]


@pytest.fixture
def kinds_answers(tmp_path: Path) -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text(KINDS_ANSWERS)
    return path


def needed(what: str, present: bool, how: str) -> None:
    """Skip a test on a developer's machine that lacks ``what``; fail in CI, which installs
    it (``.ci/run``), so CI never passes by skipping."""
    if present:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing in CI: {how}")
    pytest.skip(f"{what} is missing here: {how}")


FHIR_SCHEMA = TESTS / "fhir" / "fhir.schema.json"
Validate = Callable[[dict[str, Any]], list[str]]


@pytest.fixture(scope="session")
def fhir_validate() -> Validate:
    """Errors of a resource against the official FHIR R4 JSON schema: the whole document,
    then each resource in it against its own definition, for readable messages."""
    needed("The FHIR R4 JSON schema", FHIR_SCHEMA.exists(), "bash tests/fhir/fetch_schema.sh (npm)")
    schema = json.loads(FHIR_SCHEMA.read_text())
    assert schema["id"] == "http://hl7.org/fhir/json-schema/4.0"
    root = jsonschema.Draft6Validator(schema)

    def errors(document: dict[str, Any]) -> list[str]:
        found = [f"/: {e.message[:300]}" for e in root.iter_errors(document)]
        for where, resource in _resources(document, ""):
            one = {
                "$ref": f"#/definitions/{resource['resourceType']}",
                "definitions": schema["definitions"],
            }
            found += [
                f"{where}/{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}"
                for e in jsonschema.Draft6Validator(one).iter_errors(resource)
            ]
        return found

    return errors


def _resources(node: dict[str, Any], where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    yield where or "/", node
    for i, entry in enumerate(node.get("entry", [])):
        yield from _resources(entry["resource"], f"{where}/entry/{i}/resource")
    for i, contained in enumerate(node.get("contained", [])):
        yield from _resources(contained, f"{where}/contained/{i}")
