"""Reading YAML 1.2 with line numbers, and mapping a path inside a document to a line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from screening.core.errors import Problem

MAX_BYTES = 2_000_000


class YamlProblem(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def read_text(path: Path) -> str:
    """The file's text, or a YamlProblem that names the file and what is wrong."""
    try:
        if path.is_dir():
            raise YamlProblem(Problem(str(path), "is a folder, not a file"))
        if path.stat().st_size > MAX_BYTES:
            raise YamlProblem(Problem(str(path), f"is larger than {MAX_BYTES // 1_000_000} MB"))
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise YamlProblem(Problem(str(path), "no such file")) from None
    except PermissionError:
        raise YamlProblem(Problem(str(path), "cannot be read (permission denied)")) from None
    except UnicodeDecodeError:
        raise YamlProblem(Problem(str(path), "is not UTF-8 text")) from None
    except OSError as exc:
        raise YamlProblem(Problem(str(path), exc.strerror or "cannot be read")) from None


def parse(text: str, name: str) -> Any:
    """Parse YAML 1.2 (so `yes` and `no` stay text) keeping line numbers.

    Error messages carry the parser's description and line only, never the offending
    line's content, which may be patient data.
    """
    yaml = YAML(typ="rt")
    try:
        return yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        what = exc.problem or exc.context or "not valid YAML"
        raise YamlProblem(Problem(f"{name}{line}", f"not valid YAML: {what}")) from None
    except YAMLError:
        raise YamlProblem(Problem(name, "not valid YAML")) from None


def line_of(tree: Any, path: Sequence[str | int]) -> int | None:
    """1-based line of the deepest node of ``path`` found in ``tree``.

    Steps that are not in the tree (a validator's union tag, a missing field) are passed over.
    """
    node, line = tree, getattr(getattr(tree, "lc", None), "line", None)
    for step in path:
        if isinstance(node, CommentedMap) and step in node:
            line = node.lc.key(step)[0]
            node = node[step]
        elif isinstance(node, CommentedSeq) and isinstance(step, int) and 0 <= step < len(node):
            line = node.lc.item(step)[0]
            node = node[step]
    return None if line is None else line + 1


def plain(node: Any) -> Any:
    """ruamel's round-trip types as plain Python values."""
    if isinstance(node, dict):
        return {str(k) if not isinstance(k, bool | int) else k: plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, dt.datetime):
        return node
    if isinstance(node, dt.date):
        return dt.date(node.year, node.month, node.day)
    if isinstance(node, str):
        return str(node)
    return node
