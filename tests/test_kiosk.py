"""The kiosk in this process (keys through a pipe, the screen into a terminal emulator, the
clock, waits and timeouts injected), and its rules: the idle time, the codes for the desk,
the staff passphrase and its waits, the words a patient reads."""

from __future__ import annotations

import dataclasses
import os
import re
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar

import pytest
import textstat
from prompt_toolkit.input import create_pipe_input

from screening.adapters.desks import this_desk
from screening.adapters.prompts import Choices, KioskPrompter
from screening.adapters.store import Store
from screening.app.kiosk import KioskOptions, run_kiosk
from screening.core import guard
from screening.core import kiosk as words
from screening.core.catalog import ENGLISH
from screening.core.errors import BadInputError
from screening.core.records import Record, new_record, reference, reference_tail
from tests.conftest import NOW, Cli, Clock
from tests.terminal import PASSPHRASE, KioskHere, Step

SETUP: list[Step] = [
    ("Set the staff passphrase", PASSPHRASE + "\r"),
    ("Type the same passphrase again", PASSPHRASE + "\r"),
]
LEAVE: list[Step] = [("Press Enter to start.", "staff"), ("Staff passphrase", PASSPHRASE + "\r")]
# One patient on the small definitions: where, how long, then Enter to the end.
CODE = re.compile(r"Your code for the front desk is ([0-9A-F]{3}-[0-9A-F]{3})\.")


def patient(where: str) -> list[Step]:
    return [
        ("Press Enter to start.", "\r"),
        ("Where does it hurt?", where + "\r"),
        ("How long have you had pain?", "2 years\r" + "\r" * 4),  # then four skipped
        ("Anything else?", "\r"),
        ("Pick an answer to change it", "\r"),
        ("Finish and send your answers?", "\r"),
        ("Press Enter when you are done.", "\r"),
    ]


class Console:
    """The terminal modes and signals are the real process's (test_kiosk_process.py)."""

    def __enter__(self) -> Console:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def drop_typeahead(self) -> None:
        pass


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "kiosk.db"


Run = Callable[..., tuple[KioskHere, int]]


@pytest.fixture
def run(kinds_dir: Path, write_templates: Callable[[], Path], db: Path, clock: Clock) -> Run:
    """Run the kiosk here with these steps (after setting the passphrase); the harness (its
    screen) and the number of forms saved."""

    def go(
        steps: Sequence[Step],
        *,
        setup: Sequence[Step] = SETUP,
        idle: float = 300.0,
        still_there: float | None = None,
        sleep: Callable[[float], None] = lambda _: None,
        prompter: type[KioskPrompter] = KioskPrompter,
        rules: Path = kinds_dir,
    ) -> tuple[KioskHere, int]:
        here = KioskHere()
        options = KioskOptions(idle, rules, write_templates(), db, still_there)
        with create_pipe_input() as pipe:
            thread = here.play(pipe, [*setup, *steps])
            asking = prompter(input=pipe, output=here.output())
            try:
                saved = run_kiosk(options, clock, prompter=asking, console=Console(), sleep=sleep)
            finally:
                thread.join(5)
                assert here.problems == [], here.screen.shown()
        return here, saved

    return go


def records(db: Path) -> list[Record]:
    with Store.open(db) as store:
        return list(store.records())


# --- The rules -----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "seconds"), [
    ("300", 300), ("90s", 90), ("5m", 300), (" 2 M ", 120), ("1h", 3600), ("1", 1),
    ("24h", 86400),
])  # fmt: skip
def test_idle_times(text: str, seconds: float) -> None:
    assert words.parse_duration(text) == seconds


@pytest.mark.parametrize(("text", "problem"), [
    ("0", "is not between 1 second and 24 hours"),
    ("25h", "is not between 1 second and 24 hours"),
    ("5 minutes", "is not a time like 300, 90s or 5m"),
    ("-5", "is not a time like 300, 90s or 5m"),
    ("1e9", "is not a time like 300, 90s or 5m"),
    ("\x1b[2J5m", "is not a time like 300, 90s or 5m"),
])  # fmt: skip
def test_idle_times_refused(text: str, problem: str) -> None:
    with pytest.raises(BadInputError, match=problem) as refused:
        words.parse_duration(text)
    assert "\x1b" not in refused.value.message


