"""Hostile answers and definition files, through the CLI: each is refused with a short message
naming the file (and line where there is one) and exit 2; never a hang, a traceback, an
"internal error", a Python warning, a value from the file or a raw control character."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import KINDS_QUESTIONNAIRE, KINDS_RULES, Cli, Clock, WriteDefs, child_env

PATIENT = "Zebedee Quinlan"  # stands for patient data: never in a message


def _bomb(levels: int = 9) -> str:
    """Billion laughs: each level an anchored list of nine aliases of the level before."""
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def _deep(levels: int) -> str:
    return "[" * levels + "]" * levels


# (file name, content, what the message says); each is an answers file for KINDS_*.
ANSWERS_FILES = [
    ("bomb.yaml", "pain_duration_months: 3\n" + _bomb(),
     "bomb.yaml:2: an anchor (&) is not allowed"),
    ("alias.yaml", f"patient_name: &n {PATIENT}\nnotes: *n\n", "alias.yaml:1: an anchor"),
    ("tag.yaml", "pain_duration_months: !!float 3\n", "tag.yaml:1: a tag (!) is not allowed"),
    ("pytag.yaml", "notes: !!python/object/apply:os.system [ls]\n", "pytag.yaml:1: a tag (!)"),
    ("deep.yaml", f"pain_duration_months: 3\nnotes: {_deep(3000)}\n",
     "deep.yaml:2: is nested more than 50 levels deep"),
    ("deep.json", f'{{"pain_duration_months": 3, "notes": {_deep(3000)}}}',
     "deep.json: is nested more than 50 levels deep"),
    ("deep2.json", f'{{"pain_duration_months": 3, "notes": {_deep(60)}}}',
     "deep2.json: is nested more than 50 levels deep"),
    ("long.yaml", f"pain_duration_months: {'9' * 5001}\n",
     "long.yaml:1: a value here is a number too long to read"),
    ("long.json", f'{{"pain_duration_months": {"9" * 5001}}}',
     "long.json: pain_duration_months: Enter a number from 0 to 1200."),
    ("big.yaml", f"pain_duration_months: {'9' * 4000}\n",
     "big.yaml:1: pain_duration_months: Enter a number from 0 to 1200."),
    ("huge.json", '{"pain_duration_months": 1e999}',
     "huge.json: pain_duration_months: Enter a number from 0 to 1200."),
    ("nan.json", '{"pain_duration_months": NaN}',
     "nan.json: pain_duration_months: Enter a number from 0 to 1200."),
    ("inf.yaml", "pain_duration_months: .inf\n",
     "inf.yaml:1: pain_duration_months: Enter a number from 0 to 1200."),
    ("date.yaml", "pain_duration_months: 3\ndate_of_birth: 2021-02-30\n",
     "date.yaml:2: a value here is not a real date"),
    ("surrogate.yaml", 'pain_duration_months: 3\nnotes: "a\\ud800b"\n',
     "surrogate.yaml:2: notes: Some characters could not be read."),
    ("surrogate.json", '{"pain_duration_months": 3, "notes": "a\\ud800b"}',
     "surrogate.json: notes: Some characters could not be read."),
    ("twice.yaml", f"pain_duration_months: 3\npatient_name: {PATIENT}\npatient_name: Other\n",
     "twice.yaml:3: the key 'patient_name' is given twice (first on line 2)"),
    ("twice.json", f'{{"pain_duration_months": 3,\n"patient_name": "{PATIENT}",\n'
     '"patient_name": "Other"}', "twice.json:3: the key 'patient_name' is given twice"),
    ("anchor.yaml", "pain_duration_months: &x 3\npain_intensity: &x 4\n",
     "anchor.yaml:1: an anchor (&) is not allowed"),
    ("osc.yaml", 'pain_duration_months: 3\n"\\e]52;c;aGVsbG8=\\a": 1\n',
     "osc.yaml:2: (unprintable characters): is not a question"),
    ("csi.yaml", 'pain_duration_months: 3\n"x\\e[2Jy\\u202e": 1\n',
     "csi.yaml:2: xy: is not a question"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "content", "words"), ANSWERS_FILES)
def test_hostile_answers_file(
    cli: Cli,
    clock: Clock,
    kinds_args: list[str],
    tmp_path: Path,
    name: str,
    content: str,
    words: str,
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8", errors="surrogatepass")
    for command in (["summary"], ["records", "add"]):
        code, out, err = cli(*command, "--answers", str(path), *kinds_args)
        assert code == 2, err
        assert words in err
        _clean_message(err, out)


def _clean_message(err: str, out: str = "") -> None:
    assert out == "" and err.startswith("screening: ")
    for bad in (
        "Traceback",
        "internal error",
        "Warning",
        PATIENT,
        "Other",
        "\x1b",
        "\x07",
        "\u202e",
    ):
        assert bad not in err


Make = Callable[[Path], Path]


def _fifo(tmp: Path) -> Path:
    os.mkfifo(tmp / "fifo.yaml")
    return tmp / "fifo.yaml"


def _folder(tmp: Path) -> Path:
    (tmp / "folder.yaml").mkdir()
    return tmp / "folder.yaml"


def _too_large(tmp: Path) -> Path:
    path = tmp / "large.yaml"
    path.write_text("notes: " + "x" * 2_000_001 + "\n")
    return path


def _unreadable(tmp: Path) -> Path:
    path = tmp / "locked.yaml"
    path.write_text("pain_duration_months: 3\n")
    path.chmod(0)
    if os.access(path, os.R_OK):
        pytest.skip("running as a user who can read any file")
    return path


NOT_FILES: list[tuple[str, Make, str]] = [
    ("fifo", _fifo, "fifo.yaml: is not a regular file (a pipe, a device or a socket)"),
    ("device", lambda _: Path("/dev/zero"), "/dev/zero: is not a regular file"),
    ("folder", _folder, "folder.yaml: is a folder, not a file"),
    ("large", _too_large, "large.yaml: is larger than 2 MB"),
    ("unreadable", _unreadable, "locked.yaml: cannot be read (permission denied)"),
    ("input-output error", lambda _: Path("/proc/self/mem"), "/proc/self/mem: cannot be read ("),
    ("missing", lambda tmp: tmp / "nope.yaml", "nope.yaml: no such file"),
]


@pytest.mark.parametrize(("kind", "make", "words"), NOT_FILES, ids=[n[0] for n in NOT_FILES])
def test_answers_file_that_is_not_a_readable_file(
    kinds_args: list[str], tmp_path: Path, kind: str, make: Make, words: str
) -> None:
    # A real process: a pipe or a device must be refused before anything waits on it.
    path = make(tmp_path)
    if not path.exists() and kind != "missing":
        pytest.skip(f"no {path} here")
    done = subprocess.run(
        [sys.executable, "-m", "screening", "summary", "--answers", str(path), *kinds_args],
        capture_output=True,
        text=True,
        env=child_env(tmp_path / "data"),
        stdin=subprocess.DEVNULL,
        timeout=30,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert words in done.stderr and done.stderr.count("\n") == 1
    _clean_message(done.stderr, done.stdout)


# (what to do to rules.yaml, what the message says)
DEFINITIONS: list[tuple[str, Callable[[str], str], str]] = [
    ("bomb", lambda text: text + _bomb(), "aliases (*) repeat more than 10,000 values"),
    ("self alias", lambda text: text + "x: &a [1, *a]\n", "an alias refers to the part that holds"),
    ("deep", lambda text: text + f"x: {_deep(3000)}\n", "is nested more than 50 levels deep"),
    ("twice", lambda text: text + "rules: []\n", "the key 'rules' is given twice (first on line"),
    ("long number", lambda text: text.replace("year: 2020", f"year: {'1' * 5001}"),
     "a value here is a number too long to read"),
    ("bad date", lambda text: text + "x: 2021-02-30\n", "a value here is not a real date"),
    ("anchor reused", lambda text: text + "x: &a 1\ny: &a 2\n", "x: unknown field"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "words"), [d[1:] for d in DEFINITIONS], ids=[d[0] for d in DEFINITIONS]
)
def test_hostile_rules_file(
    cli: Cli,
    write_defs: WriteDefs,
    kinds_args: list[str],
    kinds_answers: Path,
    change: Callable[[str], str],
    words: str,
) -> None:
    folder = write_defs(KINDS_QUESTIONNAIRE, change(KINDS_RULES))
    for command in (
        ["check", "--rules", str(folder)],
        ["summary", "--answers", str(kinds_answers), "--rules", str(folder)],
    ):
        code, out, err = cli(*command)
        assert code == 2, err
        assert f"{folder}/rules.yaml:" in err and words in err
        _clean_message(err, out)


def test_aliases_within_the_budget_are_read(
    cli: Cli, write_defs: WriteDefs, kinds_answers: Path
) -> None:
    rules = KINDS_RULES.replace(
        "    sources: [guide]\n    criteria: [C1]\n  - id: opioids_now",
        "    sources: &guide [guide]\n    criteria: [C1]\n  - id: opioids_now",
    ).replace("    sources: [guide]\n    criteria: [C2]", "    sources: *guide\n    criteria: [C2]")
    assert "*guide" in rules
    code, _, err = cli("check", "--rules", str(write_defs(KINDS_QUESTIONNAIRE, rules)))
    assert code == 0, err


@pytest.mark.parametrize("which", ["questionnaire.yaml", "rules.yaml"])
def test_definition_file_that_is_a_pipe(
    write_defs: WriteDefs, kinds_answers: Path, tmp_path: Path, which: str
) -> None:
    folder = write_defs()
    (folder / which).unlink()
    os.mkfifo(folder / which)
    for command in (["check"], ["summary", "--answers", str(kinds_answers)], ["questions"]):
        done = subprocess.run(
            [sys.executable, "-m", "screening", *command, "--rules", str(folder)],
            capture_output=True,
            text=True,
            env=child_env(tmp_path / "data"),
            stdin=subprocess.DEVNULL,
            timeout=30,
            check=False,
        )
        assert done.returncode == 2, done.stderr
        assert f"{folder / which}: is not a regular file" in done.stderr
