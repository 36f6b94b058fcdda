"""Reading YAML 1.2 with line numbers, and mapping a path inside a document to a line.

The reader refuses, with the line, what would make it run away or leak: nesting deeper than
MAX_DEPTH, aliases that expand past a budget (or any alias, anchor or tag in plain data such
as an answers file), a key given twice, a date or number that cannot exist.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent

from screening.adapters import reading
from screening.core.errors import Problem
from screening.core.sanitize import shown

MAX_BYTES = reading.MAX_BYTES
MAX_DEPTH = 50
# Nodes that aliases may add to a document, counted as if each alias were written out.
ALIAS_BUDGET = 10_000


class YamlProblem(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


class _Refused(MarkedYAMLError):
    """Something this reader does not take, at a line; its text is ours, not the parser's."""

    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(problem=message, problem_mark=mark)


def read_text(path: Path) -> str:
    """The file's text, or a YamlProblem that names the file and what is wrong."""
    try:
        return reading.read_text(path)
    except reading.FileProblem as exc:
        raise YamlProblem(exc.problem) from None


def parse(text: str, name: str, *, plain_data: bool = False) -> Any:
    """Parse YAML 1.2 (so `yes` and `no` stay text) keeping line numbers.

    ``plain_data`` (answers files): no aliases, anchors or tags at all. Error messages carry
    a description and line only, never a value from the file, which may be patient data.
    """
    yaml = YAML(typ="rt")
    yaml.Composer = _AnswersComposer if plain_data else _Composer
    yaml.Constructor = _Constructor
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a warning would quote lines of the file
            return yaml.load(text)
    except _Refused as exc:
        raise YamlProblem(Problem(_at(name, exc), str(exc.problem))) from None
    except MarkedYAMLError as exc:
        what = exc.problem or exc.context or "not valid YAML"
        raise YamlProblem(Problem(_at(name, exc), f"not valid YAML: {what}")) from None
    except YAMLError:
        raise YamlProblem(Problem(name, "not valid YAML")) from None
    except RecursionError:  # a limit above was not reached first: still a file problem
        raise YamlProblem(Problem(name, "is nested too deeply")) from None


def _at(name: str, exc: MarkedYAMLError) -> str:
    mark = exc.problem_mark or exc.context_mark
    return f"{name}:{mark.line + 1}" if mark is not None else name


class _Composer(Composer):
    """Counts depth and what aliases add while the document is put together."""

    plain_data = False

    def __init__(self, loader: Any = None) -> None:
        super().__init__(loader)
        self.warn_double_anchors = False
        self._nesting = 0
        self._nodes = 0
        self._aliased = 0
        self._sizes: dict[Any, int] = {}

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.parser.peek_event()
        if isinstance(event, AliasEvent):
            self._alias(event)
            return super().compose_node(parent, index)
        if self.plain_data and (event.anchor is not None or event.tag is not None):
            what = "an anchor (&)" if event.anchor is not None else "a tag (!)"
            raise _Refused(f"{what} is not allowed here: plain values only", event.start_mark)
        self._nesting += 1
        if self._nesting > MAX_DEPTH:
            raise _Refused(f"is nested more than {MAX_DEPTH} levels deep", event.start_mark)
        if event.anchor is not None:
            self._sizes.pop(event.anchor, None)  # not complete until composed
        before = self._nodes
        self._nodes += 1
        node = super().compose_node(parent, index)
        self._nesting -= 1
        if event.anchor is not None:
            self._sizes[event.anchor] = self._nodes - before
        return node

    def _alias(self, event: Any) -> None:
        if self.plain_data:
            raise _Refused("an alias (*) is not allowed here: plain values only", event.start_mark)
        size = self._sizes.get(event.anchor)
        if size is None:
            if event.anchor in self.anchors:
                raise _Refused("an alias refers to the part that holds it", event.start_mark)
            return  # the parser reports an undefined alias itself
        self._aliased += size
        self._nodes += size  # so an anchor holding aliases counts what they stand for
        if self._aliased > ALIAS_BUDGET:
            raise _Refused(
                f"aliases (*) repeat more than {ALIAS_BUDGET:,} values; write them out",
                event.start_mark,
            )


class _AnswersComposer(_Composer):
    plain_data = True


class _Constructor(RoundTripConstructor):
    """Values that cannot exist (a 30th of February, a number too long to read) and keys
    given twice are refused with their line; the message never shows a value."""

    def construct_non_recursive_object(self, node: Any, tag: str | None = None) -> Any:
        try:
            return super().construct_non_recursive_object(node, tag)
        except (ValueError, OverflowError):
            kind = str(node.tag)
            what = (
                "is not a real date (write dates as YYYY-MM-DD)"
                if kind.endswith("timestamp")
                else "is a number too long to read"
                if kind.endswith(("int", "float"))
                else "cannot be read"
            )
            raise _Refused(f"a value here {what}", node.start_mark) from None

    def check_mapping_key(
        self, node: Any, key_node: Any, mapping: Any, key: Any, value: Any
    ) -> bool:
        if key in mapping:
            first = next(k for k, _ in node.value if k.value == key_node.value)
            where = f" (first on line {first.start_mark.line + 1})" if first is not key_node else ""
            raise _Refused(
                f"the key '{shown(str(key))}' is given twice{where}", key_node.start_mark
            )
        return True


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
