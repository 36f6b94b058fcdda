"""The kiosk: patient interviews one after another on one terminal, each saved as its own
record, with the screen and its scroll-back cleared between them; only the staff passphrase
leaves it.

A kiosk never lists, shows, resumes or exports records and shows no summary: each patient
ends with a short code for the front desk (``core.records.reference``). Every answer is saved
as it is given. A store that cannot be written (full, locked, damaged) leaves the answers in
memory and is tried again at the next answer, and at the end of the form until it works,
while the screen asks the patient to tell the front desk.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from screening.adapters import locations
from screening.adapters.console import KioskConsole
from screening.adapters.definition_files import definitions_from_snapshot, take_snapshot
from screening.adapters.desks import this_desk
from screening.adapters.kiosk import CLOSED, KioskInterview, Screens, TimedOut
from screening.adapters.prompts import KioskPrompter
from screening.adapters.store import Store
from screening.adapters.translations import in_language, offered_languages
from screening.core import kiosk as words
from screening.core.answers import stored_form
from screening.core.catalog import Catalog, side_by_side
from screening.core.conditions import AnswerValue
from screening.core.errors import (
    InputEnded,
    InterviewStopped,
    RecordDeleted,
    RecordTaken,
    StoreBusy,
    StoreError,
)
from screening.core.interview import Interview, closing_text, opening_text
from screening.core.models import Definitions
from screening.core.records import (
    COMPLETE,
    INPUT_ENDED,
    STOPPED,
    TIMED_OUT,
    Clock,
    Record,
    new_record,
    reference,
    with_answers,
)
from screening.core.snapshot import Snapshot

BUSY_MS = 1000  # a locked store holds a patient's screen this long at most, then is retried
RETRY_FIRST, RETRY_LONGEST = 1.0, 30.0  # seconds between tries to save a form's end
CLOSED_TRIES = 20  # with no terminal left, tries before the kiosk gives up and ends


@dataclass(frozen=True)
class KioskOptions:
    idle: float  # seconds a form may sit untouched before "Are you still there?"
    rules_dir: Path
    templates_dir: Path
    store_path: Path
    still_there: float | None = None  # seconds "Are you still there?" waits (default a minute)


class Console(Protocol):
    def __enter__(self) -> Console: ...

    def __exit__(self, *exc: object) -> None: ...

    def drop_typeahead(self) -> None: ...


class StoreUnavailable(Exception):
    """The store cannot be written just now; what was to be saved is still in memory."""


def run_kiosk(
    options: KioskOptions,
    clock: Clock,
    *,
    prompter: KioskPrompter | None = None,
    console: Console | None = None,
    monotonic: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Serve patients until staff leave with the passphrase set at the start; the number of
    forms saved. A closed terminal ends it with InputEnded once the form is saved.

    The form is offered in each language the questionnaire is translated into; a
    translation with problems stops the kiosk here, at its start, where staff see it."""
    snapshot = take_snapshot(options.rules_dir, options.templates_dir)
    defs = definitions_from_snapshot(snapshot, locations.cache_dir())
    local = {
        language: in_language(defs, options.rules_dir, language)
        for language in offered_languages(options.rules_dir)
    }
    with Store.open(options.store_path) as store:  # any problem with it shows now, to staff
        store.keep_snapshot(snapshot)
    prompter = prompter or KioskPrompter()
    lock = _set_passphrase(prompter, monotonic)
    shelf = Shelf(options.store_path)
    screens = Screens(prompter, options.idle, options.still_there or words.STILL_THERE_WAIT)
    try:
        held: Console = console or KioskConsole()
        with held:
            kiosk = Kiosk(local, snapshot, shelf, screens, lock, clock, sleep, held)
            kiosk.run()
    finally:
        shelf.close()
    return kiosk.saved


