"""One way out for every command: the README's table lists every exit code, each code comes
from the command line as a person would meet it, usage mistakes show click's usage line,
and the environment (a closed, full, broken or non-UTF-8 standard output) never crashes."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from screening.adapters.store import Store
from screening.core import errors
from tests.conftest import TESTS, Cli, Clock, child_env

TIMEOUT = 30
CJK_NAME = "李小龍"


def exit_codes_in_readme() -> dict[int, str]:
    text = (TESTS.parent / "README.md").read_text()
    section = text.split("### Exit codes", 1)[1].split("\n#", 1)[0]
    return {
        int(code): meaning for code, meaning in re.findall(r"^\| (\d+) \| (.+) \|$", section, re.M)
    }


def test_readme_lists_every_exit_code() -> None:
    codes = {v for k, v in vars(errors).items() if k.startswith("EXIT_")}
    assert set(exit_codes_in_readme()) == codes


def run(
    tmp_path: Path, *args: str, typed: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`screening ARGS` as a real process with its data under tmp_path."""
    return subprocess.run(
        [sys.executable, "-m", "screening", *args],
        input=typed,
        stdin=None if typed is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env={**child_env(tmp_path / "data"), **(env or {})},
        timeout=TIMEOUT,
        check=False,
    )


@pytest.fixture
def stored(cli: Cli, clock: Clock, kinds_args: list[str], tmp_path: Path) -> str:
    """A complete record in the default store, with a name in Chinese characters; its id."""
    answers = tmp_path / "cjk.yaml"
    answers.write_text(f"pain_duration_months: 30\npatient_name: {CJK_NAME}\n", encoding="utf-8")
    code, out, err = cli("records", "add", "--answers", str(answers), *kinds_args)
    assert code == 0, err
    return out.strip()


