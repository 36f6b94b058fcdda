"""Translations kept in step with the English: `screening check` names each missing, extra,
stale or malformed entry and each placeholder that differs, as FILE:LINE: message; an
interview in that language refuses such a translation; an unknown language is one line.

Mechanics, on KINDS_* and their Spanish (KINDS_SPANISH) in tmp_path."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import KINDS_QUESTIONNAIRE, KINDS_SPANISH, Cli, CliResult, WriteTemplates


def sha8(text: str) -> str:
    """The hash a translation entry stores, computed here on its own terms."""
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()[:8]


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


Check = Callable[[], CliResult]


@pytest.fixture
def check(cli: Cli, kinds_es_dir: Path, write_templates: WriteTemplates) -> Check:
    """`screening check` of KINDS_* and their translation, as the files are now."""
    args = ["check", "--rules", str(kinds_es_dir), "--templates", str(write_templates())]
    return lambda: cli(*args)


def test_a_translation_in_step_passes(check: Check) -> None:
    code, out, err = check()
    assert (code, err) == (0, "")
    assert "translated into es" in out


def test_the_hash_ignores_line_breaks_but_not_words() -> None:
    from screening.core.translation import short_hash

    assert short_hash("Where does\n  it hurt?") == short_hash("Where does it hurt?")
    assert short_hash("Where does it hurt?") == sha8("Where does it hurt?") == "c49e607e"
    assert short_hash("Where is the pain?") != short_hash("Where does it hurt?")


REMOVE_INVALID = '    invalid: {en: "f0497cd4", es: Escriba un número entero del 0 al 10.}\n'
ADD_QUESTION = '  gout:\n    text: {en: "1a2b3c4d", es: ¿Tiene gota?}\n'
ADD_CHOICE = (
    '      migraine: {en: "d6c8001c", es: Migraña}\n      gout: {en: "1a2b3c4d", es: Gota}\n'
)

# (id, the translation's text with one change, the line named, the message)
BROKEN = [
    (
        "missing entry",
        KINDS_SPANISH.replace(REMOVE_INVALID, ""),
        "  pain_intensity:",
        'questions.pain_intensity.invalid: no Spanish for it (English: "Enter a whole number '
        'from 0 to 10."); add {en: "f0497cd4", es: ...}',
    ),
    (
        "missing choice",
        KINDS_SPANISH.replace('      migraine: {en: "d6c8001c", es: Migraña}\n', ""),
        "    choices:",  # the conditions' choices, the first in the file
        'questions.conditions.choices.migraine: no Spanish for it (English: "Migraine"); '
        'add {en: "d6c8001c", es: ...}',
    ),
    (
        "extra question",
        KINDS_SPANISH + ADD_QUESTION,
        '    text: {en: "1a2b3c4d"',
        "questions.gout.text: not in the English; remove it or fix its id",
    ),
    (
        "extra choice",
        KINDS_SPANISH.replace('      migraine: {en: "d6c8001c", es: Migraña}\n', ADD_CHOICE),
        "      gout:",
        "questions.conditions.choices.gout: not in the English; remove it or fix its id",
    ),
    (
        "the clinician's label is not translated",
        KINDS_SPANISH.replace("  notes:\n", '  notes:\n    label: {en: "1a2b3c4d", es: Notas}\n'),
        "    label:",
        "questions.notes.label: not in the English; remove it or fix its id",
    ),
    (
        "text with a comma not in quotes",
        KINDS_SPANISH.replace("es: ¿Dónde le duele?}", "es: Dónde, por favor}"),
        "es: Dónde, por favor",
        'questions.pain_location.text: write it as {en: "HASH", es: "TEXT"}',
    ),
    (
        "hash that YAML reads as a number",
        KINDS_SPANISH.replace('{en: "c49e607e", es: ¿Dónde', "{en: 12345678, es: ¿Dónde"),
        "en: 12345678",
        'questions.pain_location.text: write it as {en: "HASH", es: "TEXT"}',
    ),
    (
        "missing unit names",
        KINDS_SPANISH.replace("  mmHg: mmHg\n", ""),
        "units:",
        "units: no Spanish names for 'mmHg'; add 'mmHg': {one: ..., many: ...}",
    ),
    (
        "unit no question uses",
        KINDS_SPANISH.replace("  mmHg: mmHg\n", "  mmHg: mmHg\n  kg: kg\n"),
        "  kg: kg",
        "units.kg: no question uses this unit; remove it",
    ),
    (
        "decision language in Spanish",
        KINDS_SPANISH.replace("es: ¿Algo más?}", "es: ¿Es usted un buen candidato?}"),
        "¿Es usted un buen candidato?",
        'questions.notes.text: uses decision language: "candidato"',
    ),
    (
        "decision language with accents dropped",
        KINDS_SPANISH.replace("es: ¿Algo más?}", "es: Usted es idoneo}"),
        "Usted es idoneo",
        'questions.notes.text: uses decision language: "idoneo"',
    ),
    (
        "unknown section",
        "title: {en: '1a2b3c4d', es: Prueba}\n" + KINDS_SPANISH,
        "title:",
        "title: unknown section (use crisis_line, choice_lists, questions, units)",
    ),
]


@pytest.mark.parametrize(
    ("translation", "needle", "message"), [c[1:] for c in BROKEN], ids=[c[0] for c in BROKEN]
)
def test_check_names_each_broken_entry(
    check: Check, kinds_es_dir: Path, translation: str, needle: str, message: str
) -> None:
    path = kinds_es_dir / "i18n" / "es.yaml"
    path.write_text(translation)
    code, out, err = check()
    assert code == 2 and out == ""
    assert err.splitlines() == [f"screening: {path}:{line_of(translation, needle)}: {message}"]


# (id, the English changed in the questionnaire (old, new), the entry's line, the message)
STALE = [
    (
        "question text",
        ("text: Where does it hurt?", "text: Where is the pain?"),
        "¿Dónde le duele?",
        "questions.pain_location.text: the English changed since this was translated (now "
        f'"Where is the pain?"); check the Spanish, then set en: "{sha8("Where is the pain?")}"',
    ),
    (
        "a choice in a shared list",
        ("- {id: not_sure, text: Not sure}", "- {id: not_sure, text: Unsure}"),
        '    not_sure: {en: "dca5fa43"',
        "choice_lists.yes_no_not_sure.not_sure: the English changed since this was translated "
        f'(now "Unsure"); check the Spanish, then set en: "{sha8("Unsure")}"',
    ),
    (
        "a refusal message",
        ("invalid: Enter a whole number from 0 to 10.", "invalid: Type a number, 0 to 10."),
        "es: Escriba un número entero",
        "questions.pain_intensity.invalid: the English changed since this was translated (now "
        '"Type a number, 0 to 10."); check the Spanish, then set '
        f'en: "{sha8("Type a number, 0 to 10.")}"',
    ),
]


@pytest.mark.parametrize(
    ("change", "needle", "message"), [c[1:] for c in STALE], ids=[c[0] for c in STALE]
)
def test_check_names_each_stale_entry(
    check: Check, kinds_es_dir: Path, change: tuple[str, str], needle: str, message: str
) -> None:
    english = KINDS_QUESTIONNAIRE.replace(*change, 1)
    assert english != KINDS_QUESTIONNAIRE
    (kinds_es_dir / "questionnaire.yaml").write_text(english)
    code, _, err = check()
    path = kinds_es_dir / "i18n" / "es.yaml"
    assert code == 2
    assert err.splitlines() == [f"screening: {path}:{line_of(KINDS_SPANISH, needle)}: {message}"]


def test_a_rewrapped_english_line_is_not_stale(check: Check, kinds_es_dir: Path) -> None:
    english = KINDS_QUESTIONNAIRE.replace(
        "text: Which did not help enough?", "text: Which did not\n      help   enough?"
    )
    (kinds_es_dir / "questionnaire.yaml").write_text(english)
    assert check().code == 0


# The program's own messages, held the same way: a catalog of two messages.
SMALL_EN = {"progress": "Question {n} of {total}", "ready": "Ready to start?"}
SMALL_CATALOG = f"""\
messages:
  progress: {{en: "{sha8(SMALL_EN["progress"])}", es: "Pregunta {{n}} de {{total}}"}}
  ready: {{en: "{sha8(SMALL_EN["ready"])}", es: ¿Quiere empezar?}}
