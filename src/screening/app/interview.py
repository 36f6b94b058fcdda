"""The interview use cases: start, resume or amend a record at one desk, save every answer,
end with the summary as the store holds it.

A record is open at one desk at a time. Opening it takes a claim; every save names the
version it read and the claim, so a desk that lost the record, or whose record was deleted,
stops and writes nothing. Changes to a complete record go into its history.

The patient reads the questions in the language asked for (--lang, SCREENING_LANG, the
record's own when resuming, or picked on the opening screen in patient mode); the record
keeps the language it was started in, and the clinician's summary stays in English.
"""

from __future__ import annotations

import contextlib
import gc
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from screening.adapters import locations
from screening.adapters.definition_files import load_definitions
from screening.adapters.desks import STALE_AFTER, stale_reason, this_desk, user
from screening.adapters.prompts import PlainPrompter, Prompter, QuestionaryPrompter, fit
from screening.adapters.store import Store
from screening.adapters.terminal import TerminalInterview
from screening.adapters.translations import (
    chosen_language,
    in_language,
    offered_languages,
    read_catalog,
)
from screening.app.records import start_record
from screening.core.answers import stored_form
from screening.core.catalog import ENGLISH, Catalog, side_by_side
from screening.core.conditions import AnswerValue
from screening.core.errors import (
    BadInputError,
    InputEnded,
    InputRefused,
    InterviewStopped,
    OutputError,
    RecordOpenElsewhere,
    ScreeningError,
)
from screening.core.interview import Interview, Mode, closing_text, prefill
from screening.core.models import Definitions
from screening.core.records import (
    COMPLETE,
    IDENTIFIERS,
    Clock,
    Record,
    changes,
    local_time,
    with_answers,
)
from screening.core.sanitize import one_line

if TYPE_CHECKING:
    from screening.adapters.rendering import Format
    from screening.app.summaries import Reprinter

# Summaries, templates and the guard are imported where the interview ends, not before the
# first question: a patient waits for that screen.


@dataclass(frozen=True)
class InterviewOptions:
    """What the person asked for on the command line."""

    mode: Mode | None  # None: staff for a new interview, the record's own when resuming
    resume: str | bool | None  # a record id, True for "choose", None for a new one
    prefill_file: Path | None
    plain: bool
    plain_reason: str | None
    output_dir: Path | None
    rules_dir: Path
    templates_dir: Path
    store_path: Path
    language: str | None = None  # --lang, as typed


def make_prompter(
    plain: bool,
    reason: str | None,
    stdin: TextIO | None,
    stdout: TextIO | None,
    say: Catalog = ENGLISH,
) -> Prompter:
    if reason:
        print(say("not_a_terminal"), file=sys.stderr)
    if plain:
        return PlainPrompter(stdin or sys.stdin, stdout or sys.stdout, say)
    return QuestionaryPrompter(say=say)


def run_interview(
    options: InterviewOptions,
    clock: Clock,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    prompter: Prompter | None = None,
) -> list[Path]:
    """Run one interview to its summary; return the files written (only when asked)."""
    language = chosen_language(options.language)
    with Store.open(options.store_path) as store:
        # A record named on the command line is looked up before anything is asked.
        named = store.find(options.resume) if isinstance(options.resume, str) else None
        prompter = prompter or make_prompter(
            options.plain,
            options.plain_reason,
            stdin,
            stdout,
            read_catalog(language or "en", locations.cache_dir())[0],
        )
        if options.resume:
            record = named or _pick(store, options.mode, prompter)
            session = _Session.reopen(
                store,
                record,
                options.mode,
                options.templates_dir,
                prompter,
                clock,
                speaking=(language or record.language, options.rules_dir),
            )
        else:
            session = _Session.new(store, options, clock, language or _opening(options, prompter))
        return session.run(prompter, options.output_dir, opening=not options.resume)


def amend_record(
    store_path: Path,
    record_id: str,
    clock: Clock,
    *,
    templates_dir: Path,
    plain: bool,
    plain_reason: str | None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    prompter: Prompter | None = None,
) -> list[Path]:
    """Open a complete record's review for staff; every change goes into its history."""
    with Store.open(store_path, create=False) as store:
        record = store.get(record_id)
        if record.status != COMPLETE:
            raise BadInputError(
                f"record {record_id} is not finished; continue it with "
                f"'screening interview --resume {record_id} --mode staff'"
            )
        prompter = prompter or make_prompter(plain, plain_reason, stdin, stdout)
        session = _Session.reopen(store, record, "staff", templates_dir, prompter, clock)
        return session.run(prompter, None, opening=False)


