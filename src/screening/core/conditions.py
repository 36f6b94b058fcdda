"""Conditions as data: all/any/not over comparisons of one answer. No eval, ever.

A comparison names one question and exactly one operator, for example
``{question: pain_duration_months, at_least: 3}`` or
``{question: conditions, includes_any: [crps, fibromyalgia]}``. There is one way to negate:
``not``, and an unanswered question compares false, so ``not: {question: q, equals: x}``
holds when q is unanswered.
"""

# Annotations stay real (no __future__ import): pydantic builds these classes at start-up and
# would otherwise evaluate each field's annotation from its text.
import datetime as dt
from collections.abc import Iterator, Mapping
from functools import cached_property
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

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


class _Strict(BaseModel):
    # Schemas are built on first validation: a start from the cache never needs them.
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


class Compare(_Strict):
    """One question compared with one value."""

    question: str = Field(description="The id of the question whose answer is compared.")
    answered: bool | None = Field(
        default=None, description="true: the question has an answer; false: it has none."
    )
    equals: Scalar | None = Field(
        default=None, description="The answer is exactly this: a choice id, number or date."
    )
    one_of: list[Scalar] | None = Field(default=None, description="The answer is one of these.")
    at_least: float | dt.date | None = Field(
        default=None, description="The answer is this number or date, or more."
    )
    at_most: float | dt.date | None = Field(
        default=None, description="The answer is this number or date, or less."
    )
    above: float | dt.date | None = Field(
        default=None, description="The answer is more than this number or date."
    )
    below: float | dt.date | None = Field(
        default=None, description="The answer is less than this number or date."
    )
    includes_any: list[str] | None = Field(
        default=None, description="Multiple choice: at least one of these was picked."
    )
    includes_all: list[str] | None = Field(
        default=None, description="Multiple choice: every one of these was picked."
    )
    includes_none: list[str] | None = Field(
        default=None, description="Multiple choice: answered, and none of these was picked."
    )

    @model_validator(mode="after")
    def _one_operator(self) -> "Compare":
        given = [op for op in OPERATORS if getattr(self, op) is not None]
        if len(given) != 1:
            raise ValueError(
                f"a comparison needs exactly one operator ({', '.join(OPERATORS)}); "
                f"found {len(given)}"
            )
        return self

    @cached_property
    def operator(self) -> Operator:
        return next(o for o in OPERATORS if getattr(self, o) is not None)

    @cached_property
    def value(self) -> Any:
        return getattr(self, self.operator)


class AllOf(_Strict):
    """Holds when every condition listed holds."""

    all_: list["Condition"] = Field(
        alias="all", min_length=1, description="Holds when every condition listed holds."
    )


class AnyOf(_Strict):
    """Holds when at least one condition listed holds."""

    any_: list["Condition"] = Field(
        alias="any", min_length=1, description="Holds when at least one condition listed holds."
    )


class NotOf(_Strict):
    """Holds when the condition does not, also when its question is unanswered."""

    not_: "Condition" = Field(
        alias="not", description="Holds when this condition does not (also when unanswered)."
    )


def _kind(value: Any) -> str | None:
    if isinstance(value, BaseModel):
        kinds: dict[type[BaseModel], str] = {AllOf: "all", AnyOf: "any", NotOf: "not"}
        return kinds.get(type(value), "compare")
    if isinstance(value, Mapping):
        for key in ("all", "any", "not"):
            if key in value:
                return key
        return "compare"
    return None


Condition = Annotated[
    Annotated[AllOf, Tag("all")]
    | Annotated[AnyOf, Tag("any")]
    | Annotated[NotOf, Tag("not")]
    | Annotated[Compare, Tag("compare")],
    Discriminator(
        _kind,
        custom_error_type="condition",
        custom_error_message="a condition is a mapping with all, any, not, or a question",
    ),
]


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
