"""The interview: one question at a time, skip logic, review and change, nothing lost.

Knows questions and answers, not terminals: it talks to a ``Prompter`` and hands every
confirmed answer to ``save`` at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from screening.answers import (
    allowed_choices,
    applicable_questions,
    normalize,
    parse_typed,
    validate_answers,
)
from screening.conditions import AnswerValue
from screening.display import format_answer, number
from screening.errors import ScreeningError
from screening.models import Definitions, Question
from screening.prompts import Prompter

Mode = Literal["staff", "patient"]
SKIP = "__skip__"
FINISH = "__finish__"
T = TypeVar("T")

OPENING = """\
About this form

This form asks about your pain and your health. It takes about 5 to 10 minutes.
It is not a medical test, and it does not decide anything about your care.
Your answers go to the clinician you will see, to help plan your visit.
You can skip any question. Only how long you have had the pain is needed.
You can check and change your answers at the end.
To stop at any time, press Ctrl-C. Your answers so far are kept."""

THANKS = """\
Thank you. You have finished the form.

Please let the front desk know that you are done.
Your answers will go to the clinician before your visit."""


class InterviewStopped(ScreeningError):
    """The person chose to stop; what they answered is saved."""

    exit_code = 130


class InputEnded(ScreeningError):
    """Input ended (Ctrl-D, a closed terminal or pipe) before the end; answers are saved."""

    exit_code = 3


Save = Callable[[dict[str, AnswerValue], list[str]], None]


@dataclass
class Interview:
    defs: Definitions
    prompter: Prompter
    save: Save
    mode: Mode = "staff"
    today: dt.date = field(default_factory=dt.date.today)
    answers: dict[str, AnswerValue] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)

    @property
    def audience(self) -> str:
        return "staff" if self.mode == "staff" else "everyone"

    def run(self, *, opening: bool = True) -> dict[str, AnswerValue]:
        """Ask until every applicable question has been put, review, and return the answers."""
        if opening:
            self.prompter.show(OPENING)
            if not self._guard(lambda: self.prompter.confirm("Ready to start?", default=True)):
                raise InterviewStopped("not started")
        while True:
            self._ask_remaining()
            if self._review():
                return dict(self.answers)

    # Asking

    def _applicable(self) -> list[Question]:
        return applicable_questions(self.defs.questionnaire, self.answers, self.audience)

    def _ask_remaining(self) -> None:
        while True:
            applicable = self._applicable()
            waiting = [n for n, q in enumerate(applicable) if q.id not in self.asked]
            if not waiting:
                return
            self.prompter.show(f"\nQuestion {waiting[0] + 1} of {len(applicable)}")
            self._ask(applicable[waiting[0]])

    def _ask(self, q: Question) -> None:
        hint = " ".join(filter(None, (q.help, None if q.required else self._skip_hint(q))))
        if hint:
            self.prompter.show(hint, dim=True)
        value = self._guard(lambda: self._prompt(q, self.answers.get(q.id)))
        if value is None:
            self.answers.pop(q.id, None)
        else:
            self.answers[q.id] = value
        if q.id not in self.asked:
            self.asked.append(q.id)
        self.save(dict(self.answers), list(self.asked))

    def _prompt(self, q: Question, current: AnswerValue | None) -> AnswerValue | None:
        qn, p = self.defs.questionnaire, self.prompter
        message = q.text
        if q.type == "single":
            choices = [(c.id, c.label) for c in qn.choices_of(q)]
            if not q.required:
                choices.append((SKIP, "Skip this question"))
            # Enter alone skips, as it does for every other kind of question.
            start = current if isinstance(current, str) else (None if q.required else SKIP)
            picked = p.select(message, choices, default=start)
            return None if picked == SKIP else picked
        if q.type == "multi":
            ids = allowed_choices(q, qn, self.answers)
            labels = {c.id: c.label for c in qn.choices_of(q)}
            if not ids:
                return None

            def check_many(values: list[str]) -> str | None:
                if not values:
                    return "Pick at least one." if q.required else None
                return normalize(q, values, qn, self.answers, self.today)[1]

            chosen = p.checkbox(
                message,
                [(i, labels[i]) for i in ids],
                default=current if isinstance(current, list) else [],
                validate=check_many,
            )
            return normalize(q, chosen, qn, self.answers, self.today)[0]
        return self._typed(q, current)

    def _typed(self, q: Question, current: AnswerValue | None) -> AnswerValue | None:
        qn = self.defs.questionnaire

        def convert(typed: str) -> tuple[AnswerValue | None, str | None]:
            if not typed.strip():
                return None, ("This question needs an answer." if q.required else None)
            raw, problem = parse_typed(q, typed)
            if problem:
                return None, problem
            return normalize(q, raw, qn, self.answers, self.today)

        hint = self._typing_hint(q)
        typed = self.prompter.text(
            q.text + (f"  {hint}" if hint else ""),
            default=self._as_typed(q, current),
            validate=lambda s: convert(s)[1],
        )
        return convert(typed)[0]

    @staticmethod
    def _skip_hint(q: Question) -> str:
        if q.type == "multi":
            return "To skip, pick none and press Enter."
        if q.type == "single":
            return "To skip, pick the last choice."
        return "To skip, press Enter."

    @staticmethod
    def _typing_hint(q: Question) -> str:
        if q.input_units:
            return "(like 8 months or 2 years)"
        if q.type == "integer" and q.min is not None and q.max is not None:
            # A scale is typed, not picked from a list: Enter alone must never mean 0.
            return f"({number(q.min)} to {number(q.max)})"
        if q.type == "date":
            return "(YYYY-MM-DD)"
        if q.type in ("number", "integer") and q.unit:
            return f"({q.unit})"
        return ""

    @staticmethod
    def _as_typed(q: Question, current: AnswerValue | None) -> str:
        if current is None:
            return ""
        if isinstance(current, dt.date):
            return current.isoformat()
        if isinstance(current, int | float) and not isinstance(current, bool):
            return f"{number(current)} {q.unit}" if q.input_units and q.unit else number(current)
        return str(current)

    # Review

    def _review(self) -> bool:
        qn = self.defs.questionnaire
        rows = [(FINISH, "Everything is right. Finish.")]
        for q in self._applicable():
            value = self.answers.get(q.id)
            shown = ("(skipped)" if value is None
                     else format_answer(q, value, qn, short=False))
            rows.append((q.id, f"{q.text}  {_one_line(shown, max(16, 74 - len(q.text)))}"))
        self.prompter.show("\nPlease check your answers.")
        picked = self._guard(lambda: self.prompter.select(
            "Pick an answer to change it, or finish:", rows, default=FINISH))
        if picked != FINISH:
            self._change(qn[picked])
            return False
        word = "write the summary" if self.mode == "staff" else "send your answers"
        return bool(self._guard(lambda: self.prompter.confirm(
            f"Finish and {word}?", default=True)))

    def _change(self, q: Question) -> None:
        self._ask(q)
        # A change can close a branch (its answers go) or open one (its questions come next).
        self.answers, problems = validate_answers(self.defs.questionnaire, self.answers,
                                                  self.today, complete=False)
        dropped = {p.question for p in problems}
        applicable = {x.id for x in self._applicable()}
        self.asked = [a for a in self.asked if a not in dropped and a in applicable]
        self.save(dict(self.answers), list(self.asked))

    # Interruptions

    def _guard(self, ask: Callable[[], T]) -> T:
        """Run one prompt; Ctrl-C asks whether to stop, end of input stops."""
        while True:
            try:
                return ask()
            except KeyboardInterrupt:
                if self._stop_wanted():
                    raise InterviewStopped("stopped") from None
            except EOFError:
                raise InputEnded("input ended") from None

    def _stop_wanted(self) -> bool:
        try:
            return self.prompter.confirm(
                "\nStop now? Your answers so far are kept.", default=False)
        except (KeyboardInterrupt, EOFError):
            return True


def _one_line(text: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 3] + "..."


def prefill(defs: Definitions, raw: Mapping[str, Any], today: dt.date) -> tuple[
        dict[str, AnswerValue], list[str]]:
    """Saved or given answers as the interview's starting point; bad ones are left to ask."""
    answers, _ = validate_answers(defs.questionnaire, raw, today, complete=False)
    return answers, list(answers)
