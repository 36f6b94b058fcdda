"""Reading an answers file (JSON or YAML) into checked answers."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from pathlib import Path
from typing import Any

from screening.adapters import yaml_files
from screening.core.answers import validate_answers
from screening.core.conditions import AnswerValue
from screening.core.errors import AnswersError, Problem
from screening.core.models import Questionnaire
from screening.core.sanitize import shown

# Longer whole numbers are read as "too large", which every question refuses with its bounds.
_MAX_DIGITS = 300


def read_answers(
    path: Path, qn: Questionnaire, today: dt.date, *, complete: bool = True
) -> dict[str, AnswerValue]:
    """The file's answers, checked against the questionnaire; AnswersError lists each problem.

    ``complete=False`` accepts a file that leaves required questions for later.
    """
    raw, tree = _parse(path)
    answers, problems = validate_answers(qn, raw, today, complete=complete)
    if problems:
        raise AnswersError(
            f"{path}: the answers do not fit the questionnaire",
            [
                Problem(_where(path, tree, p.question), f"{shown(p.question)}: {p.message}")
                for p in problems
            ],
        )
    return answers


def _parse(path: Path) -> tuple[dict[str, Any], Any]:
    try:
        text = yaml_files.read_text(path)
    except yaml_files.YamlProblem as exc:
        raise AnswersError(str(exc), [exc.problem]) from None
    if path.suffix.lower() == ".json":
        data, tree = _json(text, path), None
    else:
        try:
            tree = yaml_files.parse(text, str(path), plain_data=True)
        except yaml_files.YamlProblem as exc:
            raise AnswersError("bad YAML", [exc.problem]) from None
        data = yaml_files.plain(tree)
    if data is None:
        raise AnswersError(
            "empty", [Problem(str(path), "is empty: expected question ids and answers")]
        )
    if not isinstance(data, dict):
        raise AnswersError(
            "not a mapping",
            [
                Problem(
                    str(path), "must map question ids to answers (for example 'pain_intensity: 6')"
                )
            ],
        )
    return {str(k): v for k, v in data.items()}, tree


class _TwiceError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise _TwiceError(key)
        data[key] = value
    return data


def _bounded_int(digits: str) -> int | float:
    if len(digits) <= _MAX_DIGITS:
        return int(digits)
    return -math.inf if digits.startswith("-") else math.inf


def _json(text: str, path: Path) -> Any:
    """JSON with each key once, no number too long to read, nesting within limits."""
    try:
        data = json.loads(text, object_pairs_hook=_unique, parse_int=_bounded_int)
    except json.JSONDecodeError as exc:
        # exc.msg describes the syntax only; the document's text is not repeated.
        raise AnswersError(
            "bad JSON", [Problem(f"{path}:{exc.lineno}", f"not valid JSON: {exc.msg}")]
        ) from None
    except _TwiceError as exc:
        raise AnswersError("bad JSON", [_twice(text, path, exc.key)]) from None
    except RecursionError:
        data = None
        depth = yaml_files.MAX_DEPTH + 1
    else:
        depth = _depth(data)
    if depth > yaml_files.MAX_DEPTH:
        raise AnswersError(
            "bad JSON",
            [Problem(str(path), f"is nested more than {yaml_files.MAX_DEPTH} levels deep")],
        )
    return data


def _twice(text: str, path: Path, key: str) -> Problem:
    """The key given twice, at the line of its second appearance where that can be found."""
    spelled = re.compile(re.escape(json.dumps(key, ensure_ascii=False)) + r"\s*:")
    places = [m.start() for m in spelled.finditer(text)]
    where = f"{path}:{text.count(chr(10), 0, places[1]) + 1}" if len(places) > 1 else str(path)
    return Problem(where, f"the key '{shown(key)}' is given twice")


def _depth(data: Any) -> int:
    deepest, todo = 0, [(data, 1)]
    while todo:
        node, level = todo.pop()
        deepest = max(deepest, level)
        if level <= yaml_files.MAX_DEPTH and isinstance(node, dict | list):
            todo.extend((v, level + 1) for v in (node.values() if isinstance(node, dict) else node))
    return deepest


def _where(path: Path, tree: Any, question: str) -> str:
    line = yaml_files.line_of(tree, [question]) if tree is not None and question in tree else None
    return f"{path}:{line}" if line else str(path)
