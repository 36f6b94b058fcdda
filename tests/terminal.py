"""Driving the real `screening interview` in a pseudo-terminal, for the process tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pexpect

from tests.conftest import child_env

TIMEOUT = 20


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
