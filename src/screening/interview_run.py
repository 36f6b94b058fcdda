"""Wiring for `screening interview`: definitions, prompter, saved session, summary files."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from screening import resources
from screening.conditions import AnswerValue
from screening.definitions import definitions_hash, load_definitions
from screening.errors import BadInputError, OutputError
from screening.files import write_private
from screening.interview import THANKS, InputEnded, Interview, InterviewStopped, Mode, prefill
from screening.models import Definitions
from screening.prompts import PlainPrompter, Prompter, QuestionaryPrompter

if TYPE_CHECKING:
    from screening.rendering import Format
from screening.sessions import COMPLETE, FileSessionStore, Session, new_session


def run_interview(
    *,
    mode: Mode,
    resume: str | bool | None,
    prefill_file: Path | None,
    plain: bool,
    plain_reason: str | None,
    output_dir: Path | None,
    rules_dir: Path,
    templates_dir: Path,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    prompter: Prompter | None = None,
) -> list[Path]:
    """Run one interview to its summary; return the files written."""
    defs = load_definitions(rules_dir, resources.cache_dir())
    today = dt.date.today()
    store = FileSessionStore(resources.data_dir() / "interviews")
    if prompter is None:
        if plain_reason:
            print(f"Standard input is {plain_reason}: the questions come one line at a time.",
                  file=sys.stderr)
        prompter = PlainPrompter(stdin, stdout) if plain else QuestionaryPrompter()

    if resume:
        session = _pick(store, resume, mode, prompter)
        mode = "patient" if session.mode == "patient" else "staff"
        answers, _ = prefill(defs, session.answers, today)
        asked = [a for a in session.asked if a in answers or a not in session.answers]
        prompter.show(f"Continuing where the interview stopped. {len(answers)} answers kept.")
    else:
        session = new_session(mode, definitions_hash(rules_dir))
        answers = {}
        if prefill_file:
            from screening.answers_file import read_answers

            answers = read_answers(prefill_file, defs.questionnaire, today, complete=False)
        asked = list(answers)
    saved = False

    def save(now: dict[str, AnswerValue], now_asked: list[str]) -> None:
        nonlocal session, saved
        session = session.with_answers(now, now_asked)
        store.save(session)
        saved = True

    if answers:
        save(dict(answers), asked)
    interview = Interview(defs, prompter, save, mode=mode, today=today,
                         answers=dict(answers), asked=asked)
    try:
        final = interview.run(opening=not resume)
    except (InterviewStopped, InputEnded) as stop:
        raise type(stop)(_stopped_message(store, session, saved, stop)) from None

    session = session.with_answers(final, interview.asked)
    files = _write_summaries(defs, final, session, output_dir, templates_dir, today)
    store.save(Session(**{**session.__dict__, "status": COMPLETE}))
    if mode == "patient":
        prompter.show("\n" + THANKS)
        prompter.show(f"Reference: {session.id}")
    else:
        prompter.show("\n" + files[0].read_text(encoding="utf-8"))
        prompter.show("Summary written to:\n" + "\n".join(f"  {f}" for f in files))
    return files


def _pick(store: FileSessionStore, resume: str | bool, mode: Mode, prompter: Prompter) -> Session:
    if isinstance(resume, str):
        return store.load(resume)
    waiting = store.in_progress()
    if mode == "patient":
        # A patient's screen never lists other people's interviews.
        raise BadInputError("--resume in patient mode needs the saved interview's FILE")
    if not waiting:
        raise BadInputError("there is no stopped interview to continue")
    if len(waiting) == 1:
        return waiting[0]
    choices = [(s.id, f"{s.id}  {s.mode}, {len(s.answers)} answers, last saved {s.updated}")
               for s in reversed(waiting)]
    picked = prompter.select("Which interview do you want to continue?", choices,
                             default=choices[0][0])
    return next(s for s in waiting if s.id == picked)


def _stopped_message(store: FileSessionStore, session: Session, saved: bool,
                     stop: Exception) -> str:
    if not saved:
        return "Stopped before the first answer; nothing was saved."
    where = store.where(session)
    why = "Input ended" if isinstance(stop, InputEnded) else "Stopped"
    return (f"{why}. The answers so far are saved in {where}\n"
            f"To continue: screening interview --resume {where}")


def _write_summaries(defs: Definitions, answers: dict[str, AnswerValue], session: Session,
                     output_dir: Path | None, templates: Path, today: dt.date) -> list[Path]:
    from screening.rendering import SUFFIXES
    from screening.report import make_summary

    folder = output_dir or resources.data_dir() / "summaries"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot create ({exc.strerror})") from None
    files = []
    formats: tuple[Format, ...] = ("text", "html")
    for fmt in formats:
        path = folder / f"screening-{session.id}{SUFFIXES[fmt]}"
        write_private(path, make_summary(defs, answers, fmt, templates, today))
        files.append(path)
    return files
