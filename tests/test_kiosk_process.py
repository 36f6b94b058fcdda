"""The real `screening kiosk` in a pseudo-terminal, on the small definitions: patients one
after another with the screen and scroll-back clean between them (checked with a terminal
emulator), every control key at every kind of question, signals from outside, the staff
passphrase, the idle timeout, a locked store, a closed and a resized terminal, pasted
escape sequences."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import pytest

from screening.adapters.store import Store
from screening.core.records import RECORD_ID, reference
from tests.conftest import Cli
from tests.terminal import (
    PASSPHRASE,
    TIMEOUT,
    answer,
    gone,
    interview_env,
    settle,
    spawn_kiosk,
)

CODE = re.compile(r"Your code for the front desk is ([0-9A-F]{3}-[0-9A-F]{3})\.")
ANY_ID = re.compile(RECORD_ID.pattern.strip("^$"))
# Every control key but Enter (Ctrl-M, Ctrl-J), Ctrl-C and Ctrl-D (they ask to stop).
JUNK = [chr(n) for n in range(32) if chr(n) not in "\r\n\x03\x04"] + ["\x7f"]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return interview_env(tmp_path / "data")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "kiosk.db"


@pytest.fixture
def args(kinds_args: list[str], db: Path) -> list[str]:
    return [*kinds_args, "--store", str(db)]


def form(child: pexpect.spawn, where: str, *, finish: bool = True) -> None:
    """One patient from the start screen: where, how long, how bad, the rest skipped."""
    child.send("\r")
    answer(child, "Where does it hurt?", where + "\r")
    answer(child, "How long have you had pain?", "2 years\r")
    answer(child, "How bad is the pain?", "5\r")
    for _ in range(4):
        answer(child, "Question", "\r")
    if finish:
        answer(child, "Pick an answer to change it", "\r")
        answer(child, "Finish and send your answers?", "\r")


def stored(db: Path) -> list[tuple[str, str, str | None, dict[str, object]]]:
    with Store.open(db) as store:
        return [(r.id, r.status, r.note, r.answers) for r in store.records()]


def running(child: pexpect.spawn) -> bool:
    """Alive, and not stopped (a stopped process would have left the terminal to a shell)."""
    if not child.isalive():
        return False
    state = Path(f"/proc/{child.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    return state not in ("T", "t", "Z")


def test_three_patients_in_a_row_leave_nothing_on_screen_or_in_the_scrollback(
    args: list[str], env: dict[str, str], db: Path, cli: Cli
) -> None:
    child, screen = spawn_kiosk(args, env)
    places = ["alpha knee", "bravo hip", "charlie neck"]
    codes: list[str] = []
    for n, where in enumerate(places):
        form(child, where, finish=False)
        child.expect_exact("Pick an answer to change it")
        settle(child)
        # The form ran past the screen's height: its top is in the scroll-back, and the
        # answer on the screen, until they are cleared (so the checks below can fail).
        assert "About this form" in screen.scrollback()
        assert where in screen.everything()
        child.send("\r")
        answer(child, "Finish and send your answers?", "\r")
        child.expect(CODE)
        codes.append(child.match.group(1))
        answer(child, "Press Enter when you are done.", "")
        settle(child)
        # The code comes on a cleared screen: none of the form is left above it.
        assert where not in screen.everything() and screen.scrollback() == []
        child.send("\r")
        child.expect_exact("Press Enter to start.")
        settle(child)
        seen = screen.everything()
        assert screen.scrollback() == []
        assert "About this form" in screen.shown()
        for earlier in [*places[: n + 1], *codes]:
            assert earlier not in seen
    transcript = "".join(screen.transcript)
    # Not a record id, summary or list of records, ever: only the codes.
    assert ANY_ID.search(transcript) is None
    assert "specialist" not in transcript and "NEXT STEP" not in transcript
    records = stored(db)
    assert [(status, note, answers["pain_location"]) for _, status, note, answers in records] == [
        ("complete", None, where) for where in places
    ]
    assert [reference(record_id) for record_id, *_ in records] == codes
    shown = cli("records", "show", codes[1].lower(), "--store", str(db))
    assert shown.code == 0 and f"reference: {codes[1]}\n" in shown.out
    assert "bravo hip" in shown.out
    child.send("staff")
    answer(child, "Staff passphrase", PASSPHRASE + "\r")
    child.expect(pexpect.EOF)
    assert gone(child) == 0


def test_two_patients_in_two_languages(
    kinds_es_args: list[str], env: dict[str, str], db: Path
) -> None:
    pick = "Pick a language, then press Enter. / Elija un idioma y presione Enter."
    child, screen = spawn_kiosk([*kinds_es_args, "--store", str(db)], env, start=pick)
    settle(child)  # keys typed before the screen is drawn are dropped
    junk(child)  # every control key at the language screen: nothing happens
    still_at(child, screen.shown(), pick, "Sobre este formulario")
    child.send("\x1b[B\r")  # Español
    child.expect_exact("¿Quiere empezar?")
    junk(child)
    child.send("\x03")  # asks to stop, in Spanish; no goes back to the opening question
    answer(child, "¿Quiere parar y volver a la recepción?", "n")
    answer(child, "¿Quiere empezar?", "\r")
    answer(child, "¿Dónde le duele?", "rodilla\r")
    answer(child, "¿Hace cuánto tiempo que tiene dolor?", "6 meses\r")
    for _ in range(5):
        answer(child, "Pregunta", "\r")
    answer(child, "Elija una respuesta para cambiarla", "\r")
    answer(child, "¿Terminar y enviar sus respuestas?", "\r")
    child.expect(r"Su código para la recepción es ([0-9A-F]{3}-[0-9A-F]{3})\.")
    answer(child, "Presione Enter cuando termine.", "\r")
    child.expect_exact(pick)
    settle(child)
    assert "rodilla" not in screen.everything() and screen.scrollback() == []
    assert "English: Start the form" in screen.shown()
    child.send("\r")  # English
    answer(child, "Ready to start?", "\r")
    answer(child, "Where does it hurt?", "hip\r")
    answer(child, "How long have you had pain?", "\x03")
    answer(child, "Stop and hand back to the front desk?", "y")
    answer(child, "Press Enter when you are done.", "\r")
    child.expect_exact(pick)
    settle(child)
    child.send("staff")
    answer(child, "Staff passphrase", PASSPHRASE + "\r")
    child.expect(pexpect.EOF)
    with Store.open(db) as store:
        kept = [(r.language, r.status, r.answers) for r in store.records()]
    assert kept == [
        ("es", "complete", {"pain_location": "rodilla", "pain_duration_months": 6}),
        ("en", "in_progress", {"pain_location": "hip"}),
    ]


def junk(child: pexpect.spawn) -> None:
    """Press every control key, one at a time, as a curious hand would."""
    for key in JUNK:
        child.send(key)
        time.sleep(0.01)
    settle(child)


def still_at(child: pexpect.spawn, screen_text: str, prompt: str, after: str) -> None:
    assert running(child)
    assert prompt in screen_text, screen_text
    assert after not in screen_text.split(prompt)[-1], screen_text


# The prompts of one form, in order: what each shows, its kind, and the keys that answer it.
PROMPTS = [
    ("Press Enter to start.", "start", "\r"),
    ("Where does it hurt?", "typed", "left knee\r"),
    ("How long have you had pain?", "typed", "8 months\r"),
    ("How bad is the pain?", "typed", "4\r"),
    ("Which of these do you have?", "choices", " \r"),
    ("Which have you tried?", "choices", " \r"),
    ("Which did not help enough?", "choices", "\r"),
    ("Do you take opioid medicine now?", "choice", "\r"),
    ("Anything else?", "typed", "no\r"),
    ("Pick an answer to change it", "choice", "\r"),
    ("Finish and send your answers?", "confirm", "\r"),
    ("Press Enter when you are done.", "done", "\r"),
]


def test_every_control_key_at_every_kind_of_question(
    args: list[str], env: dict[str, str], db: Path
) -> None:
    child, screen = spawn_kiosk(args, env)
    nexts = [p for p, _, _ in PROMPTS[1:]] + ["Press Enter to start."]
    for (prompt, kind, keys), after in zip(PROMPTS, nexts, strict=True):
        junk(child)
        still_at(child, screen.shown(), prompt, after)
        if kind in ("typed", "choices") or prompt.startswith("Do you"):
            # Nothing cleared the screen: the question's number is still above it.
            assert "Question" in screen.shown().split(prompt)[0], screen.shown()
        if kind not in ("start", "done"):
            # Ctrl-C and Ctrl-D ask to stop (every control key is tried there too); no goes
            # back to the question.
            for stop in ("\x03", "\x04"):
                child.send(stop)
                child.expect_exact("Stop and hand back to the front desk?")
                if stop == "\x03":
                    junk(child)
                    still_at(child, screen.shown(), "Stop and hand back", "Your code")
                child.send("n")
                child.expect_exact(prompt)
        if kind == "typed":
            child.send("\x01\x0b")  # Ctrl-A, Ctrl-K: whatever the keys left in the line goes
        child.send(keys)
        child.expect_exact(after)
    [(_, status, note, answers)] = stored(db)
    assert (status, note) == ("complete", None)
    assert answers == {
        "pain_location": "left knee",
        "pain_duration_months": 8,
        "pain_intensity": 4,
        "conditions": ["crps"],
        "prior_treatments": ["nsaids"],
        "notes": "no",
    }
    for stop in ("\x03", "\x04"):  # at the start screen they do nothing
        child.send(stop)
        child.expect_exact("Press Enter to start.")
    assert running(child)
    child.kill(signal.SIGKILL)


def test_signals_from_outside_leave_the_kiosk_running(args: list[str], env: dict[str, str]) -> None:
    child, _ = spawn_kiosk(args, env)
    child.send("\r")
    child.expect_exact("Where does it hurt?")
    for number in (signal.SIGINT, signal.SIGQUIT, signal.SIGTSTP, signal.SIGHUP):
        os.kill(child.pid, number)
        time.sleep(0.2)
        assert running(child), number
    child.send("knee\r")
    child.expect_exact("How long have you had pain?")
    child.sendcontrol("z")
    child.sendcontrol("\\")
    time.sleep(0.3)
    assert running(child)
    child.kill(signal.SIGKILL)


def test_a_patient_who_stops_hands_back_with_a_code(
    args: list[str], env: dict[str, str], db: Path, cli: Cli
) -> None:
    child, screen = spawn_kiosk(args, env)
    child.send("\r")
    answer(child, "Where does it hurt?", "stopping knee\r")
    child.expect_exact("How long have you had pain?")
    child.sendcontrol("c")
    answer(child, "Stop and hand back to the front desk?", "y")
    child.expect_exact("You stopped the form. Your answers so far are kept.")
    child.expect(CODE)
    code = child.match.group(1)
    settle(child)
    assert "stopping knee" not in screen.everything()
    child.send("\r")
    child.expect_exact("Press Enter to start.")
    [(record_id, status, note, answers)] = stored(db)
    assert (status, note, answers) == ("in_progress", "stopped", {"pain_location": "stopping knee"})
    listed = cli("records", "list", "--store", str(db)).out
    assert re.search(rf"{record_id} .* in_progress +patient +1 +stopped", listed), listed
    settle(child)
    child.sendcontrol("c")  # stopping before any answer keeps nothing
    # The start screen is drawn again and drops keys typed ahead: wait for it before Enter.
    child.expect_exact("Press Enter to start.")
    settle(child)
    child.send("\r")
    child.expect_exact("Where does it hurt?")
    child.sendcontrol("c")
    answer(child, "Stop and hand back to the front desk?", "y")
    child.expect_exact("Press Enter to start.")
    assert len(stored(db)) == 1
    assert code == reference(record_id)


def test_the_staff_passphrase_wrong_three_times_then_a_wait(
    args: list[str], env: dict[str, str], db: Path, tmp_path: Path
) -> None:
    child, screen = spawn_kiosk(args, env, {"screening.core.kiosk.FIRST_WAIT": 2.0})
    child.send("staff")
    answer(child, "Staff passphrase (Enter alone goes back):", "\r")  # back
    child.expect_exact("Press Enter to start.")
    child.send("staff")
    child.expect_exact("Staff passphrase")
    junk(child)
    child.send("\x01\x0b")
    for wrong in ("wrong-one", "wrong-two", "wrong-three"):
        child.send(wrong + "\r")
        child.expect_exact("That is not the staff passphrase.")
    child.expect_exact("Too many wrong tries. Try again in 2 seconds.")
    answer(child, "Press Enter when you are done.", "\r")
    child.expect_exact("Press Enter to start.")
    child.send("staff")  # too soon: not even asked
    child.expect_exact("Too many wrong tries. Try again in")
    child.send("\r")
    child.expect_exact("Press Enter to start.")
    form(child, "waiting knee")  # patients are served meanwhile
    answer(child, "Press Enter when you are done.", "\r")
    child.expect_exact("Press Enter to start.")
    time.sleep(2.1)
    child.send("staff")
    answer(child, "Staff passphrase", PASSPHRASE + "\r")
    child.expect_exact("The kiosk is closed.")
    child.expect(pexpect.EOF)
    assert gone(child) == 0
    # The passphrase was never shown, nor written anywhere.
    assert PASSPHRASE not in "".join(screen.transcript)
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert PASSPHRASE.encode() not in path.read_bytes(), path
    assert len(stored(db)) == 1


def test_a_form_left_untouched_is_put_away_as_timed_out(
    args: list[str], env: dict[str, str], db: Path, cli: Cli
) -> None:
    patch = {"screening.core.kiosk.STILL_THERE_WAIT": 1.5}
    child, screen = spawn_kiosk([*args, "--idle", "1"], env, patch)
    child.send("\r")
    answer(child, "Where does it hurt?", "idle knee\r")
    child.expect_exact("How long have you had pain?")
    child.expect_exact("Are you still there?")  # after a second untouched
    junk(child)
    child.send("\r")  # yes: back to the question
    answer(child, "How long have you had pain?", "1 year\r")
    child.expect_exact("How bad is the pain?")
    child.expect_exact("Are you still there?")
    child.expect_exact("Press Enter to start.", timeout=5)  # no one answered
    settle(child)
    assert "idle knee" not in screen.everything() and screen.scrollback() == []
    [(record_id, status, note, answers)] = stored(db)
    assert (status, note) == ("in_progress", "timed_out")
    assert answers == {"pain_location": "idle knee", "pain_duration_months": 12}
    listed = cli("records", "list", "--store", str(db), "--format", "json")
    assert '"note": "timed_out"' in listed.out
    shown = cli("records", "show", reference(record_id), "--store", str(db)).out
    assert "note: timed out at the kiosk (no one answered); continue it with the patient: " in shown
    assert f"screening interview --resume {record_id} --mode staff" in shown
    child.kill(signal.SIGKILL)
    # Staff finish it with the patient; the note goes with the first save.
    finished = subprocess.run(
        [sys.executable, "-m", "screening", "interview", "--resume", reference(record_id),
         "--mode", "staff", *args],
        input="\n" * 20, capture_output=True, text=True, env=env, timeout=TIMEOUT, check=False,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stderr
    [(_, status, note, _)] = stored(db)
    assert (status, note) == ("complete", None)


def test_a_locked_store_in_the_middle_of_a_form(
    args: list[str], env: dict[str, str], db: Path
) -> None:
    child, screen = spawn_kiosk(args, env, {"screening.app.kiosk.BUSY_MS": 200})
    child.send("\r")
    answer(child, "Where does it hurt?", "locked knee\r")
    child.expect_exact("How long have you had pain?")
    lock = sqlite3.connect(db, isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")  # another program writing, for as long as it likes
    child.send("2 years\r")
    child.expect_exact("Please tell the front desk that the form cannot save right now.")
    child.expect_exact("You can go on.")
    answer(child, "How bad is the pain?", "7\r")
    for _ in range(4):
        answer(child, "Question", "\r")
    answer(child, "Pick an answer to change it", "\r")
    answer(child, "Finish and send your answers?", "\r")
    child.expect_exact("Please wait.")
    settle(child)
    assert "locked knee" not in screen.everything()  # cleared: no answers while it waits
    [(_, status, _, answers)] = stored(db)
    assert (status, answers) == ("in_progress", {"pain_location": "locked knee"})
    lock.execute("ROLLBACK")
    lock.close()
    child.expect(CODE)
    [(_, status, _, answers)] = stored(db)
    assert status == "complete"
    assert answers == {
        "pain_location": "locked knee",
        "pain_duration_months": 24,
        "pain_intensity": 7,
    }
    child.kill(signal.SIGKILL)


def test_a_closed_terminal_saves_the_form_and_ends_the_kiosk(
    args: list[str], env: dict[str, str], db: Path
) -> None:
    child, _ = spawn_kiosk(args, env)
    child.send("\r")
    answer(child, "Where does it hurt?", "closed knee\r")
    answer(child, "How long have you had pain?", "3 years\r")
    child.expect_exact("How bad is the pain?")
    child.ptyproc.fileobj.close()  # the terminal goes away
    assert gone(child) == 3  # input ended: a login shell starts the kiosk again
    [(_, status, note, answers)] = stored(db)
    assert (status, note) == ("in_progress", "input_ended")
    assert answers == {"pain_location": "closed knee", "pain_duration_months": 36}


def test_a_resized_terminal_redraws(args: list[str], env: dict[str, str], db: Path) -> None:
    child, screen = spawn_kiosk(args, env)
    child.send("\r")
    child.expect_exact("Where does it hurt?")
    settle(child)
    child.setwinsize(20, 60)
    screen.resize(20, 60)
    settle(child)
    assert "Where does it hurt?" in screen.shown()
    child.send("wide knee\r")
    answer(child, "How long have you had pain?", "4 years\r")
    child.expect_exact("How bad is the pain?")
    [(_, _, _, answers)] = stored(db)
    assert answers == {"pain_location": "wide knee", "pain_duration_months": 48}
    child.kill(signal.SIGKILL)


def test_pasted_escape_sequences_do_nothing_to_the_screen(
    args: list[str], env: dict[str, str], db: Path
) -> None:
    child, screen = spawn_kiosk(args, env)
    child.send("\r")
    child.expect_exact("Where does it hurt?")
    settle(child)
    pasted = "\x1b[2J\x1b]0;owned\x07\x1b[31mred\x1b[0m knee\x1b[?1049l\x1bc"
    child.send(f"\x1b[200~{pasted}\x1b[201~")  # as a terminal sends a paste
    child.send("\x1b[2Jtyped\r")  # and typed out, key by key
    child.expect_exact("How long have you had pain?")
    settle(child)
    assert screen.screen.title == ""
    assert "About this form" in screen.shown()  # nothing cleared the screen
    child.send("1 year\r" + "\r" * 5)
    child.expect_exact("Pick an answer to change it")
    settle(child)
    review = screen.shown()
    assert "red knee" in review and "\x1b" not in review
    child.kill(signal.SIGKILL)


def test_the_kiosk_needs_a_terminal(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "screening", "kiosk", *args],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, timeout=TIMEOUT,
        check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr == "screening: the kiosk needs a terminal (standard input and output)\n"
