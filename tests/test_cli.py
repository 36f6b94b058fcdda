"""The commands as a person runs them: exit codes, one-line errors, no tracebacks, no leaks."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from screening import __version__
from screening.cli import app
from tests.conftest import SMALL_RULES, TESTS, WriteDefs

runner = CliRunner()
EXAMPLE = TESTS / "patients" / "staff_full.yaml"


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_version() -> None:
    assert run("--version") == (0, f"screening {__version__}\n", "")


def test_check_packaged() -> None:
    code, out, _ = run("check")
    assert code == 0
    assert out.startswith("OK: 19 questions,") and "C1, C2" in out and "C11 covered" in out


def test_check_reports_each_problem_on_one_line(write_defs: WriteDefs) -> None:
    folder = write_defs(rules=SMALL_RULES.replace("category: history", "category: nope")
                        .replace("Pain for", "Eligible, pain for"))
    code, out, err = run("check", "--rules", str(folder))
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert lines == [
        f"screening: {folder}/rules.yaml:9: rule long_pain: unknown category 'nope'",
        f"screening: {folder}/rules.yaml:11: rule long_pain: note uses decision language: "
        '"eligible"',
    ]


def test_questions_lists_ids_types_and_choices() -> None:
    code, out, _ = run("questions")
    assert code == 0
    assert "pain_duration_months   number, 0..1200, months, required" in out
    assert "not_enough_relief      multi, conditional, choices from prior_treatments" in out
    assert "    postherpetic_neuralgia" in out


@pytest.mark.parametrize("fmt", ["text", "html", "md", "json"])
def test_summary_to_file_is_owner_only(tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"out.{fmt}"
    code, out, err = run("summary", "--answers", str(EXAMPLE), "--format", fmt,
                         "--output", str(target))
    assert code == 0 and out == "" and str(target) in err
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert "Discuss with a specialist." in target.read_text()


def test_summary_to_stdout() -> None:
    code, out, _ = run("summary", "--answers", str(EXAMPLE), "--format", "json")
    assert code == 0
    assert json.loads(out)["next_step"] == "Discuss with a specialist."


BAD = [
    # (file name, content, words expected in the error)
    ("a.yaml", "pain_duration_months: 12\npain_intensity: 12\n",
     "a.yaml:2: pain_intensity: Enter a whole number from 0 to 10."),
    ("a.yaml", "pain_duration_months: [12\n", "a.yaml:2: not valid YAML"),
    ("a.json", '{"pain_duration_months": 12,', "a.json:1: not valid JSON"),
    ("a.json", '{"pain_duration_months": "twelve"}', "pain_duration_months: Enter how long"),
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
    ("a.yaml", "pain_duration_months: 3\ncurrent_opioid_use: true\n",
     "current_opioid_use: must be one of"),
    ("a.yaml", "\xff\xfe", "is not UTF-8 text"),
]


@pytest.mark.parametrize(("name", "content", "words"), BAD)
def test_bad_answers_file(tmp_path: Path, name: str, content: str, words: str) -> None:
    path = tmp_path / name
    path.write_bytes(content.encode("latin-1"))
    target = tmp_path / "summary.txt"
    code, out, err = run("summary", "--answers", str(path), "--output", str(target))
    assert code == 2, err
    assert words in err
    assert "Traceback" not in err and out == ""
    assert not target.exists()


def test_missing_answers_file_and_bad_format(tmp_path: Path) -> None:
    code, _, err = run("summary", "--answers", str(tmp_path / "nope.yaml"))
    assert (code, err) == (2, f"screening: {tmp_path}/nope.yaml: no such file\n")
    code, _, err = run("summary", "--answers", str(EXAMPLE), "--format", "pdf")
    assert code == 2 and "Invalid value for '--format'" in err
    assert "'pdf' is not one of 'text', 'html', 'md', 'json'" in err


def test_error_messages_never_show_answers(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("pain_duration_months: 3\npatient_name: Zebedee Quinlan\n"
                    "current_opioid_use: Zebedee\ndate_of_birth: Zebedee\n")
    code, out, err = run("summary", "--answers", str(path))
    assert code == 2 and "Zebedee" not in err + out


def test_broken_rules_folder_stops_summary(write_defs: WriteDefs, tmp_path: Path) -> None:
    folder = write_defs(rules=SMALL_RULES.replace("year: 2020", "year: twenty"))
    code, _, err = run("summary", "--answers", str(EXAMPLE), "--rules", str(folder))
    assert code == 2 and "rules.yaml:2: source src: year" in err


def test_unwritable_output(tmp_path: Path) -> None:
    code, _, err = run("summary", "--answers", str(EXAMPLE), "--output",
                       str(tmp_path / "no" / "such" / "dir.txt"))
    assert code == 2 and "does not exist" in err


def test_python_dash_m_and_no_traceback_from_a_real_process(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("pain_duration_months: -4\n")
    env = {k: v for k, v in os.environ.items() if k != "SCREENING_DEBUG"}
    proc = subprocess.run([sys.executable, "-m", "screening", "summary", "--answers", str(bad)],
                          capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL,
                          check=False)
    assert proc.returncode == 2
    assert proc.stderr.strip() == (f"screening: {bad}:1: pain_duration_months: Enter how long "
                                   "you have had the pain, as a number that is 0 or more.")
    assert proc.stdout == ""