def test_the_code_is_the_end_of_the_record_id() -> None:
    record_id = new_record("patient", "h", NOW).id
    code = reference(record_id)
    assert re.fullmatch(r"[0-9A-F]{3}-[0-9A-F]{3}", code)
    assert record_id.endswith("-" + code.replace("-", "").lower())
    for typed in (code, code.lower(), code.replace("-", ""), f" {code[:3]} {code[4:]} "):
        assert reference_tail(typed) == record_id[-6:]
    for typed in ("", "ABC-DEG", "ABCD-EF0", record_id):
        assert reference_tail(typed) is None


def test_the_staff_lock_waits_longer_after_each_wrong_try() -> None:
    now = [100.0]
    lock = words.StaffLock.set(PASSPHRASE, lambda: now[0])
    assert PASSPHRASE.encode() not in lock.digest + lock.salt
    assert lock.digest != words.StaffLock.set(PASSPHRASE, lambda: 0.0).digest  # salted
    assert not lock.opens("wrong") and not lock.opens("wrong") and lock.wait() == 0
    assert not lock.opens("wrong")  # the third
    assert lock.wait() == words.FIRST_WAIT
    now[0] += words.FIRST_WAIT - 1
    assert not lock.opens(PASSPHRASE)  # not even checked while waiting
    now[0] += 1
    assert not lock.opens("wrong")  # the fourth waits twice as long
    assert lock.wait() == 2 * words.FIRST_WAIT
    now[0] += 10_000
    for _ in range(10):
        lock.opens("wrong")
        assert lock.wait() <= words.LONGEST_WAIT
        now[0] += words.LONGEST_WAIT
    assert lock.opens(PASSPHRASE)
    assert lock.wrong == 0 and lock.wait() == 0


@pytest.mark.parametrize(("seconds", "text"), [
    (30, "Too many wrong tries. Try again in 30 seconds."),
    (0.2, "Too many wrong tries. Try again in 1 second."),
    (600, "Too many wrong tries. Try again in 10 minutes."),
])  # fmt: skip
def test_wait_in_words(seconds: float, text: str) -> None:
    assert words.wait_text(seconds) == text


PATIENT_TEXTS = {name: ENGLISH(name, code="4F2-A9C") for name in words.PATIENT_MESSAGES}


@pytest.mark.parametrize("text", PATIENT_TEXTS.values(), ids=PATIENT_TEXTS.keys())
def test_what_a_patient_reads_at_the_kiosk_is_plain(text: str) -> None:
    assert textstat.flesch_kincaid_grade(text) <= 6.0
    assert guard.find_decision_language(text) == []


# --- Patients in a row ---------------------------------------------------------------------


def test_patients_in_a_row_each_get_a_record_and_a_code(run: Run, db: Path) -> None:
    here, saved = run([*patient("first knee"), *patient("second hip"), *LEAVE])
    assert saved == 2
    written = "".join(here.screen.transcript)
    codes = CODE.findall(written)
    stored = records(db)
    assert [reference(r.id) for r in stored] == codes
    assert [(r.status, r.mode, r.note, r.desk) for r in stored] == [
        ("complete", "patient", None, None)
    ] * 2
    assert [r.answers for r in stored] == [
        {"pain_location": where, "pain_duration_months": 24}
        for where in ("first knee", "second hip")
    ]
    # Between patients: the screen and its scroll-back cleared, after the code too.
    assert written.count("\x1b[3J") >= 2 * 4
    assert here.screen.scrollback() == [] and "second hip" not in here.screen.everything()


