"""The records commands through the CLI, reprints after the rules change, and SIGKILL."""

from __future__ import annotations

import json
import os
import shutil
import signal
from pathlib import Path

import pexpect
import pytest
from typer.testing import CliRunner

from screening.adapters import locations as resources
from screening.cli import app
from screening.adapters.store import Store
from tests.conftest import TESTS
from tests.terminal import answer, interview_env, skip_and_finish, spawn

runner = CliRunner()
EXAMPLE = TESTS / "patients" / "staff_full.yaml"
FLAGS = TESTS / "patients" / "patient_flags.json"


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "store" / "s.db"


def add(db: Path, answers: Path, *extra: str) -> str:
    code, out, err = run("records", "add", "--answers", str(answers), "--store", str(db), *extra)
    assert code == 0, err
    return out.strip()


def test_add_list_show(db: Path) -> None:
    first, second = add(db, EXAMPLE), add(db, FLAGS)
    code, out, _ = run("records", "list", "--store", str(db))
    assert code == 0
    assert out.splitlines()[0].split() == ["id", "created", "status", "mode", "answers",
                                           "patient_name", "patient_id"]
    assert first in out and "Alex Example" in out and second in out
    code, out, _ = run("records", "list", "--store", str(db), "--no-identifiers",
                       "--format", "json")
    rows = json.loads(out)
    assert [r["id"] for r in rows] == [first, second]
    assert "Alex" not in out and "patient_name" not in rows[0]
    _, out, _ = run("records", "list", "--store", str(db), "--status", "in_progress")
    assert out.strip() == "No records."
    _, out, _ = run("records", "list", "--store", str(db), "--since", "2999-01-01")
    assert out.strip() == "No records."
    code, out, _ = run("records", "show", first, "--store", str(db))
    assert code == 0
    assert f"id: {first}" in out and "status: complete" in out and "definitions: " in out
    assert "pain_duration_months  30" in out


