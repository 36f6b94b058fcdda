"""Running rules over answers: each rule whose condition holds becomes a point to discuss."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from screening.conditions import AnswerValue, evaluate, is_answered
from screening.display import format_answer
from screening.models import Definitions, Rule

_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")


@dataclass(frozen=True)
class Point:
    """Something for the specialist to look at, and why."""

    rule: str
    category: str
    text: str
    sources: tuple[str, ...]
    triggered_by: tuple[str, ...]


def run_rules(defs: Definitions, answers: Mapping[str, AnswerValue]) -> list[Point]:
    """Points in category order, then rule order."""
    order = {c.id: i for i, c in enumerate(defs.ruleset.categories)}
    points = [
        _point(defs, rule, answers)
        for rule in defs.ruleset.rules
        if evaluate(rule.when, answers)
    ]
    return sorted(points, key=lambda p: order.get(p.category, len(order)))


def _point(defs: Definitions, rule: Rule, answers: Mapping[str, AnswerValue]) -> Point:
    qn = defs.questionnaire

    def quote(match: re.Match[str]) -> str:
        q, value = qn.get(match.group(1)), answers.get(match.group(1))
        if q is None or value is None or not is_answered(value):
            return "(not answered)"
        return format_answer(q, value, qn)

    triggered = tuple(q for q in rule.looks_at if is_answered(answers.get(q)))
    return Point(
        rule=rule.id,
        category=rule.category,
        text=_PLACEHOLDER.sub(quote, rule.note),
        sources=tuple(rule.sources),
        triggered_by=triggered,
    )