def _set_passphrase(prompter: KioskPrompter, monotonic: Callable[[], float]) -> words.StaffLock:
    """Staff choose the passphrase, typed twice; only its salted hash is kept."""
    while True:
        first = prompter.password(words.SET_PASSPHRASE)
        problem = words.passphrase_problem(first)
        if problem:
            prompter.show(problem)
            continue
        if prompter.password(words.SET_AGAIN) == first:
            return words.StaffLock.set(first, monotonic)
        prompter.show(words.NOT_THE_SAME)


class Shelf:
    """The store, opened again after it failed in a way a new connection may mend."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._store: Store | None = None

    def store(self) -> Store:
        if self._store is None:
            try:
                self._store = Store.open(self.path, create=False, busy_ms=BUSY_MS)
            except (StoreBusy, StoreError, OSError):
                raise StoreUnavailable from None
        return self._store

    def failed(self, exc: Exception) -> None:
        if not isinstance(exc, StoreBusy):
            self.close()

    def close(self) -> None:
        if self._store is not None:
            with contextlib.suppress(StoreError, StoreBusy, OSError):
                self._store.close()
            self._store = None


class Form:
    """One patient's record: made at the first answer, saved at each one after."""

    def __init__(self, shelf: Shelf, snapshot: Snapshot, clock: Clock, language: str) -> None:
        self.shelf, self.snapshot, self.clock = shelf, snapshot, clock
        now = clock()
        record = new_record("patient", snapshot.hash, now, language)
        self.record = replace(record, desk=this_desk(now))
        self.stored = False
        self.pending = False  # the last save did not reach the store

    def save(
        self,
        answers: Mapping[str, AnswerValue],
        asked: Sequence[str],
        status: str | None = None,
        note: str | None = None,
        *,
        close: bool = False,
    ) -> None:
        """Save once; StoreUnavailable if the store cannot take it now (nothing is lost:
        the caller keeps the answers and calls again)."""
        store = self.shelf.store()
        record = with_answers(self.record, stored_form(answers), asked, self.clock(), status, note)
        try:
            if self.stored:
                self.record = store.save(record, close=close)
            else:
                self.record = self._insert(store, record, close)
                self.stored = True
        except (StoreBusy, StoreError) as exc:
            self.shelf.failed(exc)
            raise StoreUnavailable from None
        self.pending = False

    def _insert(self, store: Store, record: Record, close: bool) -> Record:
        # A store put back from a copy may lack this kiosk's definitions: keep them first.
        store.keep_snapshot(self.snapshot)
        while store.reference_taken(record.id):  # each code names one record
            record = replace(record, id=new_record("patient", "", self.clock()).id)
        return store.insert(replace(record, desk=None) if close else record)


