"""The interview use case: start or resume one, save every answer, end with the summary."""

from __future__ import annotations

import datetime as dt
import gc
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from screening.adapters import locations
from screening.adapters.definition_files import load_definitions
from screening.adapters.prompts import PlainPrompter, Prompter, QuestionaryPrompter
from screening.adapters.store import Store
from screening.adapters.terminal import TerminalInterview, fit
from screening.app.records import start_record
from screening.app.summaries import make_summary, record_info, stored_definitions
from screening.core.answers import stored_form
from screening.core.conditions import AnswerValue
from screening.core.errors import (
    BadInputError,
    InputEnded,
    InputRefused,
    InterviewStopped,
    OutputError,
)
from screening.core.interview import Interview, Mode, closing_text, prefill
from screening.core.models import Definitions
from screening.core.records import COMPLETE, IN_PROGRESS, Clock, Record, with_answers


@dataclass(frozen=True)
class InterviewOptions:
    """What the person asked for on the command line."""

    mode: Mode
    resume: str | bool | None  # a record id, True for "the latest", None for a new one
    prefill_file: Path | None
    plain: bool
    plain_reason: str | None
    output_dir: Path | None
    rules_dir: Path
    templates_dir: Path
    store_path: Path


def run_interview(
    options: InterviewOptions,
    clock: Clock,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    prompter: Prompter | None = None,
) -> list[Path]:
    """Run one interview to its summary; return the files written."""
    if prompter is None:
        if options.plain_reason:
            print(
                f"Standard input is {options.plain_reason}: the questions come one line at a time.",
                file=sys.stderr,
            )
        prompter = (
            PlainPrompter(stdin or sys.stdin, stdout or sys.stdout)
            if options.plain
            else QuestionaryPrompter()
        )
    today = clock().astimezone().date()
    with Store.open(options.store_path) as store:
        session = _Session.begin(store, options, prompter, clock)
        # What start-up made lives as long as the interview: leave it out of collections.
        gc.freeze()
        interview = Interview(
            session.defs,
            mode=session.mode,
            today=today,
            answers=dict(session.answers),
            asked=list(session.asked),
            clock=clock,
        )
        if session.answers:
            session.save(session.answers, session.asked)
        try:
            final = TerminalInterview(interview, prompter, session.save).run(
                opening=not options.resume
            )
        except (InterviewStopped, InputEnded, InputRefused) as stop:
            raise type(stop)(session.stopped_message(stop)) from None
        session.save(final, interview.asked, status=COMPLETE)
        files = _write_summaries(session, final, options.output_dir, today)
    if session.mode == "patient":
        prompter.show("\n" + fit(closing_text(session.defs)))
        prompter.show(f"Reference: {session.record.id}")
    else:
        prompter.show("\n" + files[0].read_text(encoding="utf-8"))
        prompter.show(
            f"Record {session.record.id}. Summary written to:\n"
            + "\n".join(f"  {f}" for f in files)
        )
    return files


@dataclass
class _Session:
    """One record being filled in: where it is saved and what it was answered against."""

    store: Store
    record: Record
    defs: Definitions
    templates: Path | tuple[tuple[str, str], ...]
    mode: Mode
    answers: dict[str, AnswerValue]
    asked: list[str]
    clock: Clock
    saved: bool = False

    @classmethod
    def begin(
        cls, store: Store, options: InterviewOptions, prompter: Prompter, clock: Clock
    ) -> _Session:
        today = clock().astimezone().date()
        if options.resume:
            record = _pick(store, options.resume, options.mode, prompter)
            # Go on with the definitions the first answers were given against.
            defs, templates = stored_definitions(
                store, record.definitions_hash, options.templates_dir
            )
            answers, _ = prefill(defs, record.answers, today)
            asked = [a for a in record.asked if a in answers or a not in record.answers]
            prompter.show(f"Continuing where the interview stopped. {len(answers)} answers kept.")
            mode: Mode = "patient" if record.mode == "patient" else "staff"
            return cls(store, record, defs, templates, mode, answers, asked, clock)
        defs = load_definitions(options.rules_dir, locations.cache_dir())
        record = start_record(
            store, options.mode, options.rules_dir, options.templates_dir, clock()
        )
        snapshot = store.snapshot(record.definitions_hash)
        answers = {}
        if options.prefill_file:
            from screening.adapters.answers_file import read_answers

            answers = read_answers(options.prefill_file, defs.questionnaire, today, complete=False)
        return cls(
            store, record, defs, snapshot.templates, options.mode, answers, list(answers), clock
        )

    def save(
        self, answers: Mapping[str, AnswerValue], asked: Sequence[str], status: str | None = None
    ) -> None:
        self.record = with_answers(self.record, stored_form(answers), asked, self.clock(), status)
        self.store.put(self.record)
        self.saved = True

    def stopped_message(self, stop: InterviewStopped | InputEnded | InputRefused) -> str:
        refused = f"{stop.message}\n" if isinstance(stop, InputRefused) else ""
        if not self.saved:
            return f"{refused}Stopped before the first answer; nothing was saved."
        why = {InputEnded: "Input ended", InputRefused: "The interview stopped there"}
        return (
            f"{refused}{why.get(type(stop), 'Stopped')}. The answers so far are saved as "
            f"record {self.record.id}\nTo continue: screening interview --resume {self.record.id}"
        )


def _pick(store: Store, resume: str | bool, mode: Mode, prompter: Prompter) -> Record:
    if isinstance(resume, str):
        record = store.get(resume)
        if record.status != IN_PROGRESS:
            raise BadInputError(
                f"record {record.id} is complete; reprint it with 'screening summary {record.id}'"
            )
        return record
    if mode == "patient":
        # A patient's screen never lists other people's interviews.
        raise BadInputError("--resume in patient mode needs the record id")
    waiting = store.records(status=IN_PROGRESS)
    if not waiting:
        raise BadInputError("there is no stopped interview to continue")
    if len(waiting) == 1:
        return waiting[0]
    choices = [
        (r.id, f"{r.id}  {r.mode}, {len(r.answers)} answers, last saved {r.updated}")
        for r in reversed(waiting)
    ]
    picked = prompter.select(
        "Which interview do you want to continue?", choices, default=choices[0][0]
    )
    return next(r for r in waiting if r.id == picked)


def _write_summaries(
    session: _Session, answers: Mapping[str, AnswerValue], output_dir: Path | None, today: dt.date
) -> list[Path]:
    from screening.adapters.files import write_private
    from screening.adapters.rendering import SUFFIXES, Format

    folder = output_dir or locations.data_dir() / "summaries"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot create ({exc.strerror})") from None
    files = []
    formats: tuple[Format, ...] = ("text", "html")
    for fmt in formats:
        path = folder / f"screening-{session.record.id}{SUFFIXES[fmt]}"
        write_private(
            path,
            make_summary(
                session.defs, answers, fmt, session.templates, today, record_info(session.record)
            ),
        )
        files.append(path)
    return files
