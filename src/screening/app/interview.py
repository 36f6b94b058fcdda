"""The interview use case: start or resume one, save every answer, end with the summary.

The patient reads the questions in the language asked for (--lang, SCREENING_LANG, the
record's own when resuming, or picked on the opening screen in patient mode); the record
keeps that language and the clinician's summary stays in English.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO

from screening.adapters import locations
from screening.adapters.definition_files import load_definitions
from screening.adapters.prompts import PlainPrompter, Prompter, QuestionaryPrompter
from screening.adapters.store import Store
from screening.adapters.terminal import TerminalInterview, fit
from screening.adapters.translations import (
    chosen_language,
    in_language,
    offered_languages,
    read_catalog,
)
from screening.app.records import start_record
from screening.app.summaries import make_summary, record_info, stored_definitions
from screening.core.answers import stored_form
from screening.core.catalog import Catalog
from screening.core.conditions import AnswerValue
from screening.core.errors import BadInputError, InputEnded, InterviewStopped, OutputError
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
    language: str | None = None  # --lang, as typed


def run_interview(
    options: InterviewOptions,
    clock: Clock,
    *,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    prompter: Prompter | None = None,
) -> list[Path]:
    """Run one interview to its summary; return the files written."""
    language = chosen_language(options.language)
    if prompter is None:
        say = read_catalog(language or "en")[0]
        if options.plain_reason:
            print(say("not_a_terminal"), file=sys.stderr)
        prompter = PlainPrompter(stdin, stdout, say) if options.plain else QuestionaryPrompter()
    today = clock().astimezone().date()
    with Store.open(options.store_path) as store:
        session = _Session.begin(store, options, prompter, clock, language)
        interview = Interview(
            session.local,
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
        except (InterviewStopped, InputEnded) as stop:
            raise type(stop)(session.stopped_message(stop)) from None
        session.save(final, interview.asked, status=COMPLETE)
        files = _write_summaries(session, final, options.output_dir, today)
    if session.mode == "patient":
        prompter.show("\n" + fit(closing_text(session.local)))
        prompter.show(session.say("reference", id=session.record.id))
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
    defs: Definitions  # in English: the clinician's summary is made from these
    local: Definitions  # as the patient reads them, in the record's language
    templates: Path | tuple[tuple[str, str], ...]
    mode: Mode
    answers: dict[str, AnswerValue]
    asked: list[str]
    clock: Clock
    saved: bool = False

    @classmethod
    def begin(
        cls,
        store: Store,
        options: InterviewOptions,
        prompter: Prompter,
        clock: Clock,
        language: str | None,
    ) -> _Session:
        today = clock().astimezone().date()
        if options.resume:
            record = _pick(store, options.resume, options.mode, prompter)
            # Go on with the definitions the first answers were given against, in the
            # language asked for now or else the one the record was started in.
            defs, templates = stored_definitions(
                store, record.definitions_hash, options.templates_dir
            )
            record = replace(record, language=language or record.language)
            local = in_language(defs, options.rules_dir, record.language)
            answers, _ = prefill(defs, record.answers, today)
            asked = [a for a in record.asked if a in answers or a not in record.answers]
            prompter.show(local.questionnaire.say("continuing", n=len(answers)))
            mode: Mode = "patient" if record.mode == "patient" else "staff"
            return cls(store, record, defs, local, templates, mode, answers, asked, clock)
        defs = load_definitions(options.rules_dir, locations.cache_dir())
        if language is None:
            language = _opening_language(options, prompter)
        local = in_language(defs, options.rules_dir, language)
        record = start_record(
            store, options.mode, options.rules_dir, options.templates_dir, clock(), language
        )
        snapshot = store.snapshot(record.definitions_hash)
        answers = {}
        if options.prefill_file:
            from screening.adapters.answers_file import read_answers

            answers = read_answers(options.prefill_file, defs.questionnaire, today, complete=False)
        return cls(
            store,
            record,
            defs,
            local,
            snapshot.templates,
            options.mode,
            answers,
            list(answers),
            clock,
        )

    @property
    def say(self) -> Catalog:
        return self.local.questionnaire.say

    def save(
        self, answers: Mapping[str, AnswerValue], asked: Sequence[str], status: str | None = None
    ) -> None:
        self.record = with_answers(self.record, stored_form(answers), asked, self.clock(), status)
        self.store.put(self.record)
        self.saved = True

    def stopped_message(self, stop: Exception) -> str:
        if not self.saved:
            return self.say("stopped_unsaved")
        why = "ended_saved" if isinstance(stop, InputEnded) else "stopped_saved"
        return self.say(why, id=self.record.id)


def _opening_language(options: InterviewOptions, prompter: Prompter) -> str:
    """In patient mode the opening screen offers the questionnaire's languages, each named
    in its own words ("English / Español"); staff mode goes on in English."""
    languages = offered_languages(options.rules_dir)
    if options.mode != "patient" or len(languages) < 2:
        return "en"
    catalogs = [read_catalog(lang)[0] for lang in languages]
    both = catalogs[0]
    for other in catalogs[1:]:
        both = both.beside(other)
    prompter.say = both
    names = [(c.language, c("language_name")) for c in catalogs]
    try:
        return prompter.select(" / ".join(n for _, n in names), names, default="en")
    except KeyboardInterrupt:
        raise InterviewStopped(both("stopped_unsaved")) from None
    except EOFError:
        raise InputEnded(both("stopped_unsaved")) from None


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