def _internal_error(cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[int, str]:
    def broken(*_: object) -> str:
        raise RuntimeError("Zebedee Quinlan")  # an exception whose text holds patient data

    monkeypatch.setattr("screening.app.definitions.list_questions", broken)
    code, _, err = cli("questions")
    assert "internal error (RuntimeError)" in err and "Zebedee" not in err
    return code, err


def _store_busy(cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[int, str]:
    db = tmp_path / "busy.db"
    with Store.open(db):
        pass
    monkeypatch.setitem(Store.open.__func__.__kwdefaults__, "busy_ms", 100)  # type: ignore[attr-defined]
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        example = TESTS.parent / "examples" / "answers-example.yaml"
        code, _, err = cli("records", "add", "--answers", str(example), "--store", str(db))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "busy" in err
    return code, err


def _interview(typed: str) -> Callable[[Cli, pytest.MonkeyPatch, Path], tuple[int, str]]:
    def interview(cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[int, str]:
        done = run(tmp_path, "interview", "--mode", "patient", typed=typed)
        return done.returncode, done.stderr

    return interview


def _broken_pipe(cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[int, str]:
    # The reader goes away before anything is written, as `| head -1` does after a line.
    with subprocess.Popen(
        [sys.executable, "-m", "screening", "records", "export", "--all"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=child_env(tmp_path / "data"),
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()
        err = proc.stderr.read().decode()
        code = proc.wait(timeout=TIMEOUT)
    assert err == ""  # quietly
    return code, err


WAYS_OUT: dict[int, Callable[[Cli, pytest.MonkeyPatch, Path], tuple[int, str]]] = {
    errors.EXIT_OK: lambda cli, *_: cli("--version")[::2],
    errors.EXIT_BAD_INPUT: lambda cli, _, tmp: cli("summary", "--answers", str(tmp / "no.yaml"))[
        ::2
    ],
    errors.EXIT_INPUT_ENDED: _interview("y\nmy back\n"),
    errors.EXIT_INTERNAL: _internal_error,
    errors.EXIT_TRY_AGAIN: _store_busy,
    errors.EXIT_STOPPED: _interview("n\n"),
    errors.EXIT_BROKEN_PIPE: _broken_pipe,
}


@pytest.mark.parametrize("code", sorted(exit_codes_in_readme()))
def test_each_exit_code_through_the_cli(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, stored: str, code: int
) -> None:
    got, err = WAYS_OUT[code](cli, monkeypatch, tmp_path)
    assert got == code, err
    assert "Traceback" not in err


USAGE_MISTAKES = [
    (["records", "list", "--bogus"], "screening records list", "No such option: --bogus"),
    (["records", "list", "--format"], "screening records list", "'--format' requires an argument"),
    (["summary", "--format"], "screening summary", "'--format' requires an argument"),
    (["bogus"], "screening [OPTIONS] COMMAND", "No such command 'bogus'"),
    (["records", "bogus"], "screening records [OPTIONS] COMMAND", "No such command 'bogus'"),
    (["--bogus"], "screening [OPTIONS] COMMAND", "No such option: --bogus"),
    (["records", "purge", "--older-than", "1000000d", "--yes"], "screening records purge",
     "'1000000d' is more than 36500d (100 years)"),
    (["records", "purge", "--older-than", "9" * 5000 + "d", "--yes"], "screening records purge",
     "is not a duration like 30d or 6w"),
    (["records", "list", "--since", "2021-02-30"], "screening records list",
     "'2021-02-30' is not a date; write today, yesterday or YYYY-MM-DD"),
    (["summary", "--format", "docx"], "screening summary", "'docx' is not one of"),
    (["interview", "--mode", "nurse"], "screening interview", "'nurse' is not one of"),
    (["records", "add"], "screening records add", "Missing option '--answers'"),
    (["records", "show"], "screening records show", "Missing argument 'ID'"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "usage", "words"), USAGE_MISTAKES)
def test_usage_mistakes_show_the_usage_line(
    cli: Cli, stored: str, args: list[str], usage: str, words: str
) -> None:
    code, out, err = cli(*args)
    assert (code, out) == (2, "")
    assert err.startswith(f"Usage: {usage}") and words in err
    assert "internal error" not in err and len(err) < 1000


def test_usage_mistake_in_a_real_process(tmp_path: Path) -> None:
    done = run(tmp_path, "records", "list", "--format")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "Usage: screening records list [OPTIONS]",
        "Try 'screening records list --help' for help.",
        "",
        "Error: Option '--format' requires an argument.",
    ]


@pytest.mark.parametrize(
    "args",
    [
        ["records", "show", "\x1b]52;c;aGk=\x07x"],
        ["summary", "\x1b[2J\x9b31m"],
        ["\x1b]52;c;aGk=\x07"],
        ["records", "list", "--since", "\x1b[2J"],
    ],
)
def test_control_characters_typed_on_the_command_line_never_print_raw(
    cli: Cli, stored: str, args: list[str]
) -> None:
    code, _, err = cli(*args)
    assert code == 2
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", err), repr(err)


def test_closed_standard_output(tmp_path: Path, stored: str, kinds_args: list[str]) -> None:
    def closed(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["sh", "-c", 'exec "$@" >&-', "sh", sys.executable, "-m", "screening", *args],
            capture_output=False,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            env=child_env(tmp_path / "data"),
            timeout=TIMEOUT,
            check=False,
        )

    for args in (["records", "list"], ["summary", stored], ["--version"]):
        done = closed(*args)
        assert done.returncode == 2, done.stderr
        assert (
            done.stderr == "screening: standard output is closed: nothing can be printed "
            "(use --output FILE)\n"
        )
    target = tmp_path / "out.txt"
    done = closed("summary", stored, "--output", str(target))
    assert done.returncode == 0, done.stderr
    assert CJK_NAME in target.read_text()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
@pytest.mark.parametrize("args", [["records", "list"], ["records", "export", "--all"]])
def test_full_standard_output(tmp_path: Path, stored: str, args: list[str]) -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "screening", *args],
            stdout=full,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            env=child_env(tmp_path / "data"),
            timeout=TIMEOUT,
            check=False,
        )
    assert done.returncode == 2
    assert done.stderr == "screening: could not write the output (No space left on device)\n"


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
@pytest.mark.parametrize(
    "args",
    [
        ["records", "list"],
        ["records", "show", "{id}"],
        ["summary", "{id}"],
        ["records", "export", "--all"],
    ],
)
def test_standard_output_that_cannot_show_every_character(
    tmp_path: Path, stored: str, encoding: str, args: list[str]
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "screening", *(a.format(id=stored) for a in args)],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        env={**child_env(tmp_path / "data"), "PYTHONIOENCODING": encoding},
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "???" in done.stdout.decode(encoding)
    assert re.fullmatch(
        r"screening: some characters cannot be shown in this terminal's encoding \(\S+\) "
        r"and were printed as '\?'; set PYTHONIOENCODING=utf-8 to see them\n",
        done.stderr.decode(),
    )
