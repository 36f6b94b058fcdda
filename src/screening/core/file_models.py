"""The definition files as pydantic reads them: questionnaire.yaml and rules.yaml.

Each class here is the shape of one entry of a file (its keys, their types and bounds, and
the checks within one entry) and matches a plain class of ``conditions``, ``questions`` and
``models`` field for field. A file is validated against these, then made into those plain
classes; the JSON Schemas editors use are made from these. Only reading a file imports
pydantic: definitions rebuilt from the cache never need it.
"""

# Annotations stay real (no __future__ import): pydantic evaluates each from its text otherwise.
import datetime as dt
from collections.abc import Mapping
from fractions import Fraction
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    WithJsonSchema,
    model_validator,
)

from screening.core.conditions import OPERATORS, Scalar

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


def _factor(value: Any) -> Any:
    """A unit factor as written: a number, or a fraction like '12/52' (weeks in months)."""
    if isinstance(value, str) and "/" in value:
        try:
            return float(Fraction(value.replace(" ", "")))
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"'{value}' is not a number or a fraction like 12/52") from None
    return value


# In the file a factor is a number or a fraction written as text; the schema says both.
Factor = Annotated[
    float,
    BeforeValidator(_factor),
    Field(gt=0),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "exclusiveMinimum": 0},
                {"type": "string", "pattern": r"^\s*[0-9]+\s*/\s*[0-9]+\s*$"},
            ]
        }
    ),
]


class _Strict(BaseModel):
    # Schemas are built on first validation, not when this module is imported.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class _ByName(BaseModel):
    # Keys that are Python words (all, any, not, except) are also taken by their field names.
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


# Conditions


class Compare(_ByName):
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


class AllOf(_ByName):
    """Holds when every condition listed holds."""

    all_: list["Condition"] = Field(
        alias="all", min_length=1, description="Holds when every condition listed holds."
    )


class AnyOf(_ByName):
    """Holds when at least one condition listed holds."""

    any_: list["Condition"] = Field(
        alias="any", min_length=1, description="Holds when at least one condition listed holds."
    )


class NotOf(_ByName):
    """Holds when the condition does not, also when its question is unanswered."""

    not_: "Condition" = Field(
        alias="not", description="Holds when this condition does not (also when unanswered)."
    )


def _condition_kind(value: Any) -> str | None:
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
        _condition_kind,
        custom_error_type="condition",
        custom_error_message="a condition is a mapping with all, any, not, or a question",
    ),
]


# Questions


class Choice(_Strict):
    id: Id = Field(description="Stable id of the choice: records, rules and exports use it.")
    text: Text = Field(description="What the person reads.")
    label: Text | None = Field(
        default=None, description="The clinician's name for it (default: the text)."
    )
    # Chosen alone: "prefer not to say" or "not sure" cannot stand beside another choice.
    exclusive: bool = Field(
        default=False, description="Chosen alone: it cannot be picked with another choice."
    )
    retired: bool = Field(
        default=False,
        description="Kept so stored records and answers files still read; never offered again.",
    )


class QuestionBase(_Strict):
    """Fields every kind of question has."""

    id: Id = Field(
        description="Stable id of the question (a-z, 0-9, _): records and exports use it."
    )
    label: Text = Field(description="The clinician's short name for the question.")
    text: Text = Field(description="What the person is asked, in plain language.")
    help: Text | None = Field(default=None, description="A hint shown with the question.")
    section: Text = Field(
        default="Other", description="The heading the answer is shown under on the summary."
    )
    audience: Literal["everyone", "staff"] = Field(
        default="everyone", description="staff: asked only when intake staff run the interview."
    )
    required: bool = Field(default=False, description="The question cannot be skipped.")
    invalid: Text | None = Field(default=None, description="Message shown when refused.")
    when: Condition | None = Field(
        default=None, description="Ask only when this condition on earlier answers holds."
    )
    criteria: list[str] = Field(
        default=[], description="Ids of the criteria in rules.yaml (C1...) the question serves."
    )


class TextQuestion(QuestionBase):
    type: Literal["text"] = Field(description="text: words the person types.")
    max_length: int = Field(
        default=2000, ge=1, le=20000, description="The most characters accepted."
    )


class LowerThan(_Strict):
    """The answer must be lower than an earlier one (the bottom blood-pressure number)."""

    question: Id = Field(description="The earlier question.")
    message: Text = Field(description="Shown when the answer is not lower.")


