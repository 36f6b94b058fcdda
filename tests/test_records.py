"""The records commands through the CLI, reprints after the rules change, and SIGKILL."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import shutil
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pexpect
import pytest

from screening.adapters.store import Store
from screening.core import guard
from screening.core.records import reference
from tests.conftest import NOW, TODAY, Cli, Clock
from tests.terminal import answer, interview_env, skip_and_finish, spawn

Add = Callable[..., str]
SECOND = '{"pain_duration_months": 2, "opioids_now": "no", "conditions": ["not_sure"]}'


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "store" / "s.db"


@pytest.fixture
def second(tmp_path: Path) -> Path:
    path = tmp_path / "second.json"
    path.write_text(SECOND)
    return path


@pytest.fixture
def add(cli: Cli, db: Path, kinds_args: list[str]) -> Add:
    """Store an answers file as a complete record (with KINDS_*); its id."""

    def add(answers: Path, *options: str) -> str:
        code, out, err = cli(
            "records",
            "add",
            "--answers",
            str(answers),
            "--store",
            str(db),
            *(options or kinds_args),
        )
        assert code == 0, err
        return out.strip()

    return add


def test_add_list_show(
    cli: Cli, clock: Clock, add: Add, db: Path, kinds_answers: Path, second: Path
) -> None:
    first = add(kinds_answers)
    assert first.startswith("20261121-150000-")  # the local date and time of the clock
    clock.advance(minutes=5)
    later = add(second)
    code, out, _ = cli("records", "list", "--store", str(db))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == [
        "id",
        "created",
        "status",
        "mode",
        "answers",
        "note",
        "patient_name",
        "patient_id",
    ]
    assert lines[1].split() == [
        first,
        "2026-11-21",
        "15:00",
        "+00:00",
        "complete",
        "staff",
        "13",
        "Alex",
        "Example",
        "DEMO-0001",
    ]
    assert lines[2].split() == [later, "2026-11-21", "15:05", "+00:00", "complete", "staff", "3"]
    code, out, _ = cli(
        "records", "list", "--store", str(db), "--no-identifiers", "--format", "json"
    )
    rows = json.loads(out)
    assert [r["id"] for r in rows] == [first, later]
    assert "Alex" not in out and "DEMO" not in out and "patient_name" not in rows[0]
    code, out, _ = cli("records", "show", first, "--store", str(db))
    assert code == 0
    assert f"id: {first}\nreference: {reference(first)}\nstatus: complete\nmode: staff\n" in out
    assert "created: 2026-11-21 15:00 +00:00\n" in out and "definitions: " in out
    assert "pain_duration_months  30" in out


@pytest.mark.parametrize(("options", "listed"), [
    (["--status", "in_progress"], 0),
    (["--status", "complete"], 1),
    (["--since", TODAY.isoformat()], 1),
    (["--since", "2026-11-22"], 0),
])  # fmt: skip
def test_list_filters(
    cli: Cli,
    clock: Clock,
    add: Add,
    db: Path,
    kinds_answers: Path,
    options: list[str],
    listed: int,
) -> None:
    record_id = add(kinds_answers)
    code, out, _ = cli("records", "list", "--store", str(db), "--format", "json", *options)
    assert code == 0
    assert [r["id"] for r in json.loads(out)] == [record_id] * listed


def test_add_refuses_bad_answers_and_keeps_nothing(
    cli: Cli, db: Path, kinds_args: list[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("pain_intensity: 4\n")
    code, _, err = cli("records", "add", "--answers", str(bad), "--store", str(db), *kinds_args)
    assert code == 2 and "pain_duration_months: is required" in err
    assert cli("records", "list", "--store", str(db)).out == "No records.\n"


def test_reprint_and_export(
    cli: Cli,
    clock: Clock,
    add: Add,
    db: Path,
    kinds_args: list[str],
    kinds_answers: Path,
    second: Path,
) -> None:
    record_id = add(kinds_answers)
    direct = cli("summary", "--answers", str(kinds_answers), *kinds_args).out
    code, out, _ = cli("summary", record_id, "--store", str(db))
    assert code == 0
    assert out == direct
    # A year on, the reprint still reads as it did: same date, same age.
    clock.advance(days=365)
    assert cli("summary", record_id, "--store", str(db)).out == direct
    assert "Test clinic questionnaire, prepared 2026-11-21" in direct
    assert "(age 55)" in direct
    code, out, _ = cli("summary", record_id, "--store", str(db), "--format", "json")
    assert json.loads(out)["prepared"] == TODAY.isoformat()
    later = add(second)
    code, out, _ = cli("records", "export", "--all", "--store", str(db))
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["id"] for line in lines] == [record_id, later]
    assert lines[0]["answers"]["patient_id"] == "DEMO-0001"
    assert lines[0]["created"] == NOW.isoformat()
    assert [p["rule"] for p in lines[0]["points"]] == [
        "long_pain",
        "patient_note",
        "opioids_now",
        "blood_pressure_raised",
    ]
    assert set(lines[0]["points"][0]) == {
        "rule",
        "category",
        "category_title",
        "text",
        "source",
        "source_ids",
        "triggered_by",
    }
    code, out, _ = cli("records", "export", record_id, "--store", str(db))
    assert code == 0 and [json.loads(line)["id"] for line in out.splitlines()] == [record_id]


def test_a_spanish_record_keeps_its_language(
    cli: Cli, clock: Clock, db: Path, kinds_es_args: list[str]
) -> None:
    typed = "\n".join(["s", "rodilla", "2 años", *[""] * 5, "1", "s", ""])
    code, out, err = cli(
        "interview", "--mode", "patient", "--lang", "es", "--store", str(db), *kinds_es_args,
        input=typed,
    )  # fmt: skip
    assert code == 0, err
    assert "Gracias. Ya terminó el formulario." in out
    [record] = json.loads(cli("records", "list", "--store", str(db), "--format", "json").out)
    shown = cli("records", "show", record["id"], "--store", str(db)).out
    assert "language: es\n" in shown
    reprint = json.loads(cli("summary", record["id"], "--store", str(db), "--format", "json").out)
    assert reprint["language"] == "es"
    assert reprint["answers"] == {"pain_location": "rodilla", "pain_duration_months": 24}
    [exported] = [
        json.loads(x)
        for x in cli("records", "export", "--all", "--store", str(db)).out.splitlines()
    ]
    assert exported["language"] == "es"
    fhir = cli("records", "export", record["id"], "--format", "fhir", "--store", str(db)).out
    [response] = [
        e["resource"]
        for e in json.loads(fhir)["entry"]
        if e["resource"]["resourceType"] == "QuestionnaireResponse"
    ]
    assert response["language"] == "es"


def test_reprint_after_the_rules_changed(
    cli: Cli,
    clock: Clock,
    add: Add,
    db: Path,
    kinds_args: list[str],
    kinds_answers: Path,
    tmp_path: Path,
) -> None:
    rules, templates = tmp_path / "clinic-rules", tmp_path / "clinic-templates"
    shutil.copytree(kinds_args[1], rules)
    shutil.copytree(kinds_args[3], templates)
    ours = ["--rules", str(rules), "--templates", str(templates)]
    record_id = add(kinds_answers, *ours)
    before = cli("summary", record_id, "--store", str(db)).out
    assert "Takes opioid medicine now." in before and before.count("\n  * ") == 4
    assert "  Notes: Sleeps badly." in before
    # The clinic rewords a rule and its template, and deletes a question the record answered
    # (with the rule that quoted it).
    text = (rules / "rules.yaml").read_text()
    text = text.replace("Takes opioid medicine now.", "Uses opioids at present.")
    (rules / "rules.yaml").write_text(text[: text.index("  - id: patient_note")])
    questionnaire = (rules / "questionnaire.yaml").read_text()
    notes = questionnaire.index("  - id: notes")
    (rules / "questionnaire.yaml").write_text(
        questionnaire[:notes] + questionnaire[questionnaire.index("  - id: systolic_bp") :]
    )
    tpl = templates / "summary.txt.j2"
    tpl.write_text(tpl.read_text().replace("POINTS\n", "FOR DISCUSSION\n"))
    assert cli("check", *ours).code == 0
    after = cli("summary", record_id, "--store", str(db), *ours).out
    assert after == before
    without_notes = tmp_path / "without-notes.yaml"
    without_notes.write_text(kinds_answers.read_text().replace("notes: Sleeps badly.\n", ""))
    code, fresh, err = cli("summary", "--answers", str(without_notes), *ours)
    assert code == 0, err
    assert "Uses opioids at present." in fresh and "FOR DISCUSSION\n" in fresh
    assert fresh.count("\n  * ") == 3  # the note's rule went with its question
    assert "Notes" not in fresh


def test_delete(cli: Cli, add: Add, db: Path, kinds_answers: Path, second: Path) -> None:
    first, kept = add(kinds_answers), add(second)
    code, _, err = cli("records", "delete", first, "--store", str(db))
    assert code == 2 and "add --yes" in err  # no terminal to ask on
    assert cli("records", "delete", first, "--yes", "--store", str(db)).out == "Deleted 1 record.\n"
    code, _, err = cli("records", "delete", first, "--yes", "--store", str(db))
    assert code == 2 and f"no record with id '{first}'" in err
    with Store.open(db) as store:
        assert [r.id for r in store.records()] == [kept]


def test_purge_counts_back_from_the_clock(
    cli: Cli, clock: Clock, add: Add, db: Path, kinds_answers: Path, second: Path
) -> None:
    add(kinds_answers)
    clock.advance(days=10)
    recent = add(second)
    purge = ("records", "purge", "--older-than", "30d", "--yes", "--store", str(db))
    clock.advance(days=19)  # 29 days after the first record
    assert cli(*purge).out == "Deleted 0 records.\n"
    clock.advance(days=2)
    assert cli(*purge).out == "Deleted 1 record.\n"
    with Store.open(db) as store:
        assert [r.id for r in store.records()] == [recent]
    clock.advance(weeks=2)
    assert (
        cli("records", "purge", "--older-than", "4w", "--yes", "--store", str(db)).out
        == "Deleted 1 record.\n"
    )


@pytest.mark.parametrize(("args", "words"), [
    (["records", "list", "--since", "21/11/2026"], "--since: '21/11/2026' is not a date"),
    (["records", "purge", "--older-than", "a month"], "is not a duration like 30d"),
    (["records", "show", "no-such-id"], "no record with id 'no-such-id'"),
    (["records", "list", "--status", "done"], "'done' is not one of 'in_progress', 'complete'"),
    (["summary", "no-such-id"], "no record with id 'no-such-id'"),
    (["summary"], "give a record ID or --answers FILE"),
    (["records", "export"], "give a record ID or --all"),
])  # fmt: skip
def test_bad_input(
    cli: Cli, add: Add, db: Path, kinds_answers: Path, args: list[str], words: str
) -> None:
    add(kinds_answers)
    code, _, err = cli(*args, "--store", str(db))
    assert code == 2, err
    assert words in err and "Traceback" not in err


def test_store_path_that_is_a_folder(cli: Cli, tmp_path: Path) -> None:
    code, _, err = cli("records", "list", "--store", str(tmp_path))
    assert (code, err) == (2, f"screening: {tmp_path}: is a folder; give the store's file name\n")


def test_reading_commands_do_not_make_a_store(cli: Cli, tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    code, _, err = cli("records", "list", "--store", str(missing))
    assert code == 2 and "no store here yet" in err
    assert not missing.exists()


def test_which_store_option_then_environment_then_data_folder(
    cli: Cli,
    kinds_args: list[str],
    kinds_answers: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add = ("records", "add", "--answers", str(kinds_answers), *kinds_args)
    default = tmp_path / "data" / "screening.db"  # SCREENING_DATA_DIR is tmp_path/data
    assert cli(*add).code == 0
    assert default.exists()
    from_env = tmp_path / "env" / "s.db"
    monkeypatch.setenv("SCREENING_STORE", str(from_env))
    assert cli(*add).code == 0
    given = tmp_path / "given" / "s.db"
    assert cli(*add, "--store", str(given)).code == 0
    counts = []
    for path in (default, from_env, given):
        with Store.open(path) as store:
            counts.append(len(list(store.records())))
    assert counts == [1, 1, 1]


def test_sigkill_mid_interview_keeps_every_confirmed_answer(
    kinds_args: list[str], tmp_path: Path
) -> None:
    db = tmp_path / "data" / "screening.db"
    env = interview_env(tmp_path / "data")
    child = spawn(["--mode", "patient", "--output-dir", str(tmp_path / "out"), *kinds_args], env)
    child.expect_exact("Ready to start?")
    child.send("\r")
    child.expect_exact("Where does it hurt?")
    child.send("right hip\r")
    child.expect_exact("How long have you had pain?")
    child.send("5 years\r")
    child.expect_exact("How bad is the pain?")
    child.send("6")  # typed but not confirmed: may be lost, nothing else may
    os.kill(child.pid, signal.SIGKILL)
    child.expect(pexpect.EOF)
    child.close()
    assert child.signalstatus == signal.SIGKILL
    with Store.open(db) as store:
        [record] = store.records()
    assert record.status == "in_progress"
    assert record.answers == {"pain_location": "right hip", "pain_duration_months": 60}

    # The killed process still holds the record; it has ended, so this desk may take over.
    assert record.desk is not None and record.desk.pid == child.pid
    child = spawn(["--resume", record.id, "--output-dir", str(tmp_path / "out"), *kinds_args], env)
    child.expect_exact(f"process {record.desk.pid} on {record.desk.host} has ended")
    answer(child, "Take it over at this desk?", "y")
    child.expect_exact("2 answers kept")
    answer(child, "How bad is the pain?", "6\r")
    assert skip_and_finish(child, 4, "Finish and send your answers?") == 0
    with Store.open(db) as store:
        done = store.get(record.id)
    assert done.status == "complete"
    assert done.answers == {
        "pain_location": "right hip",
        "pain_duration_months": 60,
        "pain_intensity": 6,
    }


# --- Unfinished records read as unfinished --------------------------------------------------

PATIENT_TWO_ANSWERS = "y\nright hip\n5 years\n"  # patient: ready, where, how long; input ends


def stopped(cli: Cli, db: Path, kinds_args: list[str], typed: str = PATIENT_TWO_ANSWERS) -> str:
    code, _, err = cli("interview", "--mode", "patient", "--store", str(db), *kinds_args,
                       input=typed)  # fmt: skip
    assert code == 3, err
    with Store.open(db) as store:
        [record] = store.records(status="in_progress")
    return record.id


NOT_REACHED = "Pain score; Conditions; Treatments tried; Opioids now; Notes"


@pytest.mark.parametrize("fmt", ["text", "html", "md"])
def test_unfinished_summary_says_so_at_the_top(
    cli: Cli, clock: Clock, db: Path, kinds_args: list[str], fmt: str
) -> None:
    record_id = stopped(cli, db, kinds_args)
    code, out, _ = cli("summary", record_id, "--store", str(db), "--format", fmt)
    assert code == 0
    top = out[: out.index("Test clinic questionnaire")]  # before the title
    from screening.adapters.rendering import plain_text

    text = " ".join(plain_text(top, fmt).split())  # type: ignore[arg-type]
    assert "INCOMPLETE: the interview stopped at question 3 of 7." in text
    assert f"Questions not reached: {NOT_REACHED}." in text
    assert guard.NEXT_STEP in out  # still the one conclusion


def test_unfinished_summary_in_json(
    cli: Cli, clock: Clock, db: Path, kinds_args: list[str]
) -> None:
    record_id = stopped(cli, db, kinds_args)
    data = json.loads(cli("summary", record_id, "--store", str(db), "--format", "json").out)
    assert list(data)[:3] == ["status", "incomplete", "not_reached"]  # first, for programs
    assert data["status"] == "in_progress"
    assert data["incomplete"] == "INCOMPLETE: the interview stopped at question 3 of 7."
    assert data["not_reached"] == [
        "pain_intensity", "conditions", "prior_treatments", "opioids_now", "notes"
    ]  # fmt: skip


def test_finished_summary_has_no_status_lines(
    cli: Cli, clock: Clock, add: Add, db: Path, kinds_answers: Path
) -> None:
    record_id = add(kinds_answers)
    for fmt in ("text", "json"):
        out = cli("summary", record_id, "--store", str(db), "--format", fmt).out
        assert "INCOMPLETE" not in out and "Amended" not in out and "not_reached" not in out
    data = json.loads(cli("summary", record_id, "--store", str(db), "--format", "json").out)
    assert data["status"] == "complete" and "incomplete" not in data


def test_stopped_at_the_review_is_unfinished_too(
    cli: Cli, clock: Clock, db: Path, kinds_args: list[str]
) -> None:
    typed = "y\n\n3 months\n" + "\n" * 5  # every question put; input ends at the review
    record_id = stopped(cli, db, kinds_args, typed)
    out = cli("summary", record_id, "--store", str(db)).out
    assert out.startswith(
        "INCOMPLETE: the interview stopped at question 7 of 7, before the answers were checked."
    )
    assert "not reached" not in out


# --- Staff complete and amend, with a history -------------------------------------------------

# Staff at a complete patient record: name, clinic id, date of birth, the two blood pressures;
# then finish at the review, confirm, and no file.
STAFF_QUESTIONS = "Alex Example\nK-77\n1971-11-21\n150\n95\n1\n\n\n"


def finished_by_patient(cli: Cli, db: Path, kinds_args: list[str]) -> str:
    typed = "y\nneck\n3 months\n" + "\n" * 5 + "1\n\n"
    code, out, err = cli("interview", "--mode", "patient", "--store", str(db), *kinds_args,
                         input=typed)  # fmt: skip
    assert code == 0, err
    return out.strip().splitlines()[-1].removeprefix("Reference: ")


def test_staff_complete_a_patients_record(
    cli: Cli, clock: Clock, db: Path, kinds_args: list[str]
) -> None:
    record_id = finished_by_patient(cli, db, kinds_args)
    code, _, err = cli("interview", "--resume", record_id, "--store", str(db))
    assert code == 2 and f"change it with 'screening records amend {record_id}'" in err
    clock.advance(minutes=20)
    code, out, err = cli(
        "interview", "--resume", record_id, "--mode", "staff", "--store", str(db),
        input=STAFF_QUESTIONS,
    )  # fmt: skip
    assert code == 0, err
    asked = [line for line in out.splitlines() if line.startswith("Question ")]
    assert asked == [f"Question {n} of 12" for n in (1, 2, 3, 11, 12)]  # only staff questions
    assert "Name: Alex Example" in out  # the summary, as stored
    assert "Amended 2026-11-21 15:20 +00:00" in out
    with Store.open(db) as store:
        record = store.get(record_id)
    assert record.mode == "patient" and record.status == "complete"
    assert record.answers["patient_id"] == "K-77"
    code, out, _ = cli("records", "history", record_id, "--store", str(db))
    assert code == 0
    rows = [line.split() for line in out.splitlines()[1:]]
    assert [row[5] for row in rows] == [
        "patient_name", "patient_id", "date_of_birth", "systolic_bp", "diastolic_bp"
    ]  # fmt: skip
    assert out.splitlines()[1].split() == [
        "2026-11-21", "15:20", "+00:00", getpass.getuser(), "(staff)",
        "patient_name", "(no", "answer)", "Alex", "Example",
    ]  # fmt: skip


def test_amend_keeps_who_when_old_and_new(
    cli: Cli, clock: Clock, add: Add, db: Path, kinds_answers: Path, kinds_args: list[str]
) -> None:
    record_id = add(kinds_answers)
    clock.advance(hours=2)
    # Review rows: 1 finish, then the 13 questions; 12 is the note, 13 the systolic.
    typed = "12\nQuixotic Zebrafish wrote this\n13\n120\n1\n\n\n"
    code, out, err = cli("records", "amend", record_id, "--store", str(db), input=typed)
    assert code == 0, err
    assert out.startswith(f"Changing record {record_id} (Alex Example, DEMO-0001).")
    code, out, _ = cli("records", "history", record_id, "--store", str(db))
    lines = out.splitlines()
    assert lines[0].split() == ["when", "who", "question", "old", "new"]
    who = f"{getpass.getuser()} (staff)"
    assert lines[1].startswith(f"2026-11-21 17:00 +00:00  {who}  notes")
    assert lines[1].split("  ")[-2:] == ["Sleeps badly.", "Quixotic Zebrafish wrote this"]
    assert lines[2].split()[-3:] == ["systolic_bp", "150", "120"]
    for fmt, words in (("text", "Amended 2026-11-21 17:00 +00:00"),
                       ("html", "Amended 2026-11-21 17:00 +00:00"),
                       ("md", "Amended 2026-11-21 17:00 +00:00")):  # fmt: skip
        assert words in cli("summary", record_id, "--store", str(db), "--format", fmt).out
    data = json.loads(cli("summary", record_id, "--store", str(db), "--format", "json").out)
    assert data["amended"] == "Amended 2026-11-21 17:00 +00:00"
    exported = json.loads(cli("records", "export", record_id, "--store", str(db)).out)
    assert exported["amended"] == "2026-11-21T17:00:00+00:00"
    assert exported["answers"]["systolic_bp"] == 120

    # The history goes with the record, from the file too.
    assert cli("records", "delete", record_id, "--yes", "--store", str(db)).code == 0
    code, _, err = cli("records", "history", record_id, "--store", str(db))
    assert code == 2 and f"no record with id '{record_id}'" in err
    raw = b"".join(p.read_bytes() for p in db.parent.iterdir() if p.is_file())
    assert b"Quixotic" not in raw and b"Sleeps badly" not in raw


def test_amend_with_no_change_leaves_the_record_as_it_was(
    cli: Cli, clock: Clock, add: Add, db: Path, kinds_answers: Path
) -> None:
    record_id = add(kinds_answers)
    with Store.open(db) as store:
        before = store.get(record_id)
    clock.advance(days=1)
    code, _, err = cli("records", "amend", record_id, "--store", str(db), input="1\n\n\n")
    assert code == 0, err
    with Store.open(db) as store:
        after = store.get(record_id)
    assert (after.updated, after.amended, after.answers) == (before.updated, None, before.answers)
    assert cli("records", "history", record_id, "--store", str(db)).out == (
        f"Record {record_id} has not been changed.\n"
    )


@pytest.mark.parametrize(("args", "words"), [
    (["records", "amend", "no-such-id"], "no record with id 'no-such-id'"),
    (["records", "history", "no-such-id"], "no record with id 'no-such-id'"),
    (["interview", "--resume", "no-such-id"], "no record with id 'no-such-id'"),
])  # fmt: skip
def test_unknown_record(
    cli: Cli, add: Add, db: Path, kinds_answers: Path, args: list[str], words: str
) -> None:
    add(kinds_answers)
    code, out, err = cli(*args, "--store", str(db))
    assert (code, out) == (2, "")
    assert err == f"screening: {words} in {db}\n"


def test_amend_refuses_an_unfinished_record(
    cli: Cli, clock: Clock, db: Path, kinds_args: list[str]
) -> None:
    record_id = stopped(cli, db, kinds_args)
    code, _, err = cli("records", "amend", record_id, "--store", str(db))
    assert code == 2
    assert f"continue it with 'screening interview --resume {record_id} --mode staff'" in err


# --- Local time for people, UTC in the store ----------------------------------------------------


@pytest.fixture
def east(clock: Clock) -> Iterator[Clock]:
    """Nine hours east of UTC, half an hour after local midnight on TODAY."""
    os.environ["TZ"] = "JST-9"
    time.tzset()
    clock.now = dt.datetime(2026, 11, 20, 15, 30, tzinfo=dt.UTC)  # 2026-11-21 00:30 local
    yield clock
    os.environ["TZ"] = "UTC"
    time.tzset()


@pytest.mark.parametrize(("since", "days_later", "listed"), [
    ("today", 0, 1),
    ("2026-11-21", 0, 1),
    ("2026-11-21", 5, 1),
    ("yesterday", 0, 1),
    ("2026-11-22", 0, 0),
    ("today", 1, 0),
    ("yesterday", 1, 1),
    (" Today ", 1, 0),
])  # fmt: skip
def test_since_is_a_local_day(
    cli: Cli, east: Clock, add: Add, db: Path, kinds_answers: Path, since: str,
    days_later: int, listed: int,
) -> None:  # fmt: skip
    record_id = add(kinds_answers)
    assert record_id.startswith("20261121-003000-")
    east.advance(days=days_later)
    code, out, err = cli(
        "records", "list", "--since", since, "--format", "json", "--store", str(db)
    )
    assert code == 0, err
    assert [r["id"] for r in json.loads(out)] == [record_id] * listed


def test_times_shown_local_with_offset(
    cli: Cli, east: Clock, add: Add, db: Path, kinds_answers: Path
) -> None:
    record_id = add(kinds_answers)
    out = cli("records", "list", "--store", str(db)).out
    assert out.splitlines()[1].split()[1:4] == ["2026-11-21", "00:30", "+09:00"]
    data = json.loads(cli("records", "list", "--store", str(db), "--format", "json").out)
    assert data[0]["created"] == "2026-11-21T00:30:00+09:00"
    out = cli("records", "show", record_id, "--store", str(db)).out
    assert "created: 2026-11-21 00:30 +09:00\n" in out
    assert "prepared 2026-11-21" in cli("summary", record_id, "--store", str(db)).out
    with Store.open(db) as store:
        assert store.get(record_id).created == "2026-11-20T15:30:00+00:00"  # UTC in the store


# --- Delete and purge leave nothing behind ------------------------------------------------------


def test_delete_removes_the_copies_earlier_versions_wrote(
    cli: Cli, add: Add, db: Path, kinds_answers: Path, second: Path, tmp_path: Path
) -> None:
    gone, kept = add(kinds_answers), add(second)
    copies = tmp_path / "data" / "summaries"  # where earlier versions wrote them
    copies.mkdir(parents=True)
    names = [f"screening-{gone}.txt", f"screening-{gone}.html", f".screening-{gone}.txt.x1.tmp",
             f"screening-{kept}.txt"]  # fmt: skip
    for name in names:
        (copies / name).write_text("Alex Example")
    assert cli("records", "delete", gone, "--yes", "--store", str(db)).out == "Deleted 1 record.\n"
    assert [p.name for p in copies.iterdir()] == [f"screening-{kept}.txt"]


def test_purge_removes_copies_too(
    cli: Cli, clock: Clock, add: Add, db: Path, kinds_answers: Path, tmp_path: Path
) -> None:
    old = add(kinds_answers)
    copies = tmp_path / "data" / "summaries"
    copies.mkdir(parents=True)
    (copies / f"screening-{old}.txt").write_text("Alex Example")
    clock.advance(days=31)
    code, out, _ = cli("records", "purge", "--older-than", "30d", "--yes", "--store", str(db))
    assert (code, out) == (0, "Deleted 1 record.\n")
    assert list(copies.iterdir()) == []