@dataclass
class _Session:
    """One record open at this desk: where it is saved and what it was answered against."""

    store: Store
    record: Record  # as last saved (with this desk's claim), or as it will first be saved
    defs: Definitions  # in English: the clinician's summary is made from these
    local: Definitions  # as the person answering reads them (English, or translated)
    templates_dir: Path
    mode: Mode
    answers: dict[str, AnswerValue]
    asked: list[str]
    clock: Clock
    stored: bool  # the record is in the store: saves update it, never create it
    audited: bool  # complete before this session: every change goes into its history

    @classmethod
    def new(cls, store: Store, options: InterviewOptions, clock: Clock, language: str) -> _Session:
        mode: Mode = options.mode or "staff"
        today = clock().astimezone().date()
        defs = load_definitions(options.rules_dir, locations.cache_dir())
        local = in_language(defs, options.rules_dir, language, locations.cache_dir())
        record = start_record(
            store, mode, options.rules_dir, options.templates_dir, clock(), language
        )
        answers = {}
        if options.prefill_file:
            from screening.adapters.answers_file import read_answers

            answers = read_answers(options.prefill_file, defs.questionnaire, today, complete=False)
        return cls(
            store,
            replace(record, desk=this_desk(clock())),
            defs,
            local,
            options.templates_dir,
            mode,
            answers,
            list(answers),
            clock,
            stored=False,
            audited=False,
        )

    @classmethod
    def reopen(
        cls,
        store: Store,
        record: Record,
        asked_for: Mode | None,
        templates_dir: Path,
        prompter: Prompter,
        clock: Clock,
        speaking: tuple[str, Path | None] = ("en", None),
    ) -> _Session:
        """Open a stored record at this desk: a stopped interview, or a complete record for
        staff to complete or amend; ``speaking``: the language and the rules folder whose
        translation it is read in."""
        from screening.app.summaries import stored_definitions

        # Go on with the definitions the first answers were given against.
        defs, _ = stored_definitions(store, record.definitions_hash, templates_dir)
        mode = _mode_for(record, asked_for, defs)
        record = _claim(store, record, prompter, clock)
        answers, _ = prefill(defs, record.answers, clock().astimezone().date())
        asked = [a for a in record.asked if a in answers or a not in record.answers]
        audited = record.status == COMPLETE
        # In the language asked for, else the record's own; the record keeps the one it was
        # started in. Staff amending a complete record work in English.
        language, rules_dir = speaking
        local = in_language(defs, rules_dir, language, locations.cache_dir()) if rules_dir else defs
        say = local.questionnaire.say
        names = _names(record) if mode == "staff" else ""
        greeting = "changing" if audited else f"continuing_{mode}"
        prompter.show(say(greeting, id=record.id, names=names, n=len(answers)))
        return cls(
            store, record, defs, local, templates_dir, mode, answers, asked, clock, True, audited
        )

    def run(self, prompter: Prompter, output_dir: Path | None, *, opening: bool) -> list[Path]:
        interview = Interview(
            self.local,
            mode=self.mode,
            today=self.clock().astimezone().date(),
            answers=dict(self.answers),
            asked=list(self.asked),
            clock=self.clock,
        )
        # What start-up made lives as long as the interview: leave it out of collections,
        # which come back now (loading ran without them).
        gc.freeze()
        gc.enable()
        try:
            if self.answers and not self.stored:
                self.save(self.answers, self.asked)
            try:
                final = TerminalInterview(interview, prompter, self.save).run(opening=opening)
            except (InterviewStopped, InputEnded, InputRefused) as stop:
                raise type(stop)(self.stopped_message(stop)) from None
            self.save(final, interview.asked, status=COMPLETE, close=True)
        except BaseException:
            with contextlib.suppress(ScreeningError):
                self.release()
            raise
        return self.finish(prompter, output_dir)

    def save(
        self,
        answers: Mapping[str, AnswerValue],
        asked: Sequence[str],
        status: str | None = None,
        *,
        close: bool = False,
    ) -> None:
        """Save at this desk; stops (RecordTaken, RecordDeleted) if the record moved on."""
        now = self.clock()
        record = with_answers(self.record, stored_form(answers), asked, now, status)
        if not self.stored:
            self.record = self.store.insert(record)
            self.stored = True
            if close:
                self.release()
            return
        edits = []
        if self.audited:
            edits = changes(self.record.answers, record.answers, now, user(), self.mode)
            if not edits and record.status == self.record.status:
                if close:
                    self.release()
                return  # nothing changed: the record keeps its times
        self.record = self.store.save(record, edits, close=close)

    def release(self) -> None:
        if self.stored and self.record.desk is not None:
            self.store.release(self.record)
            self.record = replace(self.record, desk=None)

    @property
    def say(self) -> Catalog:
        """The program's words in the language of the interview."""
        return self.local.questionnaire.say

    def stopped_message(self, stop: InterviewStopped | InputEnded | InputRefused) -> str:
        refused = f"{stop.message}\n" if isinstance(stop, InputRefused) else ""
        if not self.stored:
            return refused + self.say("stopped_unsaved")
        why = {InputEnded: "why_ended", InputRefused: "why_refused"}.get(type(stop), "why_stopped")
        kept = "saved_changes" if self.audited else "saved_resume"
        return refused + self.say(kept, why=self.say(why), id=self.record.id)

    def finish(self, prompter: Prompter, output_dir: Path | None) -> list[Path]:
        """The end screen. Staff see the summary as the store now holds it; a file is
        written only when asked for."""
        from screening.app.summaries import Reprinter

        record = self.store.get(self.record.id)
        reprinter = Reprinter(self.store, self.templates_dir)
        files = _write_summaries(reprinter, record, output_dir) if output_dir else []
        if self.mode == "patient":
            prompter.show("\n" + fit(closing_text(self.local)))
            prompter.show(self.say("reference", id=record.id))
            return files
        prompter.say = ENGLISH  # the clinician's summary, and what staff do with it
        prompter.show("\n" + reprinter.summary(record, "text"))
        if not output_dir:
            files = _offer_file(reprinter, record, prompter)
        if files:
            prompter.show("Summary written to:\n" + "\n".join(f"  {f}" for f in files))
        prompter.show(
            # The command on a line of its own: a terminal must not break it for copying.
            f"Record {record.id} is saved. To print it:\n  "
            f"screening summary {record.id} --format html --output FILE"
        )
        return files


