"""Validated models of the definitions: the questionnaire, sources, criteria and rules."""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from screening.conditions import Condition, referenced_questions

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
QuestionType = Literal["number", "integer", "single", "multi", "text", "date"]
CHOICE_TYPES = ("single", "multi")
NUMERIC_TYPES = ("number", "integer")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Choice(_Strict):
    id: Id
    label: Text
    short: Text | None = Field(default=None, description="Shorter name for the summary.")
    # Chosen alone: "prefer not to say" or "not sure" cannot stand beside another choice.
    exclusive: bool = False


class Question(_Strict):
    id: Id
    type: QuestionType
    label: Text = Field(description="Short name for the clinician's summary.")
    text: Text = Field(description="What the person is asked, in plain language.")
    help: Text | None = None
    section: Text = "Other"
    audience: Literal["everyone", "staff"] = "everyone"
    required: bool = False
    choices: list[Choice] | None = None
    choices_from: Id | None = None
    min: float | None = None
    max: float | None = None
    unit: Text | None = None
    # Units a person may answer in, with how many stored units each is ("2 years" -> 24 months).
    input_units: dict[Annotated[str, StringConstraints(pattern=r"^[a-z]+$")],
                      Annotated[float, Field(gt=0)]] | None = None
    # For a date of birth: the summary also shows the age on the day it is prepared.
    show_age: bool = False
    earliest: dt.date | Literal["today"] | None = None
    latest: dt.date | Literal["today"] | None = None
    max_length: int = Field(default=2000, ge=1, le=20000)
    invalid: Text | None = Field(default=None, description="Message shown when refused.")
    when: Condition | None = None
    criteria: list[str] = []

    @model_validator(mode="after")
    def _fields_fit_type(self) -> Question:
        is_choice = self.type in CHOICE_TYPES
        if is_choice and (self.choices is None) == (self.choices_from is None):
            raise ValueError("a choice question needs either choices or choices_from")
        if not is_choice and (self.choices is not None or self.choices_from is not None):
            raise ValueError(f"a {self.type} question takes no choices")
        if self.type not in NUMERIC_TYPES and (self.min is not None or self.max is not None):
            raise ValueError(f"a {self.type} question takes no min or max")
        if self.type != "date" and (self.earliest is not None or self.latest is not None
                                    or self.show_age):
            raise ValueError(f"a {self.type} question takes no earliest, latest or show_age")
        if self.input_units is not None and self.type != "number":
            raise ValueError("input_units fits a number question only")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min is greater than max")
        if self.choices is not None:
            ids = [c.id for c in self.choices]
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            if dupes:
                raise ValueError(f"choice ids repeat: {', '.join(dupes)}")
            if not ids:
                raise ValueError("choices is empty")
        return self


class Questionnaire(_Strict):
    title: Text
    questions: list[Question] = Field(min_length=1)

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

    def choices_of(self, question: Question) -> list[Choice]:
        """The full choice list; for choices_from, the source question's choices."""
        if question.choices is not None:
            return question.choices
        if question.choices_from is not None:
            source = self.get(question.choices_from)
            if source is not None:
                return self.choices_of(source)
        return []


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
        tail = ", ".join(str(x) for x in (self.year, self.url) if x is not None)
        return f"{self.title}. {self.publisher}" + (f" ({tail})" if tail else "") + "."


class Criterion(_Strict):
    id: Annotated[str, StringConstraints(pattern=r"^C[0-9]+$")]
    summary: Text
    sources: list[Id] = Field(min_length=1)


class Category(_Strict):
    id: Id
    title: Text


class Rule(_Strict):
    id: Id
    category: Id
    when: Condition
    note: Text = Field(description="For the clinician; {question_id} quotes an answer.")
    sources: list[Id] = Field(min_length=1)
    criteria: list[str] = []

    @cached_property
    def looks_at(self) -> tuple[str, ...]:
        """The question ids the condition reads, in order."""
        return tuple(referenced_questions(self.when))


class RuleSet(_Strict):
    sources: list[Source] = Field(min_length=1)
    criteria: list[Criterion] = []
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
