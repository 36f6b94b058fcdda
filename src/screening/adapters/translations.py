"""Translation files: the questionnaire's (``RULES/i18n/LANG.yaml``) and the program's own
messages (``locales/LANG.yaml`` in the package), read with their line numbers and held to
the English by ``core/translation.py``.

Every entry is written ``{en: "HASH", LANG: TEXT}``: the translated text, and the first 8 hex
digits of the SHA-256 of the English it translates, in quotes (``screening check`` gives the
value).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from screening.core.catalog import ENGLISH, Catalog, UnitNames
from screening.core.errors import BadInputError, DefinitionError, Problem
from screening.core.models import Definitions, Questionnaire
from screening.core.translation import (
    Entry,
    Finding,
    Key,
    Source,
    check_entries,
    check_units,
    dotted,
    language_name,
    messages_source,
    questionnaire_source,
    translate,
)

LOCALES = Path(__file__).resolve().parents[1] / "locales"
TRANSLATIONS = "i18n"  # the folder beside questionnaire.yaml
_HASH = re.compile(r"^[0-9a-f]{8}$")


def known_languages() -> list[str]:
    """English, and each language the program's own messages are translated into."""
    return ["en", *sorted(p.stem for p in LOCALES.glob("*.yaml"))]


def offered_languages(rules_dir: Path) -> list[str]:
    """The languages a person may answer this questionnaire in."""
    known = known_languages()
    found = sorted(p.stem for p in (rules_dir / TRANSLATIONS).glob("*.yaml"))
    return ["en", *(lang for lang in found if lang in known and lang != "en")]


def chosen_language(given: str | None) -> str | None:
    """The language asked for with --lang, else in SCREENING_LANG (like es, es-US or
    es_US.UTF-8); None when neither is set."""
    where, value = "--lang", given
    if value is None:
        where, value = "SCREENING_LANG", os.environ.get("SCREENING_LANG") or None
    if value is None:
        return None
    code = re.split(r"[-_.@]", value.strip().lower(), maxsplit=1)[0]
    known = known_languages()
    if code not in known:
        shown = value if value.isprintable() and len(value) <= 20 else "the value given"
        raise BadInputError(
            f"{where}: '{shown}' is not a language screening speaks (known: {', '.join(known)})"
        )
    return code


def in_language(
    defs: Definitions, rules_dir: Path, language: str, cache_dir: Path | None = None
) -> Definitions:
    """The definitions as a person answering reads them in ``language``; DefinitionError,
    naming each file and line, when its translation is missing, incomplete or stale. With
    ``cache_dir``, the program's messages may come from the cache (see ``read_catalog``)."""
    if language == "en":
        return defs
    path = rules_dir / TRANSLATIONS / f"{language}.yaml"
    if not path.is_file():
        raise DefinitionError(
            "no translation",
            [
                Problem(
                    str(path),
                    f"no such file: this questionnaire has no {language_name(language)} "
                    f"translation (it offers: {', '.join(offered_languages(rules_dir))})",
                )
            ],
        )
    catalog, problems = read_catalog(language, cache_dir)
    read = read_translation(path, defs.questionnaire, language)
    problems += read.problems
    if problems:
        raise DefinitionError(f"{path}: the translation has problems", problems)
    return translate(defs, read.entries, Catalog(language, catalog.messages, read.units))


def check_translations(rules_dir: Path, qn: Questionnaire) -> tuple[list[str], list[Problem]]:
    """The languages the questionnaire is translated into, and every problem with those
    translations and with the program's own message catalogs."""
    problems: list[Problem] = []
    for language in known_languages()[1:]:
        problems += read_catalog(language)[1]
    languages = []
    for path in sorted((rules_dir / TRANSLATIONS).glob("*.yaml")):
        language = path.stem
        languages.append(language)
        if language not in known_languages() or language == "en":
            problems.append(
                Problem(
                    str(path),
                    f"'{language}' is not a language the program's own screens are written in "
                    f"(known: {', '.join(known_languages())})",
                )
            )
            continue
        problems += read_translation(path, qn, language).problems
    return languages, problems


@dataclass
class Read:
    """What a translation file holds, and what is wrong with it."""

    entries: dict[Key, Entry] = field(default_factory=dict)
    units: dict[str, UnitNames] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    unreadable: set[Key] = field(default_factory=set)  # entries reported as written wrong
    tree: Any = None  # the parsed YAML, for line numbers


