"""The definitions the program works with: the questionnaire, sources, criteria and rules.

Plain frozen classes; a definition file is validated as ``file_models`` says, then made
into these (as the definitions cache rebuilds them).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar, Literal

from screening.core.catalog import ENGLISH, Catalog
from screening.core.conditions import AnswerValue, Condition, condition_from, referenced_questions
from screening.core.questions import AnswerContext, Choice, Question, choices_from, question_from
from screening.core.values import Value

# {question_id} in a rule's note quotes that answer.
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class ReviewItem(Value):
    """An answer the clinician should see first, when it was given."""

    question: str
    choices: list[str] | None = None
    except_: list[str] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class Combined(Value):
    """Answers shown as one row: blood pressure as 150/95 mmHg."""

    id: str
    label: str
    questions: list[str]
    separator: str = "/"
    unit: str | None = None


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class Questionnaire(Value):
    """questionnaire.yaml: the questions, in the order they are asked."""

    title: str
    crisis_line: str | None = None
    header_section: str | None = None
    review_first: list[ReviewItem] = field(default_factory=list)
    combine: list[Combined] = field(default_factory=list)
    # Lists of choices that several questions share, by name (XLSForm's list_name).
    choice_lists: dict[str, list[Choice]] = field(default_factory=dict)
    questions: list[Question]
    # The language the person reads: set on the copy a translation makes.
    _say: ClassVar[Catalog] = ENGLISH

    @property
    def say(self) -> Catalog:
        """The catalog of the program's own words, in the questionnaire's language."""
        return self._say

    @cached_property
    def by_id(self) -> dict[str, Question]:
        """Questions by id."""
        # The first of a repeated id wins here; the cross-checks report the repeat.
        return {q.id: q for q in reversed(self.questions)}

    def get(self, question_id: str) -> Question | None:
        return self.by_id.get(question_id)

    def __getitem__(self, question_id: str) -> Question:
        q = self.get(question_id)
        if q is None:
            raise KeyError(question_id)
        return q

    def choices_of(self, question: Question) -> tuple[Choice, ...]:
        """The full choice list: inline, a shared list, or the source question's."""
        return question.list_choices(self, frozenset())

    def context(
        self, question: Question, answers: Mapping[str, AnswerValue], today: dt.date
    ) -> AnswerContext:
        """What checking or showing this question's answer needs, given the answers so far."""
        choices = self.choices_of(question)
        source = question.picks_from
        ids = tuple(c.id for c in choices)
        if source is not None:
            picked = answers.get(source)
            chosen = {*(picked if isinstance(picked, list) else ()), *question.always_offered}
            ids = tuple(i for i in ids if i in chosen)
        return AnswerContext(
            today=today, choices=choices, offered=ids, choices_from=source, answers=answers
        )


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class Source(Value):
    """A document rules and criteria cite, defined once."""

    id: str
    title: str
    publisher: str
    year: int | None = None
    url: str | None = None
    # The clinic articles carry no date or address in the copies we hold: say so, do not invent.
    undated: bool = False

    def citation(self) -> str:
        where = self.url or ""
        if where.startswith("https://doi.org/"):
            where = "doi:" + where.removeprefix("https://doi.org/")
        tail = ". ".join(str(x) for x in (self.year, where) if x)
        return f"{self.title}. {self.publisher}" + (f", {tail}" if tail else "") + "."


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class Criterion(Value):
    """A point the reference documents name, in our own words."""

    id: str
    summary: str
    sources: list[str]


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class Category(Value):
    """A heading that points are grouped under on the summary."""

    id: str
    title: str


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class EvidenceNote(Value):
    """A statement printed the same on every summary, with its sources."""

    text: str
    sources: list[str]


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class Rule(Value):
    """Picks out one point for the specialist when its condition holds. Never a decision."""

    id: str
    category: str
    when: Condition
    flag: Literal["high", "low"] | None = None
    note: str
    sources: list[str]
    criteria: list[str] = field(default_factory=list)

    @cached_property
    def quotes(self) -> tuple[str, ...]:
        """The question ids the note quotes, in order."""
        return tuple(PLACEHOLDER.findall(self.note))

    @cached_property
    def looks_at(self) -> tuple[str, ...]:
        """The question ids the condition reads, in order."""
        return tuple(referenced_questions(self.when))


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class RuleSet(Value):
    """rules.yaml: sources, criteria, the evidence box, categories and rules."""

    sources: list[Source]
    criteria: list[Criterion] = field(default_factory=list)
    evidence: list[EvidenceNote] = field(default_factory=list)
    categories: list[Category]
    rules: list[Rule] = field(default_factory=list)

    @cached_property
    def citations(self) -> dict[str, str]:
        """Each source's citation, by id."""
        return {s.id: s.citation() for s in reversed(self.sources)}


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class Definitions(Value):
    """Everything a summary is made from, loaded and cross-checked."""

    questionnaire: Questionnaire
    ruleset: RuleSet


def questionnaire_from(node: Mapping[str, Any]) -> Questionnaire:
    """The questionnaire from its plain form: a validated file's, or the cache's."""
    return Questionnaire(
        **{
            **node,
            "choice_lists": {k: choices_from(v) for k, v in node["choice_lists"].items()},
            "review_first": [ReviewItem(**r) for r in node["review_first"]],
            "combine": [Combined(**c) for c in node["combine"]],
            "questions": [question_from(q) for q in node["questions"]],
        }
    )


def ruleset_from(node: Mapping[str, Any]) -> RuleSet:
    """The rules from their plain form: a validated file's, or the cache's."""
    return RuleSet(
        sources=[Source(**s) for s in node["sources"]],
        criteria=[Criterion(**c) for c in node["criteria"]],
        evidence=[EvidenceNote(**e) for e in node["evidence"]],
        categories=[Category(**c) for c in node["categories"]],
        rules=[Rule(**{**r, "when": condition_from(r["when"])}) for r in node["rules"]],
    )
