"""Conditions as data: all/any/not over comparisons of one answer. No eval, ever.

A comparison names one question and exactly one operator, for example
``{question: pain_duration_months, at_least: 3}`` or
``{question: conditions, includes_any: [crps, fibromyalgia]}``. There is one way to negate:
``not``, and an unanswered question compares false, so ``not: {question: q, equals: x}``
holds when q is unanswered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal, get_args

from screening.core.values import Value

Scalar = bool | int | float | str | dt.date
AnswerValue = int | float | str | list[str] | dt.date
Answers = Mapping[str, AnswerValue]

Operator = Literal[
    "answered",
    "equals",
    "one_of",
    "at_least",
    "at_most",
    "above",
    "below",
    "includes_any",
    "includes_all",
    "includes_none",
]
OPERATORS: tuple[Operator, ...] = get_args(Operator)
CHOICE_OPS: tuple[Operator, ...] = ("equals", "one_of")
ORDER_OPS: tuple[Operator, ...] = ("at_least", "at_most", "above", "below")
MULTI_OPS: tuple[Operator, ...] = ("includes_any", "includes_all", "includes_none")

# Plain classes: a file's conditions are validated as ``file_models`` says, then made into
# these; exactly one operator of a comparison is set.


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class Compare(Value):
    """One question compared with one value."""

    question: str
    answered: bool | None = None
    equals: Scalar | None = None
    one_of: list[Scalar] | None = None
    at_least: float | dt.date | None = None
    at_most: float | dt.date | None = None
    above: float | dt.date | None = None
    below: float | dt.date | None = None
    includes_any: list[str] | None = None
    includes_all: list[str] | None = None
    includes_none: list[str] | None = None

    @cached_property
    def operator(self) -> Operator:
        return next(o for o in OPERATORS if getattr(self, o) is not None)

    @cached_property
    def value(self) -> Any:
        return getattr(self, self.operator)


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class AllOf(Value):
    """Holds when every condition listed holds."""

    all_: list[Condition]


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class AnyOf(Value):
    """Holds when at least one condition listed holds."""

    any_: list[Condition]


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class NotOf(Value):
    """Holds when the condition does not, also when its question is unanswered."""

    not_: Condition


Condition = AllOf | AnyOf | NotOf | Compare


def condition_from(node: Mapping[str, Any]) -> Condition:
    """A condition from its plain form (a validated file's, or the cache's), by field name."""
    if "all_" in node:
        return AllOf(all_=[condition_from(c) for c in node["all_"]])
    if "any_" in node:
        return AnyOf(any_=[condition_from(c) for c in node["any_"]])
    if "not_" in node:
        return NotOf(not_=condition_from(node["not_"]))
    return Compare(**node)


def is_answered(value: AnswerValue | None) -> bool:
    """An empty list or empty text counts as not answered."""
    return value is not None and value != "" and value != []


def evaluate(condition: Condition, answers: Answers) -> bool:
    """Whether the condition holds for these answers; an unanswered question compares false."""
    if isinstance(condition, AllOf):
        return all(evaluate(c, answers) for c in condition.all_)
    if isinstance(condition, AnyOf):
        return any(evaluate(c, answers) for c in condition.any_)
    if isinstance(condition, NotOf):
        return not evaluate(condition.not_, answers)
    return _compare(condition, answers.get(condition.question))


def _compare(c: Compare, got: AnswerValue | None) -> bool:
    op, want = c.operator, c.value
    if op == "answered":
        return is_answered(got) is bool(want)
    if not is_answered(got):
        return False
    if op == "equals":
        return bool(got == want)
    if op == "one_of":
        return got in want
    if op in MULTI_OPS:
        chosen = set(got) if isinstance(got, list) else {got}
        wanted = set(want)
        if op == "includes_any":
            return bool(chosen & wanted)
        if op == "includes_all":
            return wanted <= chosen
        return not chosen & wanted
    try:
        if op == "at_least":
            return bool(got >= want)
        if op == "at_most":
            return bool(got <= want)
        if op == "above":
            return bool(got > want)
        return bool(got < want)
    except TypeError:  # load-time checks keep types apart; be safe all the same
        return False


def comparisons(condition: Condition) -> Iterator[tuple[Compare, tuple[str | int, ...]]]:
    """Every comparison in a condition, with its path inside the condition."""
    if isinstance(condition, AllOf):
        for i, c in enumerate(condition.all_):
            for cmp, path in comparisons(c):
                yield cmp, ("all", i, *path)
    elif isinstance(condition, AnyOf):
        for i, c in enumerate(condition.any_):
            for cmp, path in comparisons(c):
                yield cmp, ("any", i, *path)
    elif isinstance(condition, NotOf):
        for cmp, path in comparisons(condition.not_):
            yield cmp, ("not", *path)
    else:
        yield condition, ()


def referenced_questions(condition: Condition) -> list[str]:
    """Question ids a condition looks at, in order, once each."""
    return list(dict.fromkeys(c.question for c, _ in comparisons(condition)))
