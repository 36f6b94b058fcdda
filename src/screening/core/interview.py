"""The interview as steps: which question comes next, what an input means, review and change.

Knows questions and answers, not terminals. A front-end (the terminal loop in
``adapters/terminal.py``, or a browser form) asks ``next_prompt()``, shows it, hands what
the person gave to ``answer()``, saves, and repeats; then shows ``review()`` and calls
``change()`` for any row the person picks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from screening.core.answers import accept, applicable_questions, show_answer, validate_answers
from screening.core.catalog import Catalog
from screening.core.conditions import AnswerValue
from screening.core.models import Definitions
from screening.core.questions import Question, Widget
from screening.core.values import Value

Mode = Literal["staff", "patient"]
SKIP = "__skip__"  # the option id that skips a single-choice question


def opening_text(defs: Definitions) -> str:
    """The opening screen, with the clinic's crisis line, in the questionnaire's language."""
    qn = defs.questionnaire
    line = qn.crisis_line
    return qn.say("opening") + (f"\n\n{line}" if line else "")


def closing_text(defs: Definitions) -> str:
    """The closing screen, with the clinic's crisis line, in the questionnaire's language."""
    qn = defs.questionnaire
    line = qn.crisis_line
    return qn.say("thanks") + (f"\n\n{line}" if line else "")


@dataclass(frozen=True, eq=False, repr=False)
class Prompt(Value):
    """One question as a front-end shows it."""

    question_id: str
    number: int  # "Question number of total", counted over the questions that apply now
    total: int
    text: str  # the question, with how to type the answer where that helps
    help: str  # the question's help and how to skip; "" when there is none
    widget: Widget  # "typed" text, "one" choice, or "many" choices
    options: tuple[tuple[str, str], ...]  # (id, wording); "one" ends with SKIP if optional
    default: str | tuple[str, ...]  # the current answer: as typed, its id, or the ids picked
    required: bool


@dataclass(frozen=True, eq=False, repr=False)
class ReviewRow(Value):
    """One row of the review: a question and its answer as shown."""

    question_id: str
    text: str
    answer: str | None  # None: skipped
    picks: int = 0  # how many choices the answer names (a multi question's), else 0


@dataclass
class Interview:
    """The state of one interview: its answers and the questions already put."""

    defs: Definitions
    mode: Mode = "staff"
    today: dt.date = field(default_factory=dt.date.today)
    answers: dict[str, AnswerValue] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)
    # Reads the time of day for questions stamped when others are answered.
    clock: Callable[[], dt.datetime] | None = None

    @property
    def say(self) -> Catalog:
        """The program's words in the language of the questions."""
        return self.defs.questionnaire.say

    @property
    def audience(self) -> str:
        return "staff" if self.mode == "staff" else "everyone"

    def applicable(self) -> list[Question]:
        return applicable_questions(self.defs.questionnaire, self.answers, self.audience)

    def next_prompt(self) -> Prompt | None:
        """The first applicable question not yet put, or None when all have been."""
        while True:
            applicable = self.applicable()
            waiting = [n for n, q in enumerate(applicable) if q.id not in self.asked]
            if not waiting:
                return None
            prompt = self._prompt(applicable[waiting[0]], waiting[0] + 1, len(applicable))
            if prompt.widget != "many" or prompt.options:
                return prompt
            # Nothing to pick from (an earlier question offered none): nothing to ask.
            self._store(prompt.question_id, None)

    def prompt(self, question_id: str) -> Prompt:
        """The prompt for one question, to change its answer."""
        applicable = self.applicable()
        number = next(n for n, q in enumerate(applicable, 1) if q.id == question_id)
        return self._prompt(applicable[number - 1], number, len(applicable))

    def _prompt(self, q: Question, number: int, total: int) -> Prompt:
        qn, current = self.defs.questionnaire, self.answers.get(q.id)
        ctx = qn.context(q, self.answers, self.today)
        wording = {c.id: c.text for c in ctx.choices if not c.retired}
        options = tuple((i, wording[i]) for i in ctx.offered if i in wording)
        default: str | tuple[str, ...] = q.as_typed(current)
        if q.widget == "one":
            if not q.required:
                options += ((SKIP, self.say("skip_choice")),)
            # Enter alone skips, as it does for every other kind of question.
            default = current if isinstance(current, str) else ("" if q.required else SKIP)
        elif q.widget == "many":
            default = tuple(current) if isinstance(current, list) else ()
        hint = q.typing_hint() if q.widget == "typed" else ""
        return Prompt(
            question_id=q.id,
            number=number,
            total=total,
            text=q.text + (f"  {hint}" if hint else ""),
            help=" ".join(filter(None, (q.help, None if q.required else q.skip_hint))),
            widget=q.widget,
            options=options,
            default=default,
            required=q.required,
        )

    def check(self, question_id: str, raw: str | Sequence[str]) -> str | None:
        """What is wrong with this input (a message for the person), or None."""
        return self._value(question_id, raw)[1]

    def _value(
        self, question_id: str, raw: str | Sequence[str]
    ) -> tuple[AnswerValue | None, str | None]:
        qn = self.defs.questionnaire
        q = qn[question_id]
        given: Any = list(raw) if not isinstance(raw, str) else raw.strip()
        if given in ("", [], SKIP):
            if not q.required:
                return None, None
            return None, self.say("pick_at_least_one" if q.widget == "many" else "needs_answer")
        if q.widget == "typed":
            given, problem = q.read_typed(given)
            if problem:
                return None, problem
        return accept(qn, q, given, self.answers, self.today)

    def answer(self, question_id: str, raw: str | Sequence[str]) -> str | None:
        """Apply an input: store its value (or no answer, when skipped) and return None,
        or change nothing and return the message to show."""
        value, problem = self._value(question_id, raw)
        if problem:
            return problem
        self._store(question_id, value)
        return None

    def _store(self, question_id: str, value: AnswerValue | None) -> None:
        if value is None:
            self.answers.pop(question_id, None)
        else:
            self.answers[question_id] = value
            self._stamp(question_id)
        if question_id not in self.asked:
            self.asked.append(question_id)

    def _stamp(self, answered: str) -> None:
        if self.clock is None:
            return
        for q in self.defs.questionnaire.questions:
            if q.stamped_when(answered) and q.id not in self.answers:
                self.answers[q.id] = self.clock().astimezone().strftime("%H:%M")

    def change(self, question_id: str, raw: str | Sequence[str]) -> str | None:
        """Like ``answer``; a change can also close a branch (its answers go) or open one
        (its questions come next)."""
        problem = self.answer(question_id, raw)
        if problem:
            return problem
        self.answers, problems = validate_answers(
            self.defs.questionnaire, self.answers, self.today, complete=False
        )
        dropped = {p.question for p in problems}
        applicable = {q.id for q in self.applicable()}
        self.asked = [a for a in self.asked if a not in dropped and a in applicable]
        return None

    def review(self) -> list[ReviewRow]:
        """Every applicable question with its answer in the wording the person was shown."""
        qn = self.defs.questionnaire
        rows = []
        for q in self.applicable():
            value = self.answers.get(q.id)
            shown = None if value is None else show_answer(qn, q.id, value, self.today, short=False)
            rows.append(
                ReviewRow(q.id, q.text, shown, len(value) if isinstance(value, list) else 0)
            )
        return rows


def prefill(
    defs: Definitions, raw: dict[str, Any], today: dt.date
) -> tuple[dict[str, AnswerValue], list[str]]:
    """Saved or given answers as the interview's starting point; bad ones are left to ask."""
    answers, _ = validate_answers(defs.questionnaire, raw, today, complete=False)
    return answers, list(answers)