class Sampling(KioskPrompter):
    """Reads the resident memory at each start screen, that is before each patient."""

    readings: ClassVar[list[float]] = []

    def start(self, message: str, choices: Choices, *, word: str) -> str:
        with open("/proc/self/statm") as f:
            Sampling.readings.append(int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE"))
        return super().start(message, choices, word=word)


def test_memory_stays_flat_over_many_forms(run: Run, db: Path) -> None:
    """(benchmarks/kiosk_memory.py runs 200 forms of the packaged questionnaire.)"""
    forms = 20
    Sampling.readings.clear()
    _, saved = run(
        [step for n in range(forms) for step in patient(f"knee {n}")] + LEAVE,
        prompter=Sampling,
    )
    assert saved == forms and len(records(db)) == forms
    warm, last = Sampling.readings[5], Sampling.readings[-1]
    assert last - warm < 3 * 2**20, [round(r / 2**20, 1) for r in Sampling.readings]


def test_the_passphrase_is_set_twice(run: Run, db: Path) -> None:
    setup: list[Step] = [
        ("Set the staff passphrase", "short\r"),
        ("Use at least 8 characters.", PASSPHRASE + "\r"),
        ("Type the same passphrase again", "something-else\r"),
        ("The two passphrases are not the same.", "something-else\r"),
        ("Type the same passphrase again", "something-else\r"),
    ]
    leave: list[Step] = [
        ("Press Enter to start.", "staff"),
        ("Staff passphrase", PASSPHRASE + "\r"),
        ("That is not the staff passphrase.", "something-else\r"),
    ]
    here, saved = run(leave, setup=setup)
    assert saved == 0 and records(db) == []
    assert "*" * len("something-else") in "".join(here.screen.transcript)
    assert "something-else" not in "".join(here.screen.transcript)


def test_no_one_there_puts_the_form_away(run: Run, db: Path) -> None:
    steps: list[Step] = [
        ("Press Enter to start.", "\r"),
        ("Where does it hurt?", "gone knee\r"),
        ("Are you still there?", "\x1b[B\r"),  # "No. Close this form."
        ("Press Enter to start.", "\r"),
        ("Where does it hurt?", "slow knee\r"),
        ("Are you still there?", ""),  # no one: put away after still_there seconds
        *LEAVE,
    ]
    here, saved = run(steps, idle=0.2, still_there=0.2)
    assert saved == 2
    assert [(r.status, r.note, r.answers) for r in records(db)] == [
        ("in_progress", "timed_out", {"pain_location": "gone knee"}),
        ("in_progress", "timed_out", {"pain_location": "slow knee"}),
    ]
    assert CODE.search("".join(here.screen.transcript)) is None  # no one to read it


class FullDisk:
    """A store connection whose commits fail as on a full disk, while ``full``."""

    full = False

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, *args: Any) -> Any:
        if FullDisk.full and sql == "COMMIT":
            raise sqlite3.OperationalError("database or disk is full")
        return self._conn.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


def _damage(db: Path) -> bytes:
    """Overwrite the store's header; what was there."""
    with open(db, "r+b") as f:
        header = f.read(100)
        f.seek(0)
        f.write(b"\x00garbage" * 12 + b"\x00" * 4)
    return header


@pytest.mark.parametrize("outage", ["full", "damaged"])
def test_a_store_that_cannot_be_written_keeps_the_answers_until_it_can(
    run: Run, db: Path, monkeypatch: pytest.MonkeyPatch, outage: str
) -> None:
    opened = Store.open

    def open_on_a_disk_that_fills(path: Path, **options: Any) -> Store:
        store = opened(path, **options)
        store._conn = FullDisk(store._conn)  # type: ignore[assignment]
        return store

    monkeypatch.setattr(Store, "open", open_on_a_disk_that_fills)
    header: list[bytes] = []

    def break_store() -> None:
        if outage == "full":
            FullDisk.full = True
        else:
            header.append(_damage(db))

    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) == 3:  # the store is back
            FullDisk.full = False
            if header:
                with open(db, "r+b") as f:
                    f.write(header[0])

    steps: list[Step] = [
        ("Press Enter to start.", "\r", break_store),
        ("Where does it hurt?", "kept knee\r"),
        ("How long have you had pain?", "2 years\r" + "\r" * 4),
        ("Anything else?", "still kept\r"),
        ("Pick an answer to change it", "\r"),
        ("Finish and send your answers?", "\r"),
        ("Press Enter when you are done.", "\r"),
        *LEAVE,
    ]
    try:
        here, saved = run(steps, sleep=sleep)
    finally:
        FullDisk.full = False
    assert saved == 1
    written = "".join(here.screen.transcript)
    assert written.count("cannot save right now") == 2  # once in the form, once at its end
    assert "You can go on." in written and "Please wait." in written
    assert slept == [1.0, 2.0, 4.0]
    [record] = records(db)
    assert (record.status, record.desk) == ("complete", None)
    assert record.answers == {
        "pain_location": "kept knee",
        "pain_duration_months": 24,
        "notes": "still kept",
    }
    # Nothing of the form is left on the screen; no error was shown, with data or without.
    assert "kept knee" not in here.screen.everything()
    assert "rror" not in written and "screening:" not in written