def _names(record: Record) -> str:
    """How staff tell a record apart besides its id: " (name, clinic id)", where given."""
    named = [one_line(record.answers[k]) for k in IDENTIFIERS if record.answers.get(k)]
    return f" ({', '.join(named)})" if named else ""


def _opening(options: InterviewOptions, prompter: Prompter) -> str:
    """In patient mode at a terminal the opening screen offers the questionnaire's languages,
    each named in its own words ("English / Español"). Staff mode, and a script read from a
    pipe (which names its language with --lang), go on in English."""
    languages = offered_languages(options.rules_dir)
    if options.mode != "patient" or options.plain_reason or len(languages) < 2:
        return "en"
    catalogs = [read_catalog(lang, locations.cache_dir())[0] for lang in languages]
    prompter.say = both = side_by_side(catalogs)
    names = [(c.language, c("language_name")) for c in catalogs]
    try:
        return prompter.select(" / ".join(n for _, n in names), names, default="en")
    except KeyboardInterrupt:
        raise InterviewStopped(both("stopped_unsaved")) from None
    except EOFError:
        raise InputEnded(both("stopped_unsaved")) from None


def _mode_for(record: Record, asked_for: Mode | None, defs: Definitions) -> Mode:
    """The mode to go on in: staff when asked for; patient only for a record that holds
    nothing but a patient's own answers."""
    qn = defs.questionnaire
    staff_answers = any(
        (q := qn.get(k)) is not None and q.audience == "staff" for k in record.answers
    )
    if record.status == COMPLETE and asked_for != "staff":
        raise BadInputError(
            f"record {record.id} is complete; reprint it with 'screening summary {record.id}', "
            f"or change it with 'screening records amend {record.id}'"
        )
    if asked_for == "patient" and (record.mode == "staff" or staff_answers):
        raise BadInputError(
            f"record {record.id} holds staff answers, so it cannot go on in patient mode; "
            "continue it with --mode staff"
        )
    if asked_for is not None:
        return asked_for
    return "staff" if record.mode == "staff" or staff_answers else "patient"


