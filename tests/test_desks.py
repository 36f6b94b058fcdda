"""One desk per record, with real processes: two desks on one record, a desk that lost the
record, a record deleted during its interview, the staff chooser and the patient's screen."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from screening.adapters.store import Store
from screening.core.records import Record
from tests.conftest import Cli, Clock
from tests.terminal import TIMEOUT, answer, interview_env, skip_and_finish, spawn

PLAIN_PATIENT_START = "y\nleft knee\n2 years\n"  # ready, where, how long: then input ends


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return interview_env(tmp_path / "data")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "screening.db"


def screening(
    args: list[str], env: dict[str, str], typed: str = ""
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "screening", *args],
        input=typed,
        capture_output=True,
        text=True,
        env=env,
        timeout=TIMEOUT,
        check=False,
    )


def stopped_record(env: dict[str, str], db: Path, kinds_args: list[str]) -> Record:
    """A patient's interview stopped after two answers (input ended), as a kiosk leaves it."""
    done = screening(["interview", "--mode", "patient", *kinds_args], env, PLAIN_PATIENT_START)
    assert done.returncode == 3, done.stderr
    with Store.open(db) as store:
        [record] = store.records()
    assert record.desk is None  # a stopped interview lets go of its record
    return record


def at_question_three(record_id: str, env: dict[str, str], kinds_args: list[str]) -> pexpect.spawn:
    """Desk A: resumes the record and waits at its third question."""
    desk_a = spawn(["--resume", record_id, *kinds_args], env)
    desk_a.expect_exact("2 answers kept")
    desk_a.expect_exact("How bad is the pain?")
    return desk_a


def test_two_desks_one_record(
    env: dict[str, str], db: Path, kinds_args: list[str], tmp_path: Path
) -> None:
    record = stopped_record(env, db, kinds_args)
    desk_a = at_question_three(record.id, env, kinds_args)

    # Desk B asks for the same record: told where and since when; nothing changes.
    with Store.open(db) as store:
        before = store.get(record.id)
    desk_b = screening(["interview", "--resume", record.id, *kinds_args], env)
    assert desk_b.returncode == 2
    line = desk_b.stderr.strip().splitlines()[-1]
    assert line.startswith(
        f"screening: record {record.id} is open at desk {socket.gethostname()} "
        f"(user {before.desk.user if before.desk else '?'}, process {desk_a.pid}) since "
    )
    assert "finish or stop it there first" in line
    with Store.open(db) as store:
        assert store.get(record.id) == before

    # Desk A finishes; the store holds desk A's answers, and desk A's screen said so.
    desk_a.send("6\r")
    assert skip_and_finish(desk_a, 4, "Finish and send your answers?") == 0
    with Store.open(db) as store:
        done = store.get(record.id)
    assert done.status == "complete" and done.desk is None
    assert done.answers == {
        "pain_location": "left knee",
        "pain_duration_months": 24,
        "pain_intensity": 6,
    }


def test_a_desk_that_lost_its_record_overwrites_nothing(
    env: dict[str, str], db: Path, kinds_args: list[str]
) -> None:
    record = stopped_record(env, db, kinds_args)
    desk_a = at_question_three(record.id, env, kinds_args)
    # Desk A has saved nothing for 40 minutes (the patient walked away).
    conn = sqlite3.connect(db)
    conn.execute(
        "UPDATE records SET desk_since = datetime(desk_since, '-40 minutes') || '+00:00', "
        "updated = datetime(updated, '-40 minutes') || '+00:00' WHERE id = ?",
        (record.id,),
    )
    conn.commit()
    conn.close()

    desk_b = spawn(["--resume", record.id, *kinds_args], env)
    desk_b.expect_exact(f"Record {record.id} was left open at desk {socket.gethostname()}")
    desk_b.expect_exact("nothing was saved there for 40 minutes")
    answer(desk_b, "Take it over at this desk?", "y")
    answer(desk_b, "How bad is the pain?", "3\r")
    desk_b.expect_exact("Question 4 of 7")

    # Desk A's patient comes back and answers: desk A stops, and saves nothing.
    desk_a.send("9\r")
    desk_a.expect_exact(f"record {record.id} was taken over by desk {socket.gethostname()}")
    desk_a.expect_exact(f"process {desk_b.pid}")
    desk_a.expect(pexpect.EOF)
    desk_a.close()
    assert desk_a.exitstatus == 2

    desk_b.send("\r")  # question 4 was on screen already
    assert skip_and_finish(desk_b, 3, "Finish and send your answers?") == 0
    with Store.open(db) as store:
        done = store.get(record.id)
    assert done.status == "complete"
    assert done.answers["pain_intensity"] == 3


