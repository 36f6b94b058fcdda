"""Start-up time, as ratios to `python -c pass` measured in the same run.

Targets (issue 3): `screening --help` <= 7x; first question on screen <= 15x.
Run: .venv/bin/python benchmarks/startup.py [--runs N]
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

TARGETS = {"screening --help": 7.0, "first question on screen": 15.0}


def _screening() -> list[str]:
    script = Path(sys.executable).with_name("screening")
    return [str(script)] if script.exists() else [sys.executable, "-m", "screening"]


def _timed(run: Callable[[], float | None], runs: int) -> float:
    """Median seconds; a run may return its own measure (to leave out its clean-up)."""
    run()  # warm the file cache and the definitions cache once
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        own = run()
        samples.append(own if own is not None else time.perf_counter() - start)
    return statistics.median(samples)


def _python_pass() -> None:
    subprocess.run([sys.executable, "-c", "pass"], check=True)


def _help() -> None:
    subprocess.run([*_screening(), "--help"], check=True, stdout=subprocess.DEVNULL)


def _first_question(data: str) -> Callable[[], None]:
    env = {**os.environ, "SCREENING_DATA_DIR": data, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm"}
    command = _screening()

    def run() -> float:
        start = time.perf_counter()
        child = pexpect.spawn(
            command[0],
            [*command[1:], "interview", "--mode", "patient"],
            env=env,
            encoding="utf-8",
            timeout=30,
        )
        child.delaybeforesend = None
        child.expect_exact("Ready to start?")
        child.send("\r")
        child.expect_exact("Question 1 of")
        seconds = time.perf_counter() - start
        child.terminate(force=True)
        return seconds

    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    data = tempfile.mkdtemp()
    try:
        base = _timed(_python_pass, runs)
        results = {
            "screening --help": _timed(_help, runs),
            "first question on screen": _timed(_first_question(data), runs),
        }
    finally:
        shutil.rmtree(data, ignore_errors=True)
    print(f"python -c pass: {base * 1000:.1f} ms (median of {runs})")
    failed = False
    for name, seconds in results.items():
        ratio = seconds / base
        ok = ratio <= TARGETS[name]
        failed |= not ok
        print(
            f"{name}: {seconds * 1000:.1f} ms = {ratio:.1f}x  (target <= {TARGETS[name]:g}x)"
            f"  {'ok' if ok else 'OVER'}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
