"""Start-up and command times, as ratios to `python -c pass` measured in the same run.

Each round runs `python -c pass` and then every command once, so the baseline and the
commands see the same machine state (interleaved, not all baselines first). Medians, with the
min-max of each ratio across rounds. The interview is timed from process start until the
first question's own prompt is drawn, in a pseudo-terminal that answers the terminal's
cursor-position requests as a real one does. Every command runs as from a user's install,
with compiled .pyc files (PYTHONDONTWRITEBYTECODE is dropped from its environment).

Targets: `screening --help` <= 7x; first question on screen <= 15x.
Run: .venv/bin/python benchmarks/startup.py [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pexpect

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "answers-example.yaml"
TARGETS = {"screening --help": 7.0, "first question, staff": 15.0,
           "first question, patient": 15.0}  # fmt: skip
CPR_REQUEST = "\x1b[6n"
FIRST_QUESTION = {"staff": "Patient's full name", "patient": "Where do you feel the pain?"}


def _screening() -> list[str]:
    script = Path(sys.executable).with_name("screening")
    return [str(script)] if script.exists() else [sys.executable, "-m", "screening"]


def _run(*args: str, env: dict[str, str]) -> Callable[[], float]:
    def run() -> float:
        start = time.perf_counter()
        subprocess.run([*_screening(), *args], check=True, stdout=subprocess.DEVNULL, env=env)
        return time.perf_counter() - start

    return run


def _python_pass(env: dict[str, str]) -> Callable[[], float]:
    def run() -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True, env=env)
        return time.perf_counter() - start

    return run


def _until(child: pexpect.spawn, text: str) -> None:
    """Read until ``text``, answering every cursor-position request on the way."""
    while child.expect_exact([CPR_REQUEST, text]) == 0:
        child.send("\x1b[1;1R")


def _first_question(mode: str, env: dict[str, str]) -> Callable[[], float]:
    command = _screening()

    def run() -> float:
        start = time.perf_counter()
        # --lang: the language screen a patient sees first is a choice, not start-up time.
        child = pexpect.spawn(
            command[0],
            [*command[1:], "interview", "--mode", mode, "--lang", "en"],
            env=env,
            encoding="utf-8",
            timeout=30,
            dimensions=(40, 100),
        )
        child.delaybeforesend = None
        _until(child, "Ready to start?")
        child.send("\r")
        _until(child, FIRST_QUESTION[mode])
        seconds = time.perf_counter() - start
        child.terminate(force=True)
        return seconds

    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    data = tempfile.mkdtemp()
    env = {**os.environ, "SCREENING_DATA_DIR": data, "TERM": "xterm",
           "SCREENING_STORE": str(Path(data) / "bench.db")}  # fmt: skip
    env.pop("PROMPT_TOOLKIT_NO_CPR", None)
    # As a user's install runs: with the modules' compiled .pyc files written and read.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    python_pass = _python_pass(env)
    try:
        record = subprocess.run(
            [*_screening(), "records", "add", "--answers", str(EXAMPLE)],
            check=True,
            capture_output=True,
            text=True,
            env=env,
        )
        commands: dict[str, Callable[[], float]] = {
            "screening --help": _run("--help", env=env),
            "first question, staff": _first_question("staff", env),
            "first question, patient": _first_question("patient", env),
            "summary --answers (text)": _run("summary", "--answers", str(EXAMPLE), env=env),
            "summary --answers (html)": _run(
                "summary", "--answers", str(EXAMPLE), "--format", "html", env=env
            ),
            "questions": _run("questions", env=env),
            "summary ID": _run("summary", record.stdout.strip(), env=env),
            "records list": _run("records", "list", env=env),
        }
        for run in (python_pass, *commands.values()):
            run()  # warm the file cache and the definitions cache once
        base: list[float] = []
        ratios: dict[str, list[float]] = {name: [] for name in commands}
        seconds: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(rounds):
            baseline = python_pass()
            base.append(baseline)
            for name, run in commands.items():
                took = run()
                seconds[name].append(took)
                ratios[name].append(took / baseline)
    finally:
        shutil.rmtree(data, ignore_errors=True)
    print(f"python -c pass: {statistics.median(base) * 1000:.1f} ms (median of {rounds} rounds)")
    failed = False
    for name in commands:
        ratio = statistics.median(ratios[name])
        target = TARGETS.get(name)
        verdict = (
            ""
            if target is None
            else (f"  (target <= {target:g}x) {'ok' if ratio <= target else 'OVER'}")
        )
        failed |= target is not None and ratio > target
        print(
            f"{name}: {statistics.median(seconds[name]) * 1000:.0f} ms = {ratio:.1f}x "
            f"[{min(ratios[name]):.1f}-{max(ratios[name]):.1f}]{verdict}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