def test_a_claim_still_in_use_is_not_offered(
    cli: Cli, env: dict[str, str], db: Path, kinds_args: list[str]
) -> None:
    record = stopped_record(env, db, kinds_args)
    desk_a = at_question_three(record.id, env, kinds_args)
    code, out, err = cli("interview", "--resume", record.id, "--store", str(db), input="y\n")
    assert code == 2
    assert "Take it over" not in out
    assert f"is open at desk {socket.gethostname()}" in err
    desk_a.sendcontrol("c")
    answer(desk_a, "Stop now?", "y")
    desk_a.expect(pexpect.EOF)
    desk_a.close()
    assert desk_a.exitstatus == 130
    # Stopped there: the record is free again.
    with Store.open(db) as store:
        assert store.get(record.id).desk is None


def test_declining_a_takeover_changes_nothing(
    cli: Cli, env: dict[str, str], db: Path, kinds_args: list[str]
) -> None:
    record = stopped_record(env, db, kinds_args)
    desk_a = at_question_three(record.id, env, kinds_args)
    os.kill(desk_a.pid, signal.SIGKILL)  # its process is gone; its claim stays behind
    desk_a.expect(pexpect.EOF)
    desk_a.close()
    with Store.open(db) as store:
        left = store.get(record.id)
    assert left.desk is not None
    code, out, err = cli("interview", "--resume", record.id, "--store", str(db), input="n\n")
    assert code == 2
    assert f"process {left.desk.pid} on {left.desk.host} has ended" in out
    assert err.strip().endswith(f"record {record.id}: not taken over; nothing changed")
    with Store.open(db) as store:
        assert store.get(record.id) == left


def test_delete_during_an_interview(
    env: dict[str, str], db: Path, kinds_args: list[str], tmp_path: Path
) -> None:
    record = stopped_record(env, db, kinds_args)
    desk = at_question_three(record.id, env, kinds_args)
    deleted = screening(["records", "delete", record.id, "--yes"], env)
    assert (deleted.returncode, deleted.stdout) == (0, "Deleted 1 record.\n"), deleted.stderr
    desk.send("6\r")
    desk.expect_exact(f"record {record.id}: this record was deleted while it was open here")
    desk.expect(pexpect.EOF)
    desk.close()
    assert desk.exitstatus == 2
    with Store.open(db) as store:
        assert list(store.records()) == []  # not saved again
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["cache", "screening.db"]


def test_delete_at_the_review_writes_nothing(
    env: dict[str, str], db: Path, kinds_args: list[str]
) -> None:
    record = stopped_record(env, db, kinds_args)
    desk = at_question_three(record.id, env, kinds_args)
    desk.send("\r")
    for _ in range(4):
        answer(desk, "Question", "\r")
    desk.expect_exact("Pick an answer to change it, or finish")
    assert screening(["records", "delete", record.id, "--yes"], env).returncode == 0
    desk.send("\r")
    answer(desk, "Finish and send your answers?", "\r")
    desk.expect_exact("this record was deleted")
    desk.expect(pexpect.EOF)
    desk.close()
    assert desk.exitstatus == 2
    with Store.open(db) as store:
        assert list(store.records()) == []


def _named(cli: Cli, db: Path, kinds_args: list[str], name: str, clinic_id: str) -> None:
    typed = f"y\n{name}\n{clinic_id}\n"  # staff: ready, name, clinic id, then input ends
    code, _, err = cli("interview", "--store", str(db), *kinds_args, input=typed)
    assert code == 3, err


def test_staff_chooser_shows_names_newest_first_in_local_time(
    cli: Cli, clock: Clock, db: Path, kinds_args: list[str]
) -> None:
    _named(cli, db, kinds_args, "Ada Older", "C-1")
    clock.advance(minutes=7)
    _named(cli, db, kinds_args, "Bo Newer", "C-2")
    code, out, _ = cli("interview", "--resume", "--store", str(db), input="1\n")
    assert code == 3  # picked the first, then input ended
    listed = out[out.index("Which interview") :]
    first, second = [line for line in listed.splitlines() if line.startswith(("  1.", "  2."))]
    assert first.startswith("  1. Bo Newer  C-2  2026-11-21 15:07 +00:00  2 answers, staff")
    assert second.startswith("  2. Ada Older  C-1  2026-11-21 15:00 +00:00  2 answers, staff")
    assert "Continuing record" in out and "(Bo Newer, C-2) in staff mode" in out


def test_patient_screen_never_lists_records(cli: Cli, db: Path, kinds_args: list[str]) -> None:
    _named(cli, db, kinds_args, "Ada Older", "C-1")
    code, out, err = cli("interview", "--resume", "--mode", "patient", "--store", str(db))
    assert code == 2 and "--resume in patient mode needs the record id" in err
    assert "Ada" not in out + err
    # Nor continues a record that holds staff answers.
    with Store.open(db) as store:
        [record] = store.records()
    code, out, err = cli(
        "interview", "--resume", record.id, "--mode", "patient", "--store", str(db)
    )
    assert code == 2
    assert "holds staff answers, so it cannot go on in patient mode" in err
    assert "Ada" not in out + err
