"""The commands as a person runs them: exit codes, one-line errors, no tracebacks, no leaks."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from screening import __version__
from screening.core import guard
from tests.conftest import SMALL_RULES, TODAY, Cli, CliResult, Clock, WriteDefs, child_env


def test_version(cli: Cli) -> None:
    assert cli("--version") == (0, f"screening {__version__}\n", "")


def test_check_sums_up_the_definitions(cli: Cli, kinds_args: list[str]) -> None:
    code, out, err = cli("check", *kinds_args)
    assert (code, err) == (0, "")
    assert out == (
        f"OK: 13 questions, 5 rules, 2 sources, criteria C1, C2, C3 covered ({kinds_args[1]})\n"
    )


def test_check_reports_each_problem_on_one_line(cli: Cli, write_defs: WriteDefs) -> None:
    folder = write_defs(
        rules=SMALL_RULES.replace("category: history", "category: nope").replace(
            "Pain for", "Eligible, pain for"
        )
    )
    code, out, err = cli("check", "--rules", str(folder))
    assert code == 2 and out == ""
    assert err.splitlines() == [
        f"screening: {folder}/rules.yaml:9: rule long_pain: unknown category 'nope'",
        f"screening: {folder}/rules.yaml:11: rule long_pain: note uses decision language: "
        '"eligible"',
    ]


def test_questions_lists_ids_types_and_choices(cli: Cli, kinds_dir: Path) -> None:
    code, out, _ = cli("questions", "--rules", str(kinds_dir))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "patient_name           text, staff only"
    assert "pain_duration_months   number, 0..1200, months, required" in lines
    assert "not_enough_relief      multi, conditional, choices from prior_treatments" in lines
    assert "opioids_now            single, choices: yes_no_not_sure" in lines
    assert "    crps                         Complex regional pain syndrome" in lines
    assert "    not_sure                     Not sure" in lines
    assert lines[-1] == "diastolic_bp           number, 30..160, mmHg, staff only"


@pytest.mark.parametrize("fmt", ["text", "html", "md", "json"])
def test_summary_to_file_is_owner_only(
    cli: Cli, kinds_args: list[str], kinds_answers: Path, tmp_path: Path, fmt: str
) -> None:
    target = tmp_path / f"out.{fmt}"
    code, out, err = cli(
        "summary",
        "--answers",
        str(kinds_answers),
        "--format",
        fmt,
        "--output",
        str(target),
        *kinds_args,
    )
    assert (code, out, err) == (0, "", f"Summary written to {target}\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    written = target.read_text()
    assert guard.NEXT_STEP in written and "Alex Example" in written


def test_summary_is_dated_by_the_clock(
    cli: Cli, clock: Clock, kinds_args: list[str], kinds_answers: Path
) -> None:
    code, out, _ = cli("summary", "--answers", str(kinds_answers), *kinds_args)
    assert code == 0
    assert out.startswith(f"Test clinic questionnaire, prepared {TODAY.isoformat()}\n")
    assert "  Date of birth: 1971-11-21 (age 55)\n" in out
    clock.advance(days=-1)  # the day before the birthday
    out = cli("summary", "--answers", str(kinds_answers), *kinds_args).out
    assert out.startswith("Test clinic questionnaire, prepared 2026-11-20\n")
    assert "  Date of birth: 1971-11-21 (age 54)\n" in out


def test_summary_to_stdout(
    cli: Cli, clock: Clock, kinds_args: list[str], kinds_answers: Path
) -> None:
    code, out, _ = cli("summary", "--answers", str(kinds_answers), "--format", "json", *kinds_args)
    assert code == 0
    data = json.loads(out)
    assert (data["next_step"], data["prepared"]) == (guard.NEXT_STEP, TODAY.isoformat())
    assert [p["rule"] for p in data["points"]] == [
        "long_pain",
        "patient_note",
        "opioids_now",
        "blood_pressure_raised",
    ]


BAD = [
    # (file name, content, words expected in the error)
    ("a.yaml", "pain_duration_months: 12\npain_intensity: 12\n",
     "a.yaml:2: pain_intensity: Enter a whole number from 0 to 10."),
    ("a.yaml", "pain_duration_months: [12\n", "a.yaml:2: not valid YAML"),
    ("a.json", '{"pain_duration_months": 12,', "a.json:1: not valid JSON"),
    ("a.json", '{"pain_duration_months": "twelve"}', "pain_duration_months: Enter a number"),
    ("a.json", "[1, 2]", "a.json: must map question ids to answers"),
    ("a.yaml", "", "a.yaml: is empty"),
    ("a.yaml", "pain_intensity: 3\n", "pain_duration_months: is required but has no answer"),
    ("a.yaml", "pain_duration_months: 3\nfavourite: x\n", "a.yaml:2: favourite: is not a question"),
    ("a.yaml", "pain_duration_months: 3\nconditions: [crps, nope]\n",
     "a.yaml:2: conditions: item 2 is not one of"),
    ("a.yaml", "pain_duration_months: 3\nnot_enough_relief: [opioids]\n",
     "not_enough_relief: is answered, but its condition does not hold"),
    ("a.yaml", "pain_duration_months: 3\nprior_treatments: [nsaids]\n"
     "not_enough_relief: [opioids]\n", "not_enough_relief: item 1 was not chosen"),
    ("a.yaml", "pain_duration_months: 3\nopioids_now: true\n", "opioids_now: must be one of"),
    ("a.yaml", "pain_duration_months: 3\ndate_of_birth: 2026-11-22\n",
     "a.yaml:2: date_of_birth: Enter a date as YYYY-MM-DD, not before 1900-01-01 and not after "
     "2026-11-21."),
    ("a.yaml", "\xff\xfe", "is not UTF-8 text"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "content", "words"), BAD)
def test_bad_answers_file(
    cli: Cli,
    clock: Clock,
    kinds_args: list[str],
    tmp_path: Path,
    name: str,
    content: str,
    words: str,
) -> None:
    path = tmp_path / name
    path.write_bytes(content.encode("latin-1"))
    target = tmp_path / "summary.txt"
    code, out, err = cli("summary", "--answers", str(path), "--output", str(target), *kinds_args)
    assert code == 2, err
    assert words in err
    assert "Traceback" not in err and out == ""
    assert not target.exists()


def test_missing_answers_file_and_bad_format(
    cli: Cli, kinds_args: list[str], kinds_answers: Path, tmp_path: Path
) -> None:
    code, _, err = cli("summary", "--answers", str(tmp_path / "nope.yaml"), *kinds_args)
    assert (code, err) == (2, f"screening: {tmp_path}/nope.yaml: no such file\n")
    code, _, err = cli("summary", "--answers", str(kinds_answers), "--format", "docx")
    assert code == 2 and "Invalid value for '--format'" in err
    assert "'docx' is not one of 'text', 'html', 'md', 'json', 'pdf'" in err


def test_error_messages_never_show_answers(cli: Cli, kinds_args: list[str], tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(
        "pain_duration_months: 3\npatient_name: Zebedee Quinlan\n"
        "opioids_now: Zebedee\ndate_of_birth: Zebedee\n"
    )
    code, out, err = cli("summary", "--answers", str(path), *kinds_args)
    assert code == 2
    # Both bad answers were looked at and reported, by question, without their value.
    assert "a.yaml:3: opioids_now: must be one of" in err
    assert "a.yaml:4: date_of_birth: Enter a date" in err
    assert "Zebedee" not in err + out


def test_broken_rules_folder_stops_summary(
    cli: Cli, write_defs: WriteDefs, kinds_answers: Path
) -> None:
    folder = write_defs(rules=SMALL_RULES.replace("year: 2020", "year: twenty"))
    code, _, err = cli("summary", "--answers", str(kinds_answers), "--rules", str(folder))
    assert code == 2 and "rules.yaml:2: source src: year" in err


def test_unwritable_output(
    cli: Cli, kinds_args: list[str], kinds_answers: Path, tmp_path: Path
) -> None:
    code, _, err = cli(
        "summary",
        "--answers",
        str(kinds_answers),
        "--output",
        str(tmp_path / "no" / "such" / "dir.txt"),
        *kinds_args,
    )
    assert code == 2 and "does not exist" in err


def test_python_dash_m_and_no_traceback_from_a_real_process(
    kinds_args: list[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("pain_duration_months: -4\n")
    proc = subprocess.run(
        [sys.executable, "-m", "screening", "summary", "--answers", str(bad), *kinds_args],
        capture_output=True,
        text=True,
        env=child_env(tmp_path / "data"),
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        f"screening: {bad}:1: pain_duration_months: Enter a number from 0 to 1200."
    )
    assert proc.stdout == ""


# --- --output writes only regular files of the user's own ------------------------------------


def _summary_to(cli: Cli, kinds_args: list[str], kinds_answers: Path, target: str) -> CliResult:
    return cli("summary", "--answers", str(kinds_answers), "--output", target, *kinds_args)


def test_output_dash_is_standard_output(
    cli: Cli, kinds_args: list[str], kinds_answers: Path, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = _summary_to(cli, kinds_args, kinds_answers, "-")
    assert (code, err) == (0, "")
    assert guard.NEXT_STEP in out
    assert not (tmp_path / "-").exists()


def test_output_replaces_a_file_of_ours_in_one_step(
    cli: Cli, kinds_args: list[str], kinds_answers: Path, tmp_path: Path
) -> None:
    target = tmp_path / "summary.txt"
    target.write_text("old")
    target.chmod(0o644)
    old_inode = target.stat().st_ino
    assert _summary_to(cli, kinds_args, kinds_answers, str(target)).code == 0
    assert guard.NEXT_STEP in target.read_text()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.stat().st_ino != old_inode  # a new file renamed into place
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_output_to_a_device_is_refused(
    cli: Cli, kinds_args: list[str], kinds_answers: Path
) -> None:
    before = os.stat("/dev/null")
    code, out, err = _summary_to(cli, kinds_args, kinds_answers, "/dev/null")
    assert (code, out) == (2, "")
    assert err == (
        "screening: /dev/null: is not a regular file (a device or a pipe?); give a file name, "
        "or - for standard output (nothing was written)\n"
    )
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


def test_output_to_a_fifo_is_refused_without_waiting(
    cli: Cli, kinds_args: list[str], kinds_answers: Path, tmp_path: Path
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo, 0o600)
    code, _, err = _summary_to(cli, kinds_args, kinds_answers, str(fifo))
    assert code == 2 and "is not a regular file" in err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_output_through_a_symbolic_link_is_refused(
    cli: Cli, kinds_args: list[str], kinds_answers: Path, tmp_path: Path
) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("precious")
    link = tmp_path / "summary.txt"
    link.symlink_to(target)
    code, _, err = _summary_to(cli, kinds_args, kinds_answers, str(link))
    assert (code, err) == (
        2,
        f"screening: {link}: is a symbolic link; give the name of a plain file "
        "(nothing was written)\n",
    )
    assert target.read_text() == "precious" and link.is_symlink()


def test_output_over_another_users_file_is_refused(
    cli: Cli, kinds_args: list[str], kinds_answers: Path, tmp_path: Path
) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs to make a file owned by another user")
    target = tmp_path / "theirs.txt"
    target.write_text("theirs")
    os.chown(target, 65534, 65534)
    code, _, err = _summary_to(cli, kinds_args, kinds_answers, str(target))
    assert code == 2 and "belongs to another user" in err
    assert target.read_text() == "theirs"
