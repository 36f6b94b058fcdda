"""Validated models of the definitions: the questionnaire, sources, criteria and rules."""

# Annotations stay real (no __future__ import): pydantic builds these classes at start-up and
# would otherwise evaluate each field's annotation from its text.
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
    # Schemas are built on first validation: a start from the cache never needs them.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class ReviewItem(_Strict):
    """An answer the clinician should see first, when it was given."""

    question: Id = Field(description="The question whose answer is shown first.")
    choices: list[Id] | None = Field(
        default=None, description="Only these choices count, and only they are shown."
    )
    except_: list[Id] = Field(
        default=[], alias="except", description="Every choice counts but these."
    )

    # Schemas are built on first validation: a start from the cache never needs them.
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


class Combined(_Strict):
    """Answers shown as one row: blood pressure as 150/95 mmHg."""

    id: Id = Field(description="Stable id of the combined row.")
    label: Text = Field(description="The row's name on the summary.")
    questions: list[Id] = Field(min_length=2, description="The questions shown together.")
    separator: str = Field(default="/", description="What stands between the answers.")
    unit: Text | None = Field(default=None, description="The unit after the answers.")


class Questionnaire(_Strict):
    """questionnaire.yaml: the questions, in the order they are asked."""

    title: Text = Field(description="The questionnaire's name, shown at the top of the summary.")
    crisis_line: Text | None = Field(
        default=None,
        description="Shown on the patient's opening and closing screens; a clinic outside "
        "the US sets its own.",
    )
    header_section: Text | None = Field(
        default=None, description="The section whose answers head the page (name, clinic id)."
    )
    review_first: list[ReviewItem] = Field(
        default=[], description="Answers the clinician sees first, when they were given."
    )
    combine: list[Combined] = Field(
        default=[], description="Answers shown as one row, such as blood pressure."
    )
    # Lists of choices that several questions share, by name (XLSForm's list_name).
    choice_lists: dict[Id, list[Choice]] = Field(
        default={}, description="Choice lists several questions share; a question names one."
    )
    questions: list[Question] = Field(
        min_length=1, description="The questions, in the order they are asked."
    )
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
    """A document rules and criteria cite, defined once."""

    id: Id = Field(description="Stable id that rules and criteria cite.")
    title: Text = Field(description="The document's title.")
    publisher: Text = Field(description="Who published it (authors and journal, or the site).")
    year: int | None = Field(default=None, ge=1900, le=2100, description="Year published.")
    url: Text | None = Field(default=None, description="Where to read it (a DOI link is best).")
    # The clinic articles carry no date or address in the copies we hold: say so, do not invent.
    undated: bool = Field(
        default=False, description="true when the copy has no date or address: never invent one."
    )

    @model_validator(mode="after")
    def _dated(self) -> "Source":
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
    """A point the reference documents name, in our own words."""

    id: Annotated[str, StringConstraints(pattern=r"^C[0-9]+$")] = Field(
        description="C and a number, like C1."
    )
    summary: Text = Field(description="What the documents say, in our own words.")
    sources: list[Id] = Field(min_length=1, description="Ids of the sources it comes from.")


class Category(_Strict):
    """A heading that points are grouped under on the summary."""

    id: Id = Field(description="Stable id that rules name.")
    title: Text = Field(description="The heading on the summary.")


class EvidenceNote(_Strict):
    """A statement printed the same on every summary, with its sources."""

    text: Text = Field(description="What the sources say, in our own words.")
    sources: list[Id] = Field(min_length=1, description="Ids of the sources it cites.")


class Rule(_Strict):
    """Picks out one point for the specialist when its condition holds. Never a decision."""

    id: Id = Field(description="Stable id of the rule.")
    category: Id = Field(description="The category its point is shown under.")
    when: Condition = Field(description="The condition on the answers that picks the point out.")
    flag: Literal["high", "low"] | None = Field(
        default=None,
        description="Marks the answers it looks at as high or low where the page shows them "
        "first; the threshold is its source's.",
    )
    note: Text = Field(description="For the clinician; {question_id} quotes an answer.")
    sources: list[Id] = Field(min_length=1, description="Ids of the sources the point cites.")
    criteria: list[str] = Field(default=[], description="Ids of the criteria the rule serves.")

    @cached_property
    def quotes(self) -> tuple[str, ...]:
        """The question ids the note quotes, in order."""
        return tuple(PLACEHOLDER.findall(self.note))

    @cached_property
    def looks_at(self) -> tuple[str, ...]:
        """The question ids the condition reads, in order."""
        return tuple(referenced_questions(self.when))


class RuleSet(_Strict):
    """rules.yaml: sources, criteria, the evidence box, categories and rules."""

    sources: list[Source] = Field(min_length=1, description="The documents cited, each once.")
    criteria: list[Criterion] = Field(
        default=[], description="The criteria the documents name, in our own words."
    )
    evidence: list[EvidenceNote] = Field(
        default=[], description="Statements printed the same on every summary, with sources."
    )
    categories: list[Category] = Field(
        min_length=1, description="Headings of points, in the order the summary shows them."
    )
    rules: list[Rule] = Field(
        default=[], description="Each picks out one point for the specialist."
    )

    @cached_property
    def citations(self) -> dict[str, str]:
        """Each source's citation, by id."""
        return {s.id: s.citation() for s in reversed(self.sources)}


class Definitions(_Strict):
    """Everything a summary is made from, loaded and cross-checked."""

    questionnaire: Questionnaire
    ruleset: RuleSet