"""
CATALOG_CASES = [
    ("in step", SMALL_EN, SMALL_CATALOG, None, None),
    (
        "placeholder left out",
        SMALL_EN,
        SMALL_CATALOG.replace("Pregunta {n} de {total}", "Pregunta {n}"),
        "progress:",
        "messages.progress: placeholders differ: the English has {n}, {total}, the Spanish has {n}",
    ),
    (
        "placeholder misspelt",
        SMALL_EN,
        SMALL_CATALOG.replace("de {total}", "de {todas}"),
        "progress:",
        "messages.progress: placeholders differ: the English has {n}, {total}, the Spanish "
        "has {n}, {todas}",
    ),
    (
        "English changed in the code",
        {**SMALL_EN, "ready": "Shall we start?"},
        SMALL_CATALOG,
        "ready:",
        'messages.ready: the English changed since this was translated (now "Shall we '
        f'start?"); check the Spanish, then set en: "{sha8("Shall we start?")}"',
    ),
    (
        "new message in the code",
        {**SMALL_EN, "finish_row": "Everything is right. Finish."},
        SMALL_CATALOG,
        "messages:",
        'messages.finish_row: no Spanish for it (English: "Everything is right. Finish."); '
        f'add {{en: "{sha8("Everything is right. Finish.")}", es: ...}}',
    ),
    (
        "message gone from the code",
        {"progress": SMALL_EN["progress"]},
        SMALL_CATALOG,
        "ready:",
        "messages.ready: not in the English; remove it or fix its id",
    ),
]


@pytest.mark.parametrize(
    ("english", "catalog", "needle", "message"),
    [c[1:] for c in CATALOG_CASES],
    ids=[c[0] for c in CATALOG_CASES],
)
def test_check_holds_the_program_messages_to_the_english(
    check: Check,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    english: dict[str, str],
    catalog: str,
    needle: str | None,
    message: str | None,
) -> None:
    locales = tmp_path / "locales"
    locales.mkdir()
    (locales / "es.yaml").write_text(catalog)
    monkeypatch.setattr("screening.adapters.translations.LOCALES", locales)
    monkeypatch.setattr("screening.core.translation.EN", english)
    code, _, err = check()
    if message is None:
        assert (code, err) == (0, "")
    else:
        assert code == 2
        where = f"{locales / 'es.yaml'}:{line_of(catalog, needle or '')}"
        assert err.splitlines() == [f"screening: {where}: {message}"]


def test_a_translation_into_a_language_the_program_does_not_speak(
    check: Check, kinds_es_dir: Path
) -> None:
    (kinds_es_dir / "i18n" / "fr.yaml").write_text(KINDS_SPANISH)
    code, _, err = check()
    assert code == 2
    assert err.splitlines() == [
        f"screening: {kinds_es_dir / 'i18n' / 'fr.yaml'}: 'fr' is not a language the program's "
        "own screens are written in (known: en, es)"
    ]


# --- The interview refuses a language it cannot speak whole -------------------------------


def errors(err: str) -> list[str]:
    """The error lines (from a pipe, a line saying the questions come one at a time is first)."""
    return [line for line in err.splitlines() if line.startswith("screening: ")]


@pytest.mark.parametrize(
    ("args", "environment", "line"),
    [
        (["--lang", "fr"], {}, "--lang: 'fr' is not a language screening speaks (known: en, es)"),
        (
            [],
            {"SCREENING_LANG": "de_DE.UTF-8"},
            "SCREENING_LANG: 'de_DE.UTF-8' is not a language screening speaks (known: en, es)",
        ),
    ],
    ids=["--lang", "SCREENING_LANG"],
)
def test_unknown_language_is_one_line(
    cli: Cli,
    kinds_es_args: list[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    environment: dict[str, str],
    line: str,
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    code, out, err = cli("interview", "--mode", "patient", *args, *kinds_es_args, input="")
    assert (code, out) == (2, "")
    assert err.splitlines() == [f"screening: {line}"]


def test_interview_refuses_a_stale_translation(
    cli: Cli, kinds_es_dir: Path, kinds_es_args: list[str]
) -> None:
    english = KINDS_QUESTIONNAIRE.replace("text: Anything else?", "text: Anything more?")
    (kinds_es_dir / "questionnaire.yaml").write_text(english)
    code, _, err = cli("interview", "--lang", "es", *kinds_es_args, input="s\n")
    path = kinds_es_dir / "i18n" / "es.yaml"
    assert code == 2
    assert errors(err) == [
        f"screening: {path}:{line_of(KINDS_SPANISH, '¿Algo más?')}: questions.notes.text: the "
        'English changed since this was translated (now "Anything more?"); check the Spanish, '
        f'then set en: "{sha8("Anything more?")}"'
    ]


def test_interview_in_a_language_the_questionnaire_lacks(
    cli: Cli, kinds_args: list[str], kinds_dir: Path
) -> None:
    code, _, err = cli("interview", "--lang", "es", *kinds_args, input="")
    assert code == 2
    assert errors(err) == [
        f"screening: {kinds_dir / 'i18n' / 'es.yaml'}: no such file: this questionnaire has no "
        "Spanish translation (it offers: en)"
    ]


def _no_yaml(*args: object) -> None:
    raise AssertionError("a cached catalog was parsed again")


def test_the_program_messages_are_rebuilt_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from screening.adapters import yaml_files
    from screening.adapters.translations import read_catalog

    cache = tmp_path / "cache"
    fresh, problems = read_catalog("es", cache)
    assert problems == [] and fresh("yes") != "yes"
    assert [p.name.startswith("messages-") for p in cache.iterdir()] == [True]
    monkeypatch.setattr(yaml_files, "parse", _no_yaml)
    assert read_catalog("es", cache) == (fresh, [])


@pytest.mark.parametrize("change", ["the translation", "the English"])
def test_messages_are_read_again_when_either_side_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    from screening.adapters import translations
    from screening.core.messages import EN

    locales, cache = tmp_path / "locales", tmp_path / "cache"
    locales.mkdir()
    text = (translations.LOCALES / "es.yaml").read_text()
    (locales / "es.yaml").write_text(text)
    monkeypatch.setattr(translations, "LOCALES", locales)
    assert translations.read_catalog("es", cache)[1] == []
    if change == "the translation":  # an entry held to English it no longer matches
        ready = next(line for line in text.splitlines() if line.strip().startswith("ready:"))
        (locales / "es.yaml").write_text(text.replace(ready, '  ready: {en: "00000000", es: ¿Y?}'))
    else:
        monkeypatch.setattr("screening.core.translation.EN", {**EN, "ready": "Shall we?"})
    _, problems = translations.read_catalog("es", cache)
    assert [p.message.split(":")[0] for p in problems] == ["messages.ready"]
    assert len(list(cache.iterdir())) == 1  # a catalog with problems is not kept