def test_a_form_taken_over_at_the_desk_ends_at_the_kiosk(run: Run, db: Path) -> None:
    def take_over() -> None:
        with Store.open(db) as store:
            [record] = store.records()
            store.claim(record, this_desk(NOW))

    steps: list[Step] = [
        ("Press Enter to start.", "\r"),
        ("Where does it hurt?", "taken knee\r"),
        ("How long have you had pain?", "2 years\r", take_over),
        ("This form was closed at the front desk.", ""),
        ("Press Enter when you are done.", "\r"),
        *LEAVE,
    ]
    here, saved = run(steps)
    assert saved == 0
    [record] = records(db)
    assert record.answers == {"pain_location": "taken knee"}  # nothing more from the kiosk
    assert record.desk is not None
    assert "taken knee" not in here.screen.everything()


def test_a_code_that_fits_two_records_names_them(cli: Cli, db: Path, kinds_answers: Path,
                                                  kinds_args: list[str]) -> None:  # fmt: skip
    first = cli("records", "add", "--answers", str(kinds_answers), "--store", str(db),
                *kinds_args).out.strip()  # fmt: skip
    with Store.open(db) as store:
        twin = store.get(first)
        store.insert(dataclasses.replace(twin, id="20250101-090000-" + first[-6:], version=0))
        assert store.reference_taken(first)
    done = cli("records", "show", reference(first), "--store", str(db))
    assert done.code == 2
    assert f"reference {reference(first)} fits 2 records (" in done.err
    assert f"20250101-090000-{first[-6:]}" in done.err and first in done.err
    assert "give the record id" in done.err
    missing = cli("records", "show", "ABC-DEF", "--store", str(db))
    assert missing.code == 2 and "no record with id or reference 'ABC-DEF'" in missing.err


@pytest.mark.parametrize(("args", "message"), [
    (["--idle", "0"], "--idle: '0' is not between 1 second and 24 hours"),
    (["--idle", "soon"], "--idle: 'soon' is not a time like 300, 90s or 5m"),
    ([], "the kiosk needs a terminal (standard input and output)"),
])  # fmt: skip
def test_the_kiosk_command_refuses(cli: Cli, args: list[str], message: str) -> None:
    done = cli("kiosk", *args)
    assert done.code == 2 and message in done.err


# --- In the patient's language -------------------------------------------------------------

PICK = "Pick a language, then press Enter. / Elija un idioma y presione Enter."
DOWN = "\x1b[B"


def test_the_start_screen_offers_each_language_in_its_own_words(
    run: Run, db: Path, kinds_es_dir: Path
) -> None:
    here, saved = run(
        [(PICK, "staff"), ("Staff passphrase", PASSPHRASE + "\r")], rules=kinds_es_dir
    )
    shown = "".join(here.screen.transcript)
    assert saved == 0
    assert "English: Start the form" in shown and "Español: Empezar el formulario" in shown
    # The opening comes after the choice, in the language picked: not on the start screen.
    assert "About this form" not in shown and "Sobre este formulario" not in shown


def test_a_patient_who_picks_spanish_reads_the_form_in_spanish_and_the_next_starts_afresh(
    run: Run, db: Path, kinds_es_dir: Path
) -> None:
    spanish: list[Step] = [
        (PICK, DOWN + "\r"),
        ("Sobre este formulario", ""),
        ("¿Quiere empezar?", "\r"),
        ("¿Dónde le duele?", "rodilla\r"),
        ("¿Hace cuánto tiempo que tiene dolor?", "2 años\r" + "\r" * 4),
        ("¿Algo más?", "\r"),
        ("Elija una respuesta para cambiarla", "\r"),
        ("¿Terminar y enviar sus respuestas?", "\r"),
        ("Presione Enter cuando termine.", "\r"),
    ]
    english: list[Step] = [
        (PICK, "\r"),
        ("About this form", ""),
        ("Ready to start?", "\r"),
        *patient("hip")[1:],
    ]
    here, saved = run([*spanish, *english, (PICK, "staff"), *LEAVE[1:]], rules=kinds_es_dir)
    assert saved == 2
    first, second = records(db)
    assert (first.language, first.answers) == (
        "es",
        {"pain_location": "rodilla", "pain_duration_months": 24},
    )
    assert (second.language, second.answers["pain_location"]) == ("en", "hip")
    written = "".join(here.screen.transcript)
    code = f"Su código para la recepción es {reference(first.id)}. Por favor, dígalo"
    assert code in written and "Gracias. Ya terminó el formulario." in written
    # The next patient's screens are English again, and the Spanish form is gone.
    assert f"Your code for the front desk is {reference(second.id)}." in written
    assert here.screen.scrollback() == [] and "rodilla" not in here.screen.everything()


