"""The interview in a terminal: drives the core's steps with a prompter, one question at a time.

Ctrl-C asks whether to stop; end of input stops. Every accepted answer is handed to ``save``
before the next question is put, so nothing confirmed is lost. Everything shown is in the
language of the interview's questions.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from screening.adapters.prompts import Prompter, fit
from screening.core.conditions import AnswerValue
from screening.core.errors import InputEnded, InputRefused, InterviewStopped
from screening.core.interview import Interview, Prompt, ReviewRow, opening_text
from screening.core.sanitize import one_line

FINISH = "__finish__"
QUESTION_ROOM = 24  # columns a review row keeps for the question when the answer is long
REVIEW_WIDTH = 74
T = TypeVar("T")
Save = Callable[[Mapping[str, AnswerValue], Sequence[str]], None]


class TerminalInterview:
    """One interview at one terminal."""

    def __init__(self, interview: Interview, prompter: Prompter, save: Save) -> None:
        self.interview, self.prompter, self.save = interview, prompter, save
        # The prompts' own words (instructions, yes and no) in the language of the questions.
        self.say = prompter.say = interview.say

    def run(self, *, opening: bool = True) -> dict[str, AnswerValue]:
        """Ask until every applicable question has been put, review, and return the answers."""
        if opening:
            self.prompter.show(fit(opening_text(self.interview.defs)))
            ready = self._guard(
                lambda: self.prompter.confirm(self.say("ready"), default=True),
                "the opening question",
            )
            if not ready:
                raise InterviewStopped("not started")
        while True:
            self._ask_remaining()
            if self._review():
                return dict(self.interview.answers)

    def _ask_remaining(self) -> None:
        while (prompt := self.interview.next_prompt()) is not None:
            self.prompter.show("\n" + self.say("progress", n=prompt.number, total=prompt.total))
            self._ask(prompt, self.interview.answer)

    def _ask(self, prompt: Prompt, apply: Callable[[str, str | Sequence[str]], str | None]) -> None:
        if prompt.help:
            self.prompter.show(fit(prompt.help), dim=True)
        while True:
            raw = self._guard(
                lambda: ask(self.prompter, prompt, self.interview.check),
                f"question {prompt.question_id}",
            )
            problem = apply(prompt.question_id, raw)
            if problem is None:
                break
            self.prompter.show(f"! {problem}")  # a refused answer is never stored
        self.save(dict(self.interview.answers), list(self.interview.asked))

    def _review(self) -> bool:
        rows = [(FINISH, self.say("finish_row"))]
        # Each row fits the terminal: the question is cut first (to QUESTION_ROOM at least), so
        # the answer keeps the most room.
        width = max(40, min(REVIEW_WIDTH, shutil.get_terminal_size((80, 24)).columns - 6))
        for row in self.interview.review():
            question = one_line(row.text)
            shown = self._review_answer(row, width - 2 - min(QUESTION_ROOM, len(question)))
            asked = _one_line(question, width - len(shown) - 2)
            rows.append((row.question_id, f"{asked}  {shown}"))
        self.prompter.show("\n" + self.say("check_answers"))
        picked = self._guard(
            lambda: self.prompter.select(self.say("pick_to_change"), rows, default=FINISH),
            "the review",
        )
        if picked != FINISH:
            self._ask(self.interview.prompt(picked), self.interview.change)
            return False
        finish = self.say("finish_staff" if self.interview.mode == "staff" else "finish_patient")
        return bool(self._guard(lambda: self.prompter.confirm(finish, default=True), "the review"))

    def _review_answer(self, row: ReviewRow, width: int) -> str:
        """The answer as the review row shows it. Cut to fit, a multi answer first says how
        many choices it has, so that two rows cut alike still differ."""
        if row.answer is None:
            return self.say("skipped")
        shown = _one_line(row.answer, width)
        if row.picks > 1 and shown != one_line(row.answer):
            shown = _one_line(f"{self.say('n_picked', n=row.picks)} {row.answer}", width)
        return shown

    def _guard(self, ask: Callable[[], T], where: str) -> T:
        """Run one prompt; Ctrl-C asks whether to stop, end of input stops, and a refused
        line of a script stops naming ``where`` it was."""
        while True:
            try:
                return ask()
            except KeyboardInterrupt:
                if self._stop_wanted():
                    raise InterviewStopped("stopped") from None
            except EOFError:
                raise InputEnded("input ended") from None
            except InputRefused as refused:
                raise InputRefused(f"{where}, {refused.message}") from None

    def _stop_wanted(self) -> bool:
        try:
            return self.prompter.confirm("\n" + self.say("stop_now"), default=False)
        except (KeyboardInterrupt, EOFError):
            return True


Check = Callable[[str, "str | Sequence[str]"], "str | None"]


def ask(prompter: Prompter, prompt: Prompt, check: Check) -> str | list[str]:
    """Put one prompt with the widget it calls for; the check runs on every try."""
    qid = prompt.question_id
    if prompt.widget == "one":
        return prompter.select(prompt.text, prompt.options, default=str(prompt.default) or None)
    if prompt.widget == "many":
        return prompter.checkbox(
            prompt.text,
            prompt.options,
            default=list(prompt.default),
            validate=lambda picked: check(qid, picked),
        )
    return prompter.text(
        prompt.text, default=str(prompt.default), validate=lambda typed: check(qid, typed)
    )


def _one_line(text: str, width: int = 60) -> str:
    flat = one_line(text)
    return flat if len(flat) <= width else flat[: width - 3] + "..."
