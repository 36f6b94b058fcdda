"""Wiring for `screening interview`: definitions, prompter, the record store, summary files."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from screening import resources
from screening.conditions import AnswerValue
from screening.definitions import definitions_from_texts, load_definitions
from screening.errors import BadInputError, OutputError
from screening.files import write_private
from screening.interview import THANKS, InputEnded, Interview, InterviewStopped, Mode, prefill
from screening.models import Definitions
from screening.prompts import PlainPrompter, Prompter, QuestionaryPrompter
from screening.sessions import SessionStore, new_record, with_answers
from screening.snapshot import take_snapshot
from screening.store import COMPLETE, IN_PROGRESS, Record, Store

if TYPE_CHECKING:
    from screening.rendering import Format, Templates


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
    store_path: Path,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    prompter: Prompter | None = None,
) -> list[Path]:
    """Run one interview to its summary; return the files written."""
    today = dt.date.today()
    if prompter is None:
        if plain_reason:
            print(f"Standard input is {plain_reason}: the questions come one line at a time.",
                  file=sys.stderr)
        prompter = PlainPrompter(stdin, stdout) if plain else QuestionaryPrompter()
    with Store.open(store_path) as store:
        if resume:
            record = _pick(store, resume, mode, prompter)
            mode = "patient" if record.mode == "patient" else "staff"
            # Go on with the definitions the first answers were given against.
            snapshot = store.snapshot(record.definitions_hash)
            defs = definitions_from_texts(snapshot.questionnaire, snapshot.rules,
                                          f"stored definitions {record.definitions_hash[:12]}")
            templates: Templates = snapshot.templates or templates_dir
            answers, _ = prefill(defs, record.answers, today)
            asked = [a for a in record.asked if a in answers or a not in record.answers]
            prompter.show(f"Continuing where the interview stopped. {len(answers)} answers kept.")
        else:
            defs = load_definitions(rules_dir, resources.cache_dir())
            snapshot = take_snapshot(rules_dir, templates_dir)
            record = new_record(mode, store.keep_snapshot(snapshot))
            templates = snapshot.templates
            answers = {}
            if prefill_file:
                from screening.answers_file import read_answers

                answers = read_answers(prefill_file, defs.questionnaire, today, complete=False)
            asked = list(answers)
        saved = False

        def save(now: dict[str, AnswerValue], now_asked: list[str]) -> None:
            nonlocal record, saved
            record = with_answers(record, now, now_asked)
            store.put(record)
            saved = True

        if answers:
            save(dict(answers), asked)
        interview = Interview(defs, prompter, save, mode=mode, today=today,
                              answers=dict(answers), asked=asked)
        try:
            final = interview.run(opening=not resume)
        except (InterviewStopped, InputEnded) as stop:
            raise type(stop)(_stopped_message(record, saved, stop)) from None
        record = with_answers(record, final, interview.asked)
        files = _write_summaries(defs, final, record, output_dir, templates, today)
        store.put(with_answers(record, final, interview.asked, status=COMPLETE))
    if mode == "patient":
        prompter.show("\n" + THANKS)
        prompter.show(f"Reference: {record.id}")
    else:
        prompter.show("\n" + files[0].read_text(encoding="utf-8"))
        prompter.show(f"Record {record.id}. Summary written to:\n"
                      + "\n".join(f"  {f}" for f in files))
    return files


def _pick(store: SessionStore, resume: str | bool, mode: Mode, prompter: Prompter) -> Record:
    if isinstance(resume, str):
        record = store.get(resume)
        if record.status != IN_PROGRESS:
            raise BadInputError(f"record {record.id} is complete; reprint it with "
                                f"'screening summary {record.id}'")
        return record
    if mode == "patient":
        # A patient's screen never lists other people's interviews.
        raise BadInputError("--resume in patient mode needs the record id")
    waiting = store.records(status=IN_PROGRESS)
    if not waiting:
        raise BadInputError("there is no stopped interview to continue")
    if len(waiting) == 1:
        return waiting[0]
    choices = [(r.id, f"{r.id}  {r.mode}, {len(r.answers)} answers, last saved {r.updated}")
               for r in reversed(waiting)]
    picked = prompter.select("Which interview do you want to continue?", choices,
                             default=choices[0][0])
    return next(r for r in waiting if r.id == picked)


def _stopped_message(record: Record, saved: bool, stop: Exception) -> str:
    if not saved:
        return "Stopped before the first answer; nothing was saved."
    why = "Input ended" if isinstance(stop, InputEnded) else "Stopped"
    return (f"{why}. The answers so far are saved as record {record.id}\n"
            f"To continue: screening interview --resume {record.id}")


def _write_summaries(defs: Definitions, answers: dict[str, AnswerValue], record: Record,
                     output_dir: Path | None, templates: Templates,
                     today: dt.date) -> list[Path]:
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
        path = folder / f"screening-{record.id}{SUFFIXES[fmt]}"
        write_private(path, make_summary(defs, answers, fmt, templates, today))
        files.append(path)
    return files
