"""Validated models of the definitions: the questionnaire, sources, criteria and rules."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StringConstraints, model_validator

from screening.core.catalog import ENGLISH, Catalog
from screening.core.conditions import AnswerValue, Condition, referenced_questions
from screening.core.questions import AnswerContext, Choice, Id, Question, Text

# {question_id} in a rule's note quotes that answer.
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReviewItem(_Strict):
    """An answer the clinician should see first, when it was given."""

    question: Id
    # Only these choices count (and only they are shown); default: every choice but those
    # listed in `except`.
    choices: list[Id] | None = None
    except_: list[Id] = Field(default=[], alias="except")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Combined(_Strict):
    """Answers shown as one row: blood pressure as 150/95 mmHg."""

    id: Id
    label: Text
    questions: list[Id] = Field(min_length=2)
    separator: str = "/"
    unit: Text | None = None


class Questionnaire(_Strict):
    title: Text
    # Shown on the opening and closing screens; a clinic outside the US sets its own.
    crisis_line: Text | None = None
    # The section whose answers head the page (name, clinic id, date of birth).
    header_section: Text | None = None
    review_first: list[ReviewItem] = []
    combine: list[Combined] = []
    # Lists of choices that several questions share, by name (XLSForm's list_name).
    choice_lists: dict[Id, list[Choice]] = {}
    questions: list[Question] = Field(min_length=1)
    # The language the person reads: set on the copy a translation makes.
    _say: Catalog = PrivateAttr(default=ENGLISH)

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


class Source(_Strict):
    id: Id
    title: Text
    publisher: Text
    year: int | None = Field(default=None, ge=1900, le=2100)
    url: Text | None = None
    # The clinic articles carry no date or address in the copies we hold: say so, do not invent.
    undated: bool = False

    @model_validator(mode="after")
    def _dated(self) -> Source:
        if self.year is None and self.url is None and not self.undated:
            raise ValueError("a source needs a year or a url (or undated: true)")
        return self

    def citation(self) -> str:
        where = self.url or ""
        if where.startswith("https://doi.org/"):
            where = "doi:" + where.removeprefix("https://doi.org/")
        tail = ". ".join(str(x) for x in (self.year, where) if x)
        return f"{self.title}. {self.publisher}" + (f", {tail}" if tail else "") + "."


class Criterion(_Strict):
    id: Annotated[str, StringConstraints(pattern=r"^C[0-9]+$")]
    summary: Text
    sources: list[Id] = Field(min_length=1)


class Category(_Strict):
    id: Id
    title: Text


class EvidenceNote(_Strict):
    """A statement printed the same on every summary, with its sources."""

    text: Text
    sources: list[Id] = Field(min_length=1)


class Rule(_Strict):
    id: Id
    category: Id
    when: Condition
    # Marks the answers it looks at, where they are shown first ("BP 150/95 mmHg (high)").
    flag: Literal["high", "low"] | None = None
    note: Text = Field(description="For the clinician; {question_id} quotes an answer.")
    sources: list[Id] = Field(min_length=1)
    criteria: list[str] = []

    @cached_property
    def quotes(self) -> tuple[str, ...]:
        """The question ids the note quotes, in order."""
        return tuple(PLACEHOLDER.findall(self.note))

    @cached_property
    def looks_at(self) -> tuple[str, ...]:
        """The question ids the condition reads, in order."""
        return tuple(referenced_questions(self.when))


class RuleSet(_Strict):
    sources: list[Source] = Field(min_length=1)
    criteria: list[Criterion] = []
    # The evidence box: the same on every summary, so nothing in it is about the patient.
    evidence: list[EvidenceNote] = []
    categories: list[Category] = Field(min_length=1)
    rules: list[Rule] = []

    @cached_property
    def citations(self) -> dict[str, str]:
        """Each source's citation, by id."""
        return {s.id: s.citation() for s in reversed(self.sources)}


class Definitions(_Strict):
    """Everything a summary is made from, loaded and cross-checked."""

    questionnaire: Questionnaire
    ruleset: RuleSet