class NumberQuestion(QuestionBase):
    type: Literal["number"] = Field(description="number: any number, like 72.5.")
    min: float | None = Field(default=None, description="The smallest answer accepted.")
    max: float | None = Field(default=None, description="The largest answer accepted.")
    unit: Text | None = Field(
        default=None, description="The unit the answer is kept and shown in, like mmHg."
    )
    # Units a person may answer in, with how many stored units each is ("2 years" -> 24
    # months). A factor may be written as a fraction: weeks: 12/52.
    input_units: dict[Annotated[str, StringConstraints(pattern=r"^[a-z]+$")], Factor] | None = (
        Field(
            default=None,
            description="Units a person may answer in, with how many stored units each is "
            "(weeks: 12/52, months: 1, years: 12).",
        )
    )
    examples: list[Text] = Field(
        default=[],
        max_length=3,
        description="Two answers as a person would type them, shown as a hint: "
        "[8 months, 2 years].",
    )
    lower_than: LowerThan | None = Field(
        default=None, description="The answer must be lower than this earlier one's."
    )

    @model_validator(mode="after")
    def _bounds_in_order(self) -> "NumberQuestion":
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min is greater than max")
        if self.input_units and len(self.examples) < 2:
            raise ValueError("input_units needs two examples, like [8 months, 2 years]")
        return self


class IntegerQuestion(NumberQuestion):
    type: Literal["integer"] = Field(  # type: ignore[assignment]
        description="integer: a whole number, like a score from 0 to 10."
    )

    @model_validator(mode="after")
    def _no_units(self) -> "IntegerQuestion":
        if self.input_units is not None:
            raise ValueError("input_units fits a number question only")
        return self


class DateQuestion(QuestionBase):
    type: Literal["date"] = Field(description="date: a day, typed YYYY-MM-DD.")
    earliest: dt.date | Literal["today"] | None = Field(
        default=None, description="The earliest day accepted: YYYY-MM-DD or today."
    )
    latest: dt.date | Literal["today"] | None = Field(
        default=None, description="The latest day accepted: YYYY-MM-DD or today."
    )
    # For a date of birth: the summary also shows the age on the day it is prepared.
    show_age: bool = Field(
        default=False, description="For a date of birth: the summary also shows the age."
    )


class TimeQuestion(QuestionBase):
    """A time of day on the 24-hour clock, stored as HH:MM."""

    type: Literal["time"] = Field(description="time: a time of day, HH:MM.")
    # The interview fills in the time of day (the time vital signs were taken) when any of
    # these is answered and this one is not; staff can still change it.
    stamped_by: list[Id] = Field(
        default=[], description="Questions whose answer fills this in with the time of day."
    )


class ChoiceQuestion(QuestionBase):
    """Fields of both choice kinds: the choices inline, a named shared list, or those picked
    in an earlier question."""

    choices: list[Choice] | None = Field(
        default=None, description="The choices, written in the question."
    )
    choice_list: Id | None = Field(default=None, description="A list under choice_lists.")
    choices_from: Id | None = Field(
        default=None,
        description="An earlier multiple-choice question: offer what was picked there.",
    )
    choices_also: list[Choice] | None = Field(
        default=None, description="With choices_from: choices always offered after those."
    )

    @model_validator(mode="after")
    def _one_source_of_choices(self) -> "ChoiceQuestion":
        given = [self.choices, self.choice_list, self.choices_from]
        if sum(x is not None for x in given) != 1:
            raise ValueError("a choice question needs one of choices, choice_list or choices_from")
        if self.choices_also is not None and self.choices_from is None:
            raise ValueError("choices_also goes with choices_from")
        return self


class SingleChoiceQuestion(ChoiceQuestion):
    type: Literal["single"] = Field(description="single: pick one choice.")


class MultiChoiceQuestion(ChoiceQuestion):
    type: Literal["multi"] = Field(description="multi: pick any number of choices.")


def _question_kind(value: Any) -> str | None:
    if isinstance(value, QuestionBase):
        return str(getattr(value, "type", "?"))
    if isinstance(value, Mapping):
        kind = value.get("type")
        return kind if isinstance(kind, str) else None
    return None


Question = Annotated[
    Annotated[TextQuestion, Tag("text")]
    | Annotated[NumberQuestion, Tag("number")]
    | Annotated[IntegerQuestion, Tag("integer")]
    | Annotated[DateQuestion, Tag("date")]
    | Annotated[TimeQuestion, Tag("time")]
    | Annotated[SingleChoiceQuestion, Tag("single")]
    | Annotated[MultiChoiceQuestion, Tag("multi")],
    Discriminator(
        _question_kind,
        custom_error_type="question_type",
        custom_error_message="type must be one of: text, number, integer, date, time, single, "
        "multi",
    ),
]


# The two files


class ReviewItem(_ByName):
    """An answer the clinician should see first, when it was given."""

    question: Id = Field(description="The question whose answer is shown first.")
    choices: list[Id] | None = Field(
        default=None, description="Only these choices count, and only they are shown."
    )
    except_: list[Id] = Field(
        default=[], alias="except", description="Every choice counts but these."
    )


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
