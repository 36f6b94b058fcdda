"""Definition files in the earlier format: spot them and say exactly what to rename.

The earlier format used ``label`` for a choice's patient wording and ``short`` for its
clinician name, and had a ``not_equals`` operator. Now ``text`` is always what a person reads
and ``label`` always what the clinician reads, and ``not`` is the only negation.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

Path_ = tuple[str | int, ...]


def old_format_hints(kind: str, tree: Any) -> list[tuple[Path_, str]]:
    """(path, what to rename) for each earlier-format key in a parsed definition file."""
    if not isinstance(tree, dict):
        return []
    if kind == "questionnaire":
        return list(_questionnaire(tree))
    return list(_rules(tree))


def _questionnaire(tree: dict[str, Any]) -> Iterator[tuple[Path_, str]]:
    questions = tree.get("questions")
    for i, q in enumerate(questions if isinstance(questions, list) else []):
        if not isinstance(q, dict):
            continue
        choices = q.get("choices")
        for j, choice in enumerate(choices if isinstance(choices, list) else []):
            if isinstance(choice, dict) and "text" not in choice and "label" in choice:
                rename = "rename 'label' to 'text'" + (
                    " and 'short' to 'label'" if "short" in choice else ""
                )
                yield (
                    ("questions", i, "choices", j),
                    f"question {q.get('id')}: choice {choice.get('id')}: earlier format: "
                    f"{rename} (text is what the patient reads, label what the clinician "
                    "reads)",
                )
        yield from _conditions(q.get("when"), ("questions", i, "when"), f"question {q.get('id')}")


def _rules(tree: dict[str, Any]) -> Iterator[tuple[Path_, str]]:
    rules = tree.get("rules")
    for i, rule in enumerate(rules if isinstance(rules, list) else []):
        if isinstance(rule, dict):
            yield from _conditions(rule.get("when"), ("rules", i, "when"), f"rule {rule.get('id')}")


def _conditions(node: Any, at: Path_, owner: str) -> Iterator[tuple[Path_, str]]:
    if isinstance(node, list):
        for n, item in enumerate(node):
            yield from _conditions(item, (*at, n), owner)
    elif isinstance(node, dict):
        if "not_equals" in node:
            yield (
                (*at, "not_equals"),
                f"{owner}: earlier format: 'not_equals: X' is now "
                f"'not: {{question: {node.get('question')}, equals: X}}' (it also holds "
                "when the question is unanswered)",
            )
        for key in ("all", "any", "not"):
            if key in node:
                yield from _conditions(node[key], (*at, key), owner)
