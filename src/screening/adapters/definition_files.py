"""Loading definitions (a rules folder, or a record's stored copy) into checked models.

Also keeps a cache of parsed definitions, and takes the snapshot of definitions and templates
that a record points at.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from screening.adapters import reading
from screening.core.errors import DefinitionError, Problem
from screening.core.models import Definitions, questionnaire_from, ruleset_from
from screening.core.old_format import old_format_hints
from screening.core.snapshot import QUESTIONNAIRE_FILE, RULES_FILE, TEMPLATES, Snapshot

if TYPE_CHECKING:
    from pydantic import BaseModel

M = TypeVar("M", bound="BaseModel")


def load_definitions(rules_dir: Path, cache_dir: Path | None = None) -> Definitions:
    """The checked definitions in ``rules_dir``, or a DefinitionError listing every problem.

    With ``cache_dir``, definitions that passed every check before are rebuilt from the cache
    kept under the hash of their texts (see ``definitions_cache``).
    """
    from screening.adapters import definitions_cache

    try:
        texts = [reading.read_text(rules_dir / name) for name in (QUESTIONNAIRE_FILE, RULES_FILE)]
    except (OSError, UnicodeDecodeError, reading.FileProblem):
        texts = []  # the full load below says what is wrong
    key = definitions_cache.cache_key(*texts) if texts else ""
    cached = definitions_cache.read(cache_dir, key) if key else None
    if cached is not None:
        return cached
    definitions, problems = inspect_definitions(rules_dir)
    if problems or definitions is None:
        raise DefinitionError(f"{rules_dir}: the definitions have problems", problems)
    if key:
        definitions_cache.write(cache_dir, key, definitions)
    return definitions


def inspect_definitions(rules_dir: Path) -> tuple[Definitions | None, list[Problem]]:
    """Load and check; return what loaded and each problem as ``FILE:LINE: message``."""
    if not rules_dir.is_dir():
        return None, [Problem(str(rules_dir), "no such folder")]
    return _inspect(rules_dir / QUESTIONNAIRE_FILE, rules_dir / RULES_FILE, None)


def take_snapshot(rules_dir: Path, templates_dir: Path) -> Snapshot:
    """The definition and template texts in use now."""
    return Snapshot(
        _read(rules_dir / QUESTIONNAIRE_FILE),
        _read(rules_dir / RULES_FILE),
        tuple((name, _read(templates_dir / name)) for name in TEMPLATES.values()),
    )


def _read(path: Path) -> str:
    try:
        return reading.read_text(path)
    except reading.FileProblem as exc:
        raise DefinitionError("unreadable", [exc.problem]) from None


@lru_cache(maxsize=16)
def definitions_from_snapshot(snapshot: Snapshot, cache_dir: Path | None = None) -> Definitions:
    """Definitions from a record's stored texts, each distinct copy parsed once (and kept in
    the cache, when given, for later commands)."""
    from screening.adapters import definitions_cache

    key = definitions_cache.cache_key(snapshot.questionnaire, snapshot.rules)
    cached = definitions_cache.read(cache_dir, key)
    if cached is not None:
        return cached
    definitions = definitions_from_texts(
        snapshot.questionnaire, snapshot.rules, f"stored definitions {snapshot.hash[:12]}"
    )
    definitions_cache.write(cache_dir, key, definitions)
    return definitions


def definitions_from_texts(questionnaire: str, rules: str, label: str) -> Definitions:
    """Definitions from stored texts (a record's snapshot); ``label`` names them in errors."""
    folder = Path(label)
    definitions, problems = _inspect(
        folder / QUESTIONNAIRE_FILE, folder / RULES_FILE, (questionnaire, rules)
    )
    if problems or definitions is None:
        raise DefinitionError(f"{label}: the stored definitions have problems", problems)
    return definitions


def _inspect(
    qn_path: Path, rules_path: Path, texts: tuple[str, str] | None
) -> tuple[Definitions | None, list[Problem]]:
    # pydantic, the checks and the guard's patterns only when files are read: definitions
    # rebuilt from the cache need none of them.
    from screening.core import file_models
    from screening.core.checks import check_definitions

    problems: list[Problem] = []
    qn_text, rules_text = texts or (None, None)
    qn_tree, qn_file = _load(qn_path, file_models.Questionnaire, problems, qn_text)
    rules_tree, rs_file = _load(rules_path, file_models.RuleSet, problems, rules_text)
    if qn_file is None or rs_file is None:
        return None, problems
    qn, rs = questionnaire_from(qn_file.model_dump()), ruleset_from(rs_file.model_dump())
    trees = {"questionnaire": (qn_path, qn_tree), "rules": (rules_path, rules_tree)}
    for finding in check_definitions(qn, rs):
        path, tree = trees[finding.file]
        problems.append(Problem(_where(path, tree, finding.path), finding.message))
    if problems:
        return None, problems
    return Definitions(questionnaire=qn, ruleset=rs), []


def _load(
    path: Path, model: type[M], problems: list[Problem], text: str | None = None
) -> tuple[Any, M | None]:
    from pydantic import ValidationError

    from screening.adapters import yaml_files  # ruamel only when there is YAML to parse
    from screening.core.file_models import Questionnaire

    try:
        tree = yaml_files.parse(yaml_files.read_text(path) if text is None else text, str(path))
    except yaml_files.YamlProblem as exc:
        problems.append(exc.problem)
        return None, None
    if tree is None:
        problems.append(Problem(str(path), "is empty"))
        return None, None
    plain = yaml_files.plain(tree)
    kind = "questionnaire" if model is Questionnaire else "rules"
    hints = old_format_hints(kind, plain)
    if hints:
        problems.extend(Problem(_where(path, tree, at), message) for at, message in hints)
        return tree, None
    try:
        return tree, model.model_validate(plain)
    except ValidationError as exc:
        found: list[Problem] = []
        for err in exc.errors():
            err["loc"] = _untagged(tree, err["loc"])
            if err["type"] == "question_type":  # point at the type line, not the question
                err["loc"] = (*err["loc"], "type")
            problem = Problem(_where(path, tree, err["loc"]), _message(tree, err))
            # A value that fits no member of a union fails once per member: say it once.
            if not any(
                p.where == problem.where
                and p.message.split(": ")[:2] == problem.message.split(": ")[:2]
                for p in found
            ):
                found.append(problem)
        problems.extend(found)
        return tree, None


def _untagged(tree: Any, loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """The path without the question's kind, which the validator puts after its index: the
    kind ``text`` is also a question's field, so the path would be read into that field."""
    if len(loc) > 2 and loc[0] == "questions" and isinstance(loc[1], int):
        try:
            kind = tree["questions"][loc[1]].get("type")
        except (KeyError, IndexError, TypeError, AttributeError):
            return loc
        if loc[2] == kind:
            return (*loc[:2], *loc[3:])
    return loc


def _where(path: Path, tree: Any, loc: tuple[str | int, ...]) -> str:
    from screening.adapters import yaml_files

    line = yaml_files.line_of(tree, loc)
    return f"{path}:{line}" if line else str(path)


def _message(tree: Any, err: Any) -> str:
    loc: tuple[str | int, ...] = err["loc"]
    msg = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        msg = "unknown field"
    elif err["type"] == "missing":
        msg = "is required"
    keep_last = err["type"] in ("missing", "extra_forbidden")
    dotted = _dotted(tree, loc, keep_last)
    owner = _owner(tree, loc)
    if not dotted:
        return f"{owner}{msg}" if owner else msg
    return f"{owner}{dotted}: {msg}"


def _owner(tree: Any, loc: tuple[str | int, ...]) -> str:
    """'question pain_intensity: ' when the error is inside a named item."""
    if len(loc) >= 2 and loc[0] in ("questions", "rules", "sources", "categories", "criteria"):
        try:
            item = tree[loc[0]][loc[1]]
            name = item.get("id")
        except (KeyError, IndexError, TypeError, AttributeError):
            return ""
        if isinstance(name, str):
            kind = {
                "questions": "question",
                "rules": "rule",
                "sources": "source",
                "categories": "category",
                "criteria": "criterion",
            }[str(loc[0])]
            return f"{kind} {name}: "
    return ""


def _dotted(tree: Any, loc: tuple[str | int, ...], keep_last: bool) -> str:
    """The path as written in the file, leaving out the validator's own union tags."""
    parts: list[str] = []
    node = tree
    named = len(loc) >= 2 and loc[0] in ("questions", "rules", "sources", "categories", "criteria")
    for i, step in enumerate(loc):
        in_map = isinstance(node, dict) and step in node
        in_list = isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)
        if in_map or in_list:
            node = node[step]
        elif i < len(loc) - 1 or not keep_last:
            continue
        if named and i < 2:
            continue
        parts.append(f"[{step}]" if isinstance(step, int) else f".{step}")
    return "".join(parts).lstrip(".")
