"""Loading definitions (a rules folder, or a record's stored copy) into checked models.

Also keeps a cache of parsed definitions, and takes the snapshot of definitions and templates
that a record points at.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from screening import __version__
from screening.adapters import reading
from screening.core.checks import check_definitions
from screening.core.errors import DefinitionError, Problem
from screening.core.models import Definitions, Questionnaire, RuleSet
from screening.core.old_format import old_format_hints
from screening.core.snapshot import QUESTIONNAIRE_FILE, RULES_FILE, Snapshot

M = TypeVar("M", bound=BaseModel)


def load_definitions(rules_dir: Path, cache_dir: Path | None = None) -> Definitions:
    """The validated definitions in ``rules_dir``, or a DefinitionError listing every problem.

    With ``cache_dir``, the parsed YAML of definitions that loaded cleanly before is kept as
    JSON under their content hash: parsing YAML is most of the start-up time. What comes from
    the cache is validated and cross-checked again like anything else.
    """
    cache = _cache_file(rules_dir, cache_dir)
    if cache is not None:
        definitions = _from_cache(cache)
        if definitions is not None:
            return definitions
    trees: dict[str, Any] = {}
    definitions, problems = inspect_definitions(rules_dir, keep=trees)
    if problems or definitions is None:
        raise DefinitionError(f"{rules_dir}: the definitions have problems", problems)
    if cache is not None:
        _to_cache(cache, trees)
    return definitions


def _cache_file(rules_dir: Path, cache_dir: Path | None) -> Path | None:
    if cache_dir is None:
        return None
    try:
        key = definitions_hash(rules_dir)
    except (OSError, reading.FileProblem):
        return None  # loading without the cache names the problem
    return cache_dir / f"definitions-{__version__}-{key[:32]}.json"


def _from_cache(cache: Path) -> Definitions | None:
    try:
        trees = json.loads(cache.read_text(encoding="utf-8"), object_hook=_undate)
        definitions = Definitions(
            questionnaire=Questionnaire.model_validate(trees["questionnaire"]),
            ruleset=RuleSet.model_validate(trees["rules"]),
        )
    except (OSError, ValueError, KeyError, TypeError):  # ValidationError is a ValueError
        return None
    if check_definitions(definitions.questionnaire, definitions.ruleset):
        return None
    return definitions


def _to_cache(cache: Path, trees: dict[str, Any]) -> None:
    from screening.adapters import yaml_files

    plain = {name: yaml_files.plain(tree) for name, tree in trees.items()}
    try:
        cache.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(plain, default=_date), encoding="utf-8")
        os.replace(tmp, cache)
    except OSError:
        pass  # a cache that cannot be written only costs time


def _date(value: Any) -> Any:
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    raise TypeError(type(value).__name__)


def _undate(node: dict[str, Any]) -> Any:
    return dt.date.fromisoformat(node["$date"]) if set(node) == {"$date"} else node


def inspect_definitions(
    rules_dir: Path, keep: dict[str, Any] | None = None
) -> tuple[Definitions | None, list[Problem]]:
    """Load and check; return what loaded and each problem as ``FILE:LINE: message``.

    ``keep`` receives the parsed YAML trees, by file kind.
    """
    if not rules_dir.is_dir():
        return None, [Problem(str(rules_dir), "no such folder")]
    return _inspect(rules_dir / QUESTIONNAIRE_FILE, rules_dir / RULES_FILE, None, keep)


def take_snapshot(rules_dir: Path, templates_dir: Path) -> Snapshot:
    """The definition and template texts in use now."""
    from screening.adapters.rendering import TEMPLATES

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
def definitions_from_snapshot(snapshot: Snapshot) -> Definitions:
    """Definitions from a record's stored texts, each distinct copy parsed once."""
    return definitions_from_texts(
        snapshot.questionnaire, snapshot.rules, f"stored definitions {snapshot.hash[:12]}"
    )


def definitions_from_texts(questionnaire: str, rules: str, label: str) -> Definitions:
    """Definitions from stored texts (a record's snapshot); ``label`` names them in errors."""
    folder = Path(label)
    definitions, problems = _inspect(
        folder / QUESTIONNAIRE_FILE, folder / RULES_FILE, (questionnaire, rules), None
    )
    if problems or definitions is None:
        raise DefinitionError(f"{label}: the stored definitions have problems", problems)
    return definitions


def _inspect(
    qn_path: Path, rules_path: Path, texts: tuple[str, str] | None, keep: dict[str, Any] | None
) -> tuple[Definitions | None, list[Problem]]:
    problems: list[Problem] = []
    qn_tree, qn = _load(qn_path, Questionnaire, problems, texts[0] if texts else None)
    rules_tree, rs = _load(rules_path, RuleSet, problems, texts[1] if texts else None)
    if qn is None or rs is None:
        return None, problems
    if keep is not None:
        keep.update(questionnaire=qn_tree, rules=rules_tree)
    trees = {"questionnaire": (qn_path, qn_tree), "rules": (rules_path, rules_tree)}
    for finding in check_definitions(qn, rs):
        path, tree = trees[finding.file]
        problems.append(Problem(_where(path, tree, finding.path), finding.message))
    if problems:
        return None, problems
    return Definitions(questionnaire=qn, ruleset=rs), []


def definitions_hash(rules_dir: Path) -> str:
    """SHA-256 over the definition files, to tell which version a summary was made with."""
    digest = hashlib.sha256()
    for name in (QUESTIONNAIRE_FILE, RULES_FILE):
        digest.update(name.encode() + b"\0" + reading.read_bytes(rules_dir / name) + b"\0")
    return digest.hexdigest()


def _load(
    path: Path, model: type[M], problems: list[Problem], text: str | None = None
) -> tuple[Any, M | None]:
    from screening.adapters import yaml_files  # ruamel only when there is YAML to parse

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