class Kiosk:
    """Patient after patient, until staff leave."""

    def __init__(
        self,
        local: Mapping[str, Definitions],  # by language, as a patient reads them
        snapshot: Snapshot,
        shelf: Shelf,
        screens: Screens,
        lock: words.StaffLock,
        clock: Clock,
        sleep: Callable[[float], None],
        console: Console,
    ) -> None:
        self.local, self.snapshot, self.shelf, self.screens = local, snapshot, shelf, screens
        self.lock, self.clock, self.sleep, self.console = lock, clock, sleep, console
        self.catalogs: list[Catalog] = [d.questionnaire.say for d in local.values()]
        self.start_say = side_by_side(self.catalogs)  # the start screen's words, in each
        # With one language the start screen shows the opening; with more, the opening
        # comes after the patient picks theirs.
        self.opening = opening_text(local["en"]) if len(local) == 1 else None
        self.saved = 0

    def run(self) -> None:
        while True:
            # What one patient left behind is freed before the next one starts.
            gc.collect()
            try:
                self.screens.clear()
                self.console.drop_typeahead()
                self.screens.prompter.say = self.start_say
                picked = self.screens.start(self.opening, self.catalogs)
            except CLOSED:
                raise InputEnded("the terminal closed") from None
            if picked == words.STAFF_WORD:
                if self._staff_leave():
                    self.screens.clear()
                    return
            elif picked is not None and picked in self.local:
                self.serve(picked)

    def serve(self, language: str) -> None:
        """One patient's form in the language they picked, from the first question (or the
        opening, when they picked a language) to the code for the front desk."""
        defs = self.local[language]
        form = Form(self.shelf, self.snapshot, self.clock, language)
        interview = Interview(
            defs, mode="patient", today=self.clock().astimezone().date(), clock=self.clock
        )
        status, note = None, None
        try:
            if self.opening is None:
                self.screens.clear()  # the opening, in the language picked, on a clean screen
            KioskInterview(interview, self.screens, lambda a, q: self._keep(form, a, q)).run(
                opening=self.opening is None
            )
            status = COMPLETE
        except InterviewStopped:
            note = STOPPED
        except TimedOut:
            note = TIMED_OUT
        except (InputEnded, *CLOSED):
            note = INPUT_ENDED
        except (RecordTaken, RecordDeleted):
            self._end_screen(self.screens.say("kiosk_closed_at_desk"))
            return
        screen = note != INPUT_ENDED and self._cleared()
        if form.stored or interview.answers:
            screen = self._put_away(form, interview, status, note, screen=screen)
            self.saved += 1
        if not screen:
            raise InputEnded("the terminal closed")
        say = self.screens.say
        code = say("kiosk_code", code=reference(form.record.id))
        if form.stored and status == COMPLETE:
            self._end_screen(f"{closing_text(defs)}\n\n{code}")
        elif form.stored and note == STOPPED:
            # Someone who stops early may be the one who most needs the crisis line.
            line = defs.questionnaire.crisis_line
            self._end_screen("\n\n".join(t for t in (say("kiosk_stopped"), line, code) if t))

    def _keep(self, form: Form, answers: Mapping[str, AnswerValue], asked: Sequence[str]) -> None:
        """Save an answer; if the store cannot take it, say so once and go on."""
        try:
            form.save(answers, asked)
        except StoreUnavailable:
            if not form.pending:
                self.screens.notice(self.screens.say("kiosk_not_saved_yet"))
            form.pending = True

    def _put_away(
        self, form: Form, interview: Interview, status: str | None, note: str | None, *,
        screen: bool,
    ) -> bool:  # fmt: skip
        """Save the form's end, trying until the store takes it; meanwhile the cleared
        screen asks the patient to tell the front desk. With no ``screen`` (the terminal
        closed) it tries for a while only. Whether the screen is still there."""
        delay, told = RETRY_FIRST, False
        for tries in itertools.count(1):
            try:
                form.save(interview.answers, interview.asked, status, note, close=True)
                break
            except StoreUnavailable:
                if not screen and tries >= CLOSED_TRIES:
                    raise StoreBusy(
                        f"{self.shelf.path}: the store could not be written; the last "
                        "answers of the form at this kiosk are lost"
                    ) from None
                if screen and not told:
                    told, screen = True, self._said(self.screens.say("kiosk_saving"))
                self.sleep(delay)
                delay = min(RETRY_LONGEST, delay * 2)
            except (RecordTaken, RecordDeleted):
                break  # another desk has it now: nothing more is written from here
        return screen and (not told or self._cleared())

    def _said(self, text: str) -> bool:
        """Show ``text``; whether the terminal is still there."""
        try:
            self.screens.notice(text)
        except CLOSED:
            return False
        return True

    def _cleared(self) -> bool:
        """Clear the screen; whether the terminal is still there."""
        try:
            self.screens.clear()
        except CLOSED:
            return False
        return True

    def _end_screen(self, text: str) -> None:
        try:
            self.screens.clear()
            self.screens.until_done(text)
        except CLOSED:
            raise InputEnded("the terminal closed") from None

    def _staff_leave(self) -> bool:
        """The staff passphrase, tried until right, left empty, or too many wrong tries."""
        try:
            while True:
                wait = self.lock.wait()
                if wait > 0:
                    self.screens.until_done(words.wait_text(wait), 30.0)
                    return False
                typed = self.screens.passphrase()
                if not typed:
                    return False
                if self.lock.opens(typed):
                    return True
                self.screens.notice(words.WRONG)
        except CLOSED:
            raise InputEnded("the terminal closed") from None