def test_the_stop_question_and_the_code_read_in_the_patients_language(
    run: Run, db: Path, kinds_es_dir: Path
) -> None:
    steps: list[Step] = [
        (PICK, DOWN + "\r"),
        ("¿Quiere empezar?", "\r"),
        ("¿Dónde le duele?", "espalda\r"),
        ("¿Hace cuánto tiempo que tiene dolor?", "\x03"),
        ("¿Quiere parar y volver a la recepción?", "s"),
        ("Usted paró el formulario.", "\r"),
        (PICK, "staff"),
        *LEAVE[1:],
    ]
    here, saved = run(steps, rules=kinds_es_dir)
    [record] = records(db)
    assert (saved, record.status, record.language) == (1, "in_progress", "es")
    assert record.answers == {"pain_location": "espalda"}
    assert f"Su código para la recepción es {reference(record.id)}." in "".join(
        here.screen.transcript
    )


def test_the_idle_question_reads_in_the_patients_language(
    run: Run, db: Path, kinds_es_dir: Path
) -> None:
    steps: list[Step] = [
        (PICK, DOWN + "\r"),
        ("¿Quiere empezar?", "\r"),
        ("¿Dónde le duele?", "cadera\r"),
        ("¿Sigue ahí?", DOWN + "\r"),  # "No. Cerrar este formulario."
        (PICK, "staff"),
        *LEAVE[1:],
    ]
    here, saved = run(steps, rules=kinds_es_dir, idle=0.3, still_there=5.0)
    assert saved == 1
    [record] = records(db)
    assert (record.note, record.language, record.answers) == (
        "timed_out",
        "es",
        {"pain_location": "cadera"},
    )
    assert "Sí. Seguir con el formulario." in "".join(here.screen.transcript)


def test_saying_no_to_the_opening_goes_back_to_the_start_and_keeps_nothing(
    run: Run, db: Path, kinds_es_dir: Path
) -> None:
    steps: list[Step] = [
        (PICK, DOWN + "\r"),
        ("¿Quiere empezar?", "n"),
        (PICK, "staff"),
        *LEAVE[1:],
    ]
    _, saved = run(steps, rules=kinds_es_dir)
    assert saved == 0 and records(db) == []


@pytest.mark.parametrize("name", words.PATIENT_MESSAGES)
def test_every_word_a_patient_reads_at_the_kiosk_is_in_spanish(name: str) -> None:
    from screening.adapters.translations import read_catalog

    spanish, problems = read_catalog("es")
    assert problems == []
    assert name in spanish.messages and spanish(name, code="4F2-A9C") != ENGLISH(name, code="x")


@pytest.mark.parametrize(
    ("choices", "hint"),
    [([("done", "Done")], False), ([("yes", "Yes"), ("no", "No")], True)],
)
def test_arrow_keys_are_offered_only_where_there_is_a_choice_to_move_between(
    choices: list[tuple[str, str]], hint: bool
) -> None:
    here = KioskHere()
    with create_pipe_input() as pipe:
        pipe.send_text("\r")
        picked = KioskPrompter(input=pipe, output=here.output()).select(
            "Press Enter when you are done.", choices, default=choices[0][0]
        )
    assert picked == choices[0][0]
    assert ("(arrow keys, then Enter)" in "".join(here.screen.transcript)) is hint


def test_a_patient_who_stops_also_reads_the_crisis_line(run: Run, kinds_dir: Path) -> None:
    line = "If you are thinking about hurting yourself, tell the front desk now."
    questionnaire = kinds_dir / "questionnaire.yaml"
    title = "title: Test clinic questionnaire\n"
    questionnaire.write_text(
        questionnaire.read_text().replace(title, f"{title}crisis_line: {line}\n")
    )
    steps: list[Step] = [
        ("Press Enter to start.", "\r"),
        ("Where does it hurt?", "knee\r"),
        ("How long have you had pain?", "\x03"),
        ("Stop and hand back to the front desk?", "y"),
        ("Press Enter when you are done.", "\r"),
        *LEAVE,
    ]
    here, saved = run(steps)
    assert saved == 1
    written = "".join(here.screen.transcript)
    stopped = written[written.index("You stopped the form.") :]
    assert line in stopped and stopped.index(line) < stopped.index("Your code for the front desk")
