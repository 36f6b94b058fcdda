"""The definition use cases: check a rules folder, its translations and templates; list the
questions."""

from __future__ import annotations

from pathlib import Path

from screening.core.errors import DefinitionError


def check_definitions(rules_dir: Path, templates_dir: Path) -> str:
    """A one-line report when all is well; DefinitionError with every problem otherwise."""
    from screening.adapters.definition_files import inspect_definitions
    from screening.adapters.rendering import check_templates
    from screening.adapters.translations import check_translations

    defs, problems = inspect_definitions(rules_dir)
    languages: list[str] = []
    if defs is not None:
        languages, found = check_translations(rules_dir, defs.questionnaire)
        problems += found
    problems += check_templates(templates_dir)
    if problems or defs is None:
        raise DefinitionError("definitions have problems", problems)
    qn, rs = defs.questionnaire, defs.ruleset
    translated = f", translated into {', '.join(languages)}" if languages else ""
    return (
        f"OK: {len(qn.questions)} questions, {len(rs.rules)} rules, {len(rs.sources)} "
        f"sources, criteria {', '.join(c.id for c in rs.criteria)} covered{translated} "
        f"({rules_dir})"
    )


def list_questions(rules_dir: Path, cache_dir: Path | None) -> str:
    """Each question's id and facts, then its choice ids and wording."""
    from screening.adapters.definition_files import load_definitions

    qn = load_definitions(rules_dir, cache_dir).questionnaire
    lines = []
    for q in qn.questions:
        lines.append(f"{q.id:<22} {', '.join(q.facts())}")
        if q.lists_choices:
            lines += [f"    {c.id:<28} {c.text}" for c in qn.choices_of(q)]
    return "\n".join(lines)


def write_schemas(folder: Path) -> list[Path]:
    """Write the JSON Schemas of questionnaire.yaml and rules.yaml into ``folder``."""
    from screening.adapters.json_schemas import write_schemas as write

    return write(folder)