def _claim(store: Store, record: Record, prompter: Prompter, clock: Clock) -> Record:
    """Take the record for this desk; a desk still at work keeps it, a stale one may be
    taken over once the person here agrees."""
    now = clock()
    if record.desk is not None:
        reason = stale_reason(record, now)
        if reason is None:
            minutes = int(STALE_AFTER.total_seconds() // 60)
            raise RecordOpenElsewhere(
                f"record {record.id} is open at {record.desk.describe()}; finish or stop it "
                f"there first (after {minutes} minutes without a save it can be taken over)"
            )
        prompter.show(f"Record {record.id} was left open at {record.desk.describe()}: {reason}.")
        try:
            agreed = prompter.confirm("Take it over at this desk?", default=False)
        except (KeyboardInterrupt, EOFError):
            agreed = False
        if not agreed:
            raise RecordOpenElsewhere(f"record {record.id}: not taken over; nothing changed")
    return store.claim(record, this_desk(now))


def _pick(store: Store, mode: Mode | None, prompter: Prompter) -> Record:
    """The stopped interview staff choose (the only one, without asking)."""
    if mode == "patient":
        # A patient's screen never lists anyone's interviews.
        raise BadInputError("--resume in patient mode needs the record id")
    waiting = store.waiting()
    if not waiting:
        raise BadInputError("there is no stopped interview to continue")
    if len(waiting) == 1:
        return store.get(waiting[0].id)
    choices = []
    for w in waiting:  # newest first
        # The id and the time first: they tell records apart even when no name was given
        # (a patient's own form has none), and a narrow terminal cuts the end of a line.
        who = ", ".join(one_line(v) for v in (w.name, w.clinic_id) if one_line(v))
        where = f", open at desk {w.desk.host}" if w.desk else ""
        label = (
            f"{w.id}  {local_time(w.updated)[:16]}  {w.mode}, {w.answers} answers"
            f"{where}{'  ' + who if who else ''}"
        )
        choices.append((w.id, label))
    picked = prompter.select(
        "Which interview do you want to continue? (newest first)", choices, default=choices[0][0]
    )
    return store.get(picked)


def _write_summaries(reprinter: Reprinter, record: Record, folder: Path) -> list[Path]:
    """The summary as text and HTML in ``folder``, which the person named."""
    from screening.adapters.files import write_private
    from screening.adapters.rendering import SUFFIXES

    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot create ({exc.strerror})") from None
    files = []
    formats: tuple[Format, ...] = ("text", "html")
    for fmt in formats:
        path = folder / f"screening-{record.id}{SUFFIXES[fmt]}"
        write_private(path, reprinter.summary(record, fmt))
        files.append(path)
    return files


def _offer_file(reprinter: Reprinter, record: Record, prompter: Prompter) -> list[Path]:
    """Ask whether staff want the summary as a file too (no, unless they say so)."""
    from screening.adapters.files import check_target, write_private
    from screening.adapters.rendering import SUFFIXES

    by_suffix: dict[str, Format] = {suffix: fmt for fmt, suffix in SUFFIXES.items()}

    def check(typed: str) -> str | None:
        path = Path(typed.strip()).expanduser()
        try:
            check_target(path)
        except OutputError as exc:
            return exc.message
        if path.suffix not in by_suffix:
            return "End the file name with .txt, .html, .md or .json."
        if not path.parent.is_dir():
            return f"There is no folder {path.parent}."
        return None

    try:
        if not prompter.confirm("Save this summary as a file too?", default=False):
            return []
        typed = prompter.text(
            "File name (.txt, .html, .md or .json):",
            default=f"screening-{record.id}.html",
            validate=check,
        )
    except (KeyboardInterrupt, EOFError):
        return []
    path = Path(typed.strip()).expanduser().absolute()
    write_private(path, reprinter.summary(record, by_suffix[path.suffix]))
    return [path]