def read_catalog(language: str, cache_dir: Path | None = None) -> tuple[Catalog, list[Problem]]:
    """The program's messages in ``language``, and what is wrong with them. With
    ``cache_dir``, messages that had no problem are rebuilt from the cache kept under the hash
    of their file and of the English they were checked against."""
    from screening.adapters import definitions_cache

    if language == "en":
        return ENGLISH, []
    path, source = LOCALES / f"{language}.yaml", messages_source()
    hashed = _catalog_key(path, source) if cache_dir else ""
    cached = definitions_cache.read_messages(cache_dir, hashed) if hashed else None
    if cached is not None:
        return Catalog(language, cached), []
    read = _read(path, language, {"messages": _entries})
    found = check_entries(source, read.entries, language, read.unreadable)
    read.problems += _problems(path, read.tree, found)
    messages = {key[1]: e.text for key, e in read.entries.items() if key in source.texts}
    if hashed and not read.problems:
        definitions_cache.write_messages(cache_dir, hashed, messages)
    return Catalog(language, messages), read.problems


def _catalog_key(path: Path, english: Source) -> str:
    """The cache key of a messages file: its text and the English it is held to."""
    from screening.adapters import definitions_cache, reading

    try:
        text = reading.read_text(path)
    except (OSError, UnicodeDecodeError, reading.FileProblem):
        return ""  # the full read says what is wrong
    return definitions_cache.cache_key(text, json.dumps(sorted(english.texts.items())))


def read_translation(path: Path, qn: Questionnaire, language: str) -> Read:
    """A questionnaire's translation, and what is wrong with it."""
    read = _read(
        path,
        language,
        {"crisis_line": _entries, "choice_lists": _entries, "questions": _entries, "units": _units},
    )
    findings = [
        *check_entries(questionnaire_source(qn), read.entries, language, read.unreadable),
        *check_units(qn, read.units, language),
    ]
    read.problems += _problems(path, read.tree, findings)
    return read


def _read(path: Path, language: str, sections: Mapping[str, Any]) -> Read:
    from screening.adapters import yaml_files

    read = Read()
    try:
        read.tree = yaml_files.parse(yaml_files.read_text(path), str(path))
    except yaml_files.YamlProblem as exc:
        read.problems.append(exc.problem)
        return read
    if not isinstance(read.tree, dict):
        read.problems.append(Problem(str(path), "is empty or not a mapping of sections"))
        return read
    findings: list[Finding] = []
    for name, node in read.tree.items():
        reader = sections.get(str(name))
        if reader is None:
            findings.append(
                Finding((str(name),), f"{name}: unknown section (use {', '.join(sections)})")
            )
        else:
            reader(node, (str(name),), language, read, findings)
    read.problems += _problems(path, read.tree, findings)
    return read


def _entries(node: Any, key: Key, language: str, read: Read, findings: list[Finding]) -> None:
    """Entries under ``key``: a mapping holding ``en`` is one; any other mapping holds more."""
    if isinstance(node, dict) and "en" not in node and language not in node:
        for name, child in node.items():
            _entries(child, (*key, str(name)), language, read, findings)
        return
    entry = _entry(node, language)
    if entry is None:
        read.unreadable.add(key)
        findings.append(
            Finding(
                key,
                f'{dotted(key)}: write it as {{en: "HASH", {language}: "TEXT"}}',
            )
        )
    else:
        read.entries[key] = entry


def _entry(node: Any, language: str) -> Entry | None:
    if not isinstance(node, dict) or set(node) != {"en", language}:
        return None
    digest, text = node["en"], node[language]
    if not isinstance(digest, str) or not _HASH.match(digest):
        return None
    if not isinstance(text, str) or not text.strip():
        return None
    return Entry(digest, text.strip("\n"))


def _units(node: Any, key: Key, language: str, read: Read, findings: list[Finding]) -> None:
    """Unit names by the questionnaire's unit: ``{one: mes, many: meses, also: [...]}``, or
    one word for both (``kg``)."""
    if not isinstance(node, dict):
        findings.append(Finding(key, "units: write a mapping of unit names"))
        return
    for name, names in node.items():
        unit = _unit(names)
        if unit is None:
            findings.append(
                Finding(
                    (*key, str(name)),
                    f"units.{name}: write it as {{one: ..., many: ..., also: [...]}} or one word",
                )
            )
        else:
            read.units[str(name)] = unit


def _unit(node: Any) -> UnitNames | None:
    if isinstance(node, str) and node.strip():
        return UnitNames(node.strip(), node.strip())
    if not isinstance(node, dict) or not {"one", "many"} <= set(node) <= {"one", "many", "also"}:
        return None
    one, many, also = node["one"], node["many"], node.get("also", [])
    words = [one, many, *also] if isinstance(also, list) else []
    if not words or not all(isinstance(w, str) and w.strip() for w in words):
        return None
    return UnitNames(one.strip(), many.strip(), tuple(w.strip() for w in also))


def _problems(path: Path, tree: Any, findings: Iterable[Finding]) -> list[Problem]:
    from screening.adapters import yaml_files

    problems = []
    for finding in findings:
        line = yaml_files.line_of(tree, finding.key) if tree is not None else None
        problems.append(Problem(f"{path}:{line}" if line else str(path), finding.message))
    return problems