def test_add_refuses_bad_answers_and_keeps_nothing(db: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("pain_intensity: 4\n")
    code, _, err = run("records", "add", "--answers", str(bad), "--store", str(db))
    assert code == 2 and "pain_duration_months: is required" in err
    assert run("records", "list", "--store", str(db))[1].strip() == "No records."


def test_reprint_and_export(db: Path) -> None:
    record_id = add(db, EXAMPLE)
    code, out, _ = run("summary", record_id, "--store", str(db))
    assert code == 0
    _, direct, _ = run("summary", "--answers", str(EXAMPLE))
    assert out == direct
    code, out, _ = run("summary", record_id, "--store", str(db), "--format", "json")
    assert json.loads(out)["next_step"] == "Discuss with a specialist."
    add(db, FLAGS)
    code, out, _ = run("records", "export", "--all", "--store", str(db))
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == 2
    assert lines[0]["id"] == record_id and lines[0]["answers"]["patient_id"] == "DEMO-0001"
    assert {"rule", "category", "text", "source", "triggered_by"} <= set(lines[0]["points"][0])
    code, out, _ = run("records", "export", record_id, "--store", str(db))
    assert code == 0 and len(out.splitlines()) == 1


def test_reprint_after_the_rules_changed(db: Path, tmp_path: Path) -> None:
    rules, templates = tmp_path / "rules", tmp_path / "templates"
    shutil.copytree(resources.rules_dir(), rules)
    shutil.copytree(resources.templates_dir(), templates)
    record_id = add(db, EXAMPLE, "--rules", str(rules), "--templates", str(templates))
    before = run("summary", record_id, "--store", str(db))[1]
    # The clinic rewords a rule and its template, and deletes a question the record answered.
    text = (rules / "rules.yaml").read_text()
    (rules / "rules.yaml").write_text(text.replace("Takes opioid pain medicine now.",
                                                   "Uses opioids at present."))
    tpl = templates / "summary.txt.j2"
    tpl.write_text(tpl.read_text().replace("POINTS FOR THE SPECIALIST", "FOR DISCUSSION"))
    assert run("check", "--rules", str(rules), "--templates", str(templates))[0] == 0
    after = run("summary", record_id, "--store", str(db), "--rules", str(rules),
                "--templates", str(templates))[1]
    assert after == before
    assert "Takes opioid pain medicine now." in after
    fresh = run("summary", "--answers", str(EXAMPLE), "--rules", str(rules),
                "--templates", str(templates))[1]
    assert "Uses opioids at present." in fresh and "FOR DISCUSSION" in fresh


def test_delete_and_purge(db: Path) -> None:
    first, second = add(db, EXAMPLE), add(db, FLAGS)
    code, _, err = run("records", "delete", first, "--store", str(db))
    assert code == 2 and "add --yes" in err  # no terminal to ask on
    assert run("records", "delete", first, "--yes", "--store", str(db))[1] == \
        "Deleted 1 record.\n"
    code, _, err = run("records", "delete", first, "--yes", "--store", str(db))
    assert code == 2 and f"no record with id '{first}'" in err
    assert run("records", "purge", "--older-than", "30d", "--yes", "--store", str(db))[1] == \
        "Deleted 0 records.\n"
    assert run("records", "purge", "--older-than", "0d", "--yes", "--store", str(db))[1] == \
        "Deleted 1 record.\n"
    with Store.open(db) as store:
        assert store.records() == []
    assert second


@pytest.mark.parametrize(("args", "words"), [
    (["records", "list", "--since", "21/11/2026"], "--since: '21/11/2026' is not a date"),
    (["records", "purge", "--older-than", "a month"], "is not a duration like 30d"),
    (["records", "show", "no-such-id"], "no record with id 'no-such-id'"),
    (["records", "list", "--status", "done"], "'done' is not one of 'in_progress', 'complete'"),
    (["summary", "no-such-id"], "no record with id 'no-such-id'"),
    (["summary"], "give a record ID or --answers FILE"),
    (["records", "export"], "give a record ID or --all"),
])
def test_bad_input(db: Path, args: list[str], words: str) -> None:
    add(db, EXAMPLE)
    code, _, err = run(*args, "--store", str(db))
    assert code == 2, err
    assert words in err and "Traceback" not in err


def test_store_path_that_is_a_folder(tmp_path: Path) -> None:
    code, _, err = run("records", "list", "--store", str(tmp_path))
    assert (code, err) == (2, f"screening: {tmp_path}: is a folder; give the store's file "
                              "name\n")


def test_sigkill_mid_interview_keeps_every_confirmed_answer(tmp_path: Path) -> None:
    db = tmp_path / "data" / "screening.db"
    env = interview_env(tmp_path / "data")
    child = spawn(["--mode", "patient", "--output-dir", str(tmp_path / "out")], env)
    child.expect_exact("Ready to start?")
    child.send("\r")
    child.expect_exact("Where do you feel the pain?")
    child.send("right hip\r")
    child.expect_exact("How long have you had this pain?")
    child.send("5 years\r")
    child.expect_exact("how bad was your pain")
    child.send("6")  # typed but not confirmed: may be lost, nothing else may
    os.kill(child.pid, signal.SIGKILL)
    child.expect(pexpect.EOF)
    child.close()
    assert child.signalstatus == signal.SIGKILL
    with Store.open(db) as store:
        [record] = store.records()
    assert record.status == "in_progress"
    assert record.answers == {"pain_location": "right hip", "pain_duration_months": 60}

    child = spawn(["--resume", record.id, "--output-dir", str(tmp_path / "out")], env)
    child.expect_exact("2 answers kept")
    answer(child, "how bad was your pain", "6\r")
    assert skip_and_finish(child, 8, "Finish and send your answers?") == 0
    with Store.open(db) as store:
        done = store.get(record.id)
    assert done.status == "complete"
    assert done.answers["pain_intensity"] == 6


def test_reading_commands_do_not_make_a_store(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    code, _, err = run("records", "list", "--store", str(missing))
    assert code == 2 and "no store here yet" in err
    assert not missing.exists()
