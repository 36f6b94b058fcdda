"""Driving the real `screening interview` and `screening kiosk` in a pseudo-terminal, for the
process tests; and a terminal emulator (pyte) that keeps what a screen shows and its
scroll-back."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pexpect
import pyte
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import PipeInput
from prompt_toolkit.output.vt100 import Vt100_Output

from tests.conftest import child_env

TIMEOUT = 20
ROWS, COLUMNS = 30, 100
PASSPHRASE = "desk-only-42"  # noqa: S105 (a test's kiosk)


def interview_env(data: Path) -> dict[str, str]:
    """A child's environment (nothing SCREENING_* from the shell; data and the default store
    under ``data``) for a plain terminal."""
    return {
        **child_env(data),
        "TERM": "xterm",
        "NO_COLOR": "1",
        # pexpect does not answer cursor-position requests; a real terminal does.
        "PROMPT_TOOLKIT_NO_CPR": "1",
    }


def spawn(args: list[str], env: dict[str, str]) -> pexpect.spawn:
    return pexpect.spawn(
        sys.executable,
        ["-m", "screening", "interview", *args],
        env=env,
        encoding="utf-8",
        timeout=TIMEOUT,
        dimensions=(40, 120),
    )


def answer(child: pexpect.spawn, prompt: str, keys: str) -> None:
    child.expect_exact(prompt)
    child.send(keys)


def skip_and_finish(child: pexpect.spawn, questions: int, finish: str) -> int:
    """Enter alone for each remaining question, finish at the review; the exit status."""
    for _ in range(questions):
        answer(child, "Question", "\r")
    answer(child, "Pick an answer to change it, or finish", "\r")
    answer(child, finish, "\r")
    child.expect(pexpect.EOF)
    child.close()
    status: int = child.exitstatus
    return status


class Screen:
    """A terminal emulator fed what a program writes: what its screen shows now, and the
    lines scrolled off its top (the scroll-back a person could scroll to)."""

    def __init__(self, rows: int = ROWS, columns: int = COLUMNS) -> None:
        self.screen = pyte.HistoryScreen(columns, rows, history=100_000)
        self.stream = pyte.Stream(self.screen)
        self.transcript: list[str] = []  # everything written, as written

    def write(self, text: str) -> int:
        self.stream.feed(text)
        self.transcript.append(text)
        return len(text)

    def flush(self) -> None:
        pass

    def resize(self, rows: int, columns: int) -> None:
        self.screen.resize(rows, columns)

    def shown(self) -> str:
        """The screen as it is now."""
        return "\n".join(line.rstrip() for line in self.screen.display)

    def scrollback(self) -> list[str]:
        columns = self.screen.columns
        return [
            "".join(line[x].data for x in range(columns)).rstrip()
            for line in (*self.screen.history.top, *self.screen.history.bottom)
        ]

    def everything(self) -> str:
        """Everything a person at this terminal could see or scroll to."""
        return "\n".join([*self.scrollback(), self.shown()])


def spawn_kiosk(
    args: list[str],
    env: dict[str, str],
    patch: Mapping[str, float] | None = None,
    start: str = "Press Enter to start.",
) -> tuple[pexpect.spawn, Screen]:
    """`screening kiosk ARGS` in a pseudo-terminal, with module constants set first (like a
    shorter wait after wrong passphrases), and a Screen of all it writes, at its ``start``
    screen. The passphrase is set to PASSPHRASE."""
    sets = "".join(
        f"importlib.import_module({name.rsplit('.', 1)[0]!r}).{name.rsplit('.', 1)[1]} = {v!r}; "
        for name, v in (patch or {}).items()
    )
    code = f"import importlib; {sets}from screening.cli import main; main()"
    child = pexpect.spawn(
        sys.executable,
        ["-c", code, "kiosk", *args],
        env=env,
        encoding="utf-8",
        timeout=TIMEOUT,
        dimensions=(ROWS, COLUMNS),
    )
    child.delaybeforesend = None  # keys as fast as hands press them, or faster
    screen = Screen()
    child.logfile_read = screen
    answer(child, "Set the staff passphrase", PASSPHRASE + "\r")
    answer(child, "Type the same passphrase again", PASSPHRASE + "\r")
    child.expect_exact(start)
    return child, screen


def settle(child: pexpect.spawn, quiet: float = 0.3) -> None:
    """Read what the child writes until it has been quiet for ``quiet`` seconds (into its
    log, the Screen: a later ``expect`` does not see it)."""
    while True:
        try:
            child.read_nonblocking(100_000, timeout=quiet)
        except pexpect.TIMEOUT:
            return
        except pexpect.EOF:
            return


def gone(child: pexpect.spawn, within: float = TIMEOUT) -> int | None:
    """Wait for the child to end; its exit status (None if it is still running)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not child.ptyproc.isalive():
            status: int | None = child.ptyproc.exitstatus
            return status
        time.sleep(0.05)
    return None


# What to wait for, the keys to type then, and (optionally) what to do just before typing.
Step = tuple[str, str] | tuple[str, str, Callable[[], object]]


class KioskHere:
    """`run_kiosk` in this process: keys through a pipe, the screen into a Screen. A thread
    plays ``steps``: each waits for its text to be written, does its action if it has one
    (break the store, mend it), then types its keys. If a step waits too long, the pipe is
    closed, so the kiosk ends and the test fails instead of hanging."""

    def __init__(self, screen: Screen | None = None) -> None:
        self.screen = screen or Screen()
        self.problems: list[str] = []

    def output(self) -> Vt100_Output:
        return Vt100_Output(
            self.screen,  # type: ignore[arg-type]
            lambda: Size(rows=ROWS, columns=COLUMNS),
            term="xterm",
            enable_cpr=False,
        )

    def play(self, pipe: PipeInput, steps: Sequence[Step]) -> threading.Thread:
        def run() -> None:
            rest, chunks = "", 0  # written, and not yet matched
            for wanted, keys, *action in steps:
                deadline = time.monotonic() + TIMEOUT
                while True:
                    new = self.screen.transcript[chunks:]
                    rest, chunks = rest + "".join(new), chunks + len(new)
                    found = rest.find(wanted)
                    if found >= 0:
                        rest = rest[found + len(wanted) :]
                        break
                    if time.monotonic() > deadline:
                        self.problems.append(f"never shown: {wanted!r}")
                        pipe.close()
                        return
                    time.sleep(0.01)
                for act in action:
                    act()
                pipe.send_text(keys)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread
