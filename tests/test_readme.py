"""The README's quick start is what CI runs."""

from __future__ import annotations

import re

from tests.conftest import TESTS

ROOT = TESTS.parent


def quick_start_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_two_commands_and_ci_runs_the_test_one() -> None:
    commands = quick_start_commands()
    assert len(commands) == 2
    run, test = commands
    assert run.endswith(".venv/bin/screening interview")
    assert test in (ROOT / ".ci" / "run").read_text().splitlines()
