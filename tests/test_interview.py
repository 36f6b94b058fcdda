"""The interview driven through prompt_toolkit pipe input: real prompts, scripted keys."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.input.base import PipeInput
from prompt_toolkit.output import DummyOutput

from screening.adapters.prompts import Choices, PlainPrompter, QuestionaryPrompter
from screening.adapters.terminal import TerminalInterview
from screening.core.conditions import AnswerValue
from screening.core.errors import InputEnded, InputRefused, InterviewStopped
from screening.core.interview import Interview, Mode
from screening.core.models import Definitions
from tests.conftest import TODAY

ENTER, DOWN, UP, SPACE, CTRL_C, CTRL_D = "\r", "\x1b[B", "\x1b[A", " ", "\x03", "\x04"


class Recording(QuestionaryPrompter):
    """The real prompter, also keeping what it showed between questions."""

    def __init__(self, inp: PipeInput) -> None:
        super().__init__(input=inp, output=DummyOutput())
        self.shown: list[str] = []

    def show(self, text: str, *, dim: bool = False) -> None:
        self.shown.append(text.strip())


class Saves:
    def __init__(self) -> None:
        self.calls: list[tuple[dict[str, AnswerValue], list[str]]] = []

    def __call__(self, answers: Mapping[str, AnswerValue], asked: Sequence[str]) -> None:
        self.calls.append((dict(answers), list(asked)))


@pytest.fixture
def pipe() -> Iterator[PipeInput]:
    with create_pipe_input() as inp:
        yield inp


def run(
    defs: Definitions, pipe: PipeInput, keys: str, mode: Mode = "staff", **start: Any
) -> tuple[dict[str, AnswerValue], Recording, Saves]:
    prompter, saves = Recording(pipe), Saves()
    pipe.send_text(keys)
    interview = Interview(defs, mode=mode, today=TODAY, **start)
    return TerminalInterview(interview, prompter, saves).run(opening=False), prompter, saves


FINISH = ENTER + ENTER  # review: "Everything is right" is first; then confirm


def test_every_prompt_type_in_staff_mode(kinds: Definitions, pipe: PipeInput) -> None:
    keys = "".join([
        "Alex Example" + ENTER,                 # text
        "DEMO-1" + ENTER,
        "1971-04-12" + ENTER,                   # date
        "low back" + ENTER,
        "2 years" + ENTER,                      # number with a unit
        "7" + ENTER,                            # 0-10 scale
        SPACE + DOWN + SPACE + ENTER,           # multi: crps, migraine
        SPACE + DOWN + SPACE + ENTER,           # prior: nsaids, opioids
        DOWN + SPACE + ENTER,                   # not enough relief: opioids
        UP * 3 + ENTER,                         # single: yes (the cursor starts on skip)
        ENTER,                                  # notes: skipped
        "146" + ENTER, "92" + ENTER,
        FINISH,
    ])  # fmt: skip
    answers, prompter, saves = run(kinds, pipe, keys)
    assert answers == {
        "patient_name": "Alex Example", "patient_id": "DEMO-1",
        "date_of_birth": dt.date(1971, 4, 12), "pain_location": "low back",
        "pain_duration_months": 24, "pain_intensity": 7, "conditions": ["crps", "migraine"],
        "prior_treatments": ["nsaids", "opioids"], "not_enough_relief": ["opioids"],
        "opioids_now": "yes", "systolic_bp": 146, "diastolic_bp": 92,
    }  # fmt: skip
    assert len(saves.calls) == 13  # one save per question asked
    assert saves.calls[4][0]["pain_duration_months"] == 24
    assert "pain_intensity" not in saves.calls[4][0]  # saved before the next question
    assert "Question 1 of 12" in prompter.shown
    assert "Question 9 of 13" in prompter.shown  # the branch opened by prior treatments


def test_refused_answer_is_asked_again(small: Definitions, pipe: PipeInput) -> None:
    keys = "-3" + ENTER + "\b\b" + "abc" + ENTER + "\b\b\b" + "4" + ENTER + ENTER + ENTER + FINISH
    answers, _, saves = run(small, pipe, keys)
    assert answers == {"pain_duration_months": 4}
    assert saves.calls[0][0] == {"pain_duration_months": 4}


def test_skip_logic_both_ways(small: Definitions, pipe: PipeInput) -> None:
    answers, prompter, _ = run(small, pipe, "5" + ENTER + ENTER + ENTER + FINISH)
    assert answers == {"pain_duration_months": 5}
    assert [s for s in prompter.shown if s.startswith("Question")] == [
        "Question 1 of 3",
        "Question 2 of 3",
        "Question 3 of 3",
    ]


def test_branch_counts_honestly(small: Definitions, pipe: PipeInput) -> None:
    keys = "5" + ENTER + SPACE + ENTER + SPACE + ENTER + "note" + ENTER + FINISH
    answers, prompter, _ = run(small, pipe, keys)
    assert answers["not_enough_relief"] == ["nsaids"]
    assert [s for s in prompter.shown if s.startswith("Question")] == [
        "Question 1 of 3",
        "Question 2 of 3",
        "Question 3 of 4",
        "Question 4 of 4",
    ]


def test_review_change_opens_a_branch(small: Definitions, pipe: PipeInput) -> None:
    keys = (
        "5"
        + ENTER
        + ENTER
        + ENTER  # duration, no treatments, no note
        + DOWN * 2
        + ENTER  # review: change treatments
        + SPACE
        + DOWN
        + SPACE
        + ENTER  # nsaids and opioids
        + DOWN
        + SPACE
        + ENTER  # newly asked: not enough relief -> opioids
        + FINISH
    )
    answers, _, saves = run(small, pipe, keys)
    assert answers == {
        "pain_duration_months": 5,
        "prior_treatments": ["nsaids", "opioids"],
        "not_enough_relief": ["opioids"],
    }
    assert saves.calls[-1][0] == answers


def test_review_change_closes_a_branch_and_keeps_the_old_answer_as_default(
    small: Definitions, pipe: PipeInput
) -> None:
    keys = (
        "5"
        + ENTER
        + SPACE
        + ENTER
        + SPACE
        + ENTER
        + ENTER
        + DOWN
        + ENTER
        + "\b"
        + "8"
        + ENTER  # change duration: default "5" edited to 8
        + DOWN * 2
        + ENTER
        + SPACE
        + ENTER  # change treatments: untick nsaids
        + FINISH
    )
    answers, _, _ = run(small, pipe, keys)
    assert answers == {"pain_duration_months": 8}


def test_ctrl_c_then_stop_keeps_answers_and_resume_continues(
    small: Definitions, pipe: PipeInput
) -> None:
    prompter, saves = Recording(pipe), Saves()
    pipe.send_text("12" + ENTER + CTRL_C + "y")
    with pytest.raises(InterviewStopped):
        TerminalInterview(Interview(small, today=TODAY), prompter, saves).run(opening=False)
    answers, asked = saves.calls[-1]
    assert answers == {"pain_duration_months": 12} and asked == ["pain_duration_months"]

    resumed, prompter2, _ = run(
        small,
        pipe,
        SPACE + ENTER + ENTER + ENTER + FINISH,
        answers=dict(answers),
        asked=list(asked),
    )
    assert resumed == {"pain_duration_months": 12, "prior_treatments": ["nsaids"]}
    assert prompter2.shown[0] == "Question 2 of 3"


def test_ctrl_c_then_carry_on(small: Definitions, pipe: PipeInput) -> None:
    keys = "7" + CTRL_C + "n" + "7" + ENTER + ENTER + ENTER + FINISH
    answers, _, _ = run(small, pipe, keys)
    assert answers == {"pain_duration_months": 7}


def test_ctrl_d_stops_cleanly(small: Definitions, pipe: PipeInput) -> None:
    prompter, saves = Recording(pipe), Saves()
    pipe.send_text("3" + ENTER + ENTER + CTRL_D)
    with pytest.raises(InputEnded):
        TerminalInterview(Interview(small, today=TODAY), prompter, saves).run(opening=False)
    assert saves.calls[-1][0] == {"pain_duration_months": 3}


def test_patient_mode_asks_no_staff_question(kinds: Definitions, pipe: PipeInput) -> None:
    keys = ENTER + "3 months" + ENTER + ENTER * 5 + FINISH
    answers, prompter, saves = run(kinds, pipe, keys, mode="patient")
    assert answers == {"pain_duration_months": 3}
    assert [s for s in prompter.shown if s.startswith("Question")] == [
        f"Question {n} of 7" for n in range(1, 8)
    ]
    assert saves.calls[-1][1] == [
        "pain_location",
        "pain_duration_months",
        "pain_intensity",
        "conditions",
        "prior_treatments",
        "opioids_now",
        "notes",
    ]


def plain(
    defs: Definitions, typed: str, mode: Mode = "patient", *, script: bool = False
) -> tuple[dict[str, AnswerValue], str]:
    """Plain prompts, as at a terminal (a refused line is asked again) unless ``script``."""
    out = io.StringIO()
    interview = Interview(defs, mode=mode, today=TODAY)
    prompter = PlainPrompter(io.StringIO(typed), out, script=script)
    return TerminalInterview(interview, prompter, Saves()).run(), out.getvalue()


def test_plain_mode_at_a_terminal_asks_again(kinds: Definitions) -> None:
    typed = "\n".join([
        "y",            # ready
        "",             # where: skipped
        "6", "6 weeks",  # refused without a unit, then accepted
        "11", "8",      # refused out of range, then accepted
        "1, 2",         # conditions: crps, migraine
        "",             # treatments: none
        "3",            # opioids now: not sure
        "",             # notes: skipped
        "1", "y", "",   # review: finish, and confirm
    ])  # fmt: skip
    answers, out = plain(kinds, typed)
    assert answers == {
        "pain_duration_months": 1.38,
        "pain_intensity": 8,
        "conditions": ["crps", "migraine"],
        "opioids_now": "not_sure",
    }
    assert "! Add weeks, months or years, like '8 months' or '2 years'." in out
    assert "! Enter a whole number from 0 to 10." in out
    assert "  3. Not sure\n  4. Skip this question  (Enter alone picks this)" in out
    assert "Picked: Complex regional pain syndrome, Migraine\n" in out
    assert "Picked: none\n" in out and "Picked: Not sure\n" in out
    assert "\x1b" not in out
    assert "Question 1 of 7" in out and "Question 7 of 7" in out


def test_plain_mode_input_ending_early(kinds: Definitions) -> None:
    with pytest.raises(InputEnded):
        plain(kinds, "y\nmy back\n")


def test_plain_mode_script_stops_at_a_refused_line(kinds: Definitions) -> None:
    with pytest.raises(InputRefused) as refused:
        plain(kinds, "y\n\n6 weeks\n11\n8\n", script=True)
    assert refused.value.message == (
        "question pain_intensity, input line 4: Enter a whole number from 0 to 10."
    )


class Reviewing(Recording):
    """Keeps the rows of the review as the prompter was given them."""

    def __init__(self, inp: PipeInput) -> None:
        super().__init__(inp)
        self.rows: dict[str, str] = {}

    def select(self, message: str, choices: Choices, *, default: str | None) -> str:
        if default == "__finish__":
            self.rows = dict(choices)
        return super().select(message, choices, default=default)


@pytest.mark.parametrize(
    ("columns", "conditions", "shown"),
    [
        (60, ["crps", "migraine"], "  You picked 2: Complex reg..."),
        (60, ["crps"], "  Complex regional pain syn..."),
        (120, ["crps", "migraine"], "  Complex regional pain syndrome; Migraine"),
    ],
)
def test_a_review_row_cut_to_fit_says_how_many_choices_it_has(
    kinds: Definitions,
    pipe: PipeInput,
    monkeypatch: pytest.MonkeyPatch,
    columns: int,
    conditions: list[str],
    shown: str,
) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    prompter = Reviewing(pipe)
    pipe.send_text(FINISH)
    start: dict[str, AnswerValue] = {"pain_duration_months": 24, "conditions": conditions}
    interview = Interview(kinds, mode="patient", today=TODAY, answers=dict(start))
    interview.asked = [q.id for q in interview.applicable()]
    TerminalInterview(interview, prompter, Saves()).run(opening=False)
    row = prompter.rows["conditions"]
    assert row.startswith("Which of these do") and row.endswith(shown), row
    assert len(row) <= min(74, columns - 6)
