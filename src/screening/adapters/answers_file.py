"""Reading an answers file (JSON or YAML) into checked answers."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from screening.adapters import yaml_files
from screening.core.answers import validate_answers
from screening.core.conditions import AnswerValue
from screening.core.errors import AnswersError, Problem
from screening.core.models import Questionnaire


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
                Problem(_where(path, tree, p.question), f"{p.question}: {p.message}")
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
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            # exc.msg describes the syntax only; the document's text is not repeated.
            raise AnswersError(
                "bad JSON", [Problem(f"{path}:{exc.lineno}", f"not valid JSON: {exc.msg}")]
            ) from None
        tree = None
    else:
        try:
            tree = yaml_files.parse(text, str(path))
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


def _where(path: Path, tree: Any, question: str) -> str:
    line = yaml_files.line_of(tree, [question]) if tree is not None and question in tree else None
    return f"{path}:{line}" if line else str(path)
