"""Loading definitions from a rules folder into validated, cross-checked models."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from screening import yamlfile
from screening.checks import check_definitions
from screening.errors import DefinitionError, Problem
from screening.models import Definitions, Questionnaire, RuleSet

QUESTIONNAIRE_FILE = "questionnaire.yaml"
RULES_FILE = "rules.yaml"
M = TypeVar("M", bound=BaseModel)


def load_definitions(rules_dir: Path) -> Definitions:
    """The validated definitions in ``rules_dir``, or a DefinitionError listing every problem."""
    definitions, problems = inspect_definitions(rules_dir)
    if problems or definitions is None:
        raise DefinitionError(f"{rules_dir}: the definitions have problems", problems)
    return definitions


def inspect_definitions(rules_dir: Path) -> tuple[Definitions | None, list[Problem]]:
    """Load and check; return what loaded and each problem as ``FILE:LINE: message``."""
    if not rules_dir.is_dir():
        return None, [Problem(str(rules_dir), "no such folder")]
    qn_path, rules_path = rules_dir / QUESTIONNAIRE_FILE, rules_dir / RULES_FILE
    problems: list[Problem] = []
    qn_tree, qn = _load(qn_path, Questionnaire, problems)
    rules_tree, rs = _load(rules_path, RuleSet, problems)
    if qn is None or rs is None:
        return None, problems
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
        digest.update(name.encode() + b"\0" + (rules_dir / name).read_bytes() + b"\0")
    return digest.hexdigest()


def _load(
    path: Path, model: type[M], problems: list[Problem]
) -> tuple[Any, M | None]:
    try:
        tree = yamlfile.parse(yamlfile.read_text(path), str(path))
    except yamlfile.YamlProblem as exc:
        problems.append(exc.problem)
        return None, None
    if tree is None:
        problems.append(Problem(str(path), "is empty"))
        return None, None
    try:
        return tree, model.model_validate(yamlfile.plain(tree))
    except ValidationError as exc:
        found: list[Problem] = []
        for err in exc.errors():
            problem = Problem(_where(path, tree, err["loc"]), _message(tree, err))
            # A value that fits no member of a union fails once per member: say it once.
            if not any(p.where == problem.where and p.message.split(": ")[:2]
                       == problem.message.split(": ")[:2] for p in found):
                found.append(problem)
        problems.extend(found)
        return tree, None


def _where(path: Path, tree: Any, loc: tuple[str | int, ...]) -> str:
    line = yamlfile.line_of(tree, loc)
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
            kind = {"questions": "question", "rules": "rule", "sources": "source",
                    "categories": "category", "criteria": "criterion"}[str(loc[0])]
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
