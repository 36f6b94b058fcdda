"""Running rules over answers: each rule whose condition holds becomes a point to discuss."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from screening.core.conditions import AnswerValue, evaluate, is_answered
from screening.core.models import Definitions, Rule


@dataclass(frozen=True)
class Point:
    """Something for the specialist to look at, and why, with the raw answers it quotes.

    Formatting those answers for a person is the summary view's job.
    """

    rule: str
    category: str
    note: str
    quoted: Mapping[str, AnswerValue | None]
    sources: tuple[str, ...]
    triggered_by: tuple[str, ...]
    flag: str | None = None  # marks the answers it looks at as high or low


def run_rules(defs: Definitions, answers: Mapping[str, AnswerValue]) -> list[Point]:
    """Points in category order, then rule order."""
    order = {c.id: i for i, c in enumerate(defs.ruleset.categories)}
    points = [_point(rule, answers) for rule in defs.ruleset.rules if evaluate(rule.when, answers)]
    return sorted(points, key=lambda p: order.get(p.category, len(order)))


def _point(rule: Rule, answers: Mapping[str, AnswerValue]) -> Point:
    def raw(question_id: str) -> AnswerValue | None:
        value = answers.get(question_id)
        return value if is_answered(value) else None

    return Point(
        rule=rule.id,
        category=rule.category,
        note=rule.note,
        quoted={q: raw(q) for q in rule.quotes},
        sources=tuple(rule.sources),
        triggered_by=tuple(q for q in rule.looks_at if is_answered(answers.get(q))),
        flag=rule.flag,
    )
