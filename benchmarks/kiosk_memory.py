"""The kiosk unattended: memory over many forms in a row, in one process.

Runs `run_kiosk` in this process on the packaged questionnaire, with every key of every form
typed ahead into a pipe (prompt_toolkit's own pipe input) and the screen written to a
terminal emulator's stream thrown away. Patients pick the form's languages in turn. Each
form answers every typed question it can,
picks the first choice of each multiple-choice question and skips the rest; each is saved as
its own record. The resident memory (RSS, from /proc/self/statm) is read at each clear of
the screen, that is before each patient.

Target (issue 13): flat over 200 forms: the last reading within 5 MiB of the reading after
the first 20 forms (the first forms load modules and fill caches).

Run: .venv/bin/python benchmarks/kiosk_memory.py [--forms N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import ClassVar

from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output.vt100 import Vt100_Output

from screening.adapters import locations
from screening.adapters.definition_files import load_definitions
from screening.adapters.prompts import Choices, KioskPrompter
from screening.adapters.translations import offered_languages
from screening.app.kiosk import KioskOptions, run_kiosk
from screening.core.interview import SKIP, Interview

PASSPHRASE = "benchmark-pass"  # noqa: S105 (this run's own kiosk)
TARGET_MIB = 5.0
WARM_UP = 20
PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE / 2**20


def form_keys() -> str:
    """The keys of one form on the packaged questionnaire, found by answering it in the
    core: the answers the keys give, in the order the kiosk asks."""
    defs = load_definitions(locations.rules_dir())
    interview = Interview(defs, mode="patient")
    keys: list[str] = []
    while (prompt := interview.next_prompt()) is not None:
        raw: str | list[str]
        if prompt.widget == "many":
            raw, typed = [prompt.options[0][0]], " \r"
        elif prompt.widget == "one":
            raw, typed = SKIP if not prompt.required else prompt.options[0][0], "\r"
        elif prompt.required:
            raw = typed = "2 years"
            typed += "\r"
        else:
            raw, typed = "", "\r"
        if interview.answer(prompt.question_id, raw) is not None:
            raise SystemExit(f"cannot answer {prompt.question_id} blind")
        keys.append(typed)
    keys += ["\r", "\r", "\r"]  # review: finish; finish and send: yes; the code: done
    return "".join(keys)


class Sink:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass


class Console:
    def __enter__(self) -> Console:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def drop_typeahead(self) -> None:
        pass


class Sampling(KioskPrompter):
    """Reads the memory at each start screen, that is before each patient."""

    readings: ClassVar[list[float]] = []

    def start(self, message: str, choices: Choices, *, word: str) -> str:
        Sampling.readings.append(rss_mib())
        return super().start(message, choices, word=word)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--forms", type=int, default=200)
    forms = parser.parse_args().forms
    # Patients take the languages in turn (English answers are understood in each).
    languages = len(offered_languages(locations.rules_dir()))
    picks = ["\x1b[B" * n + "\r" for n in range(languages)]
    ready = "\r" if languages > 1 else ""  # the opening, in the language picked
    one = ready + form_keys()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["SCREENING_DATA_DIR"] = folder
        options = KioskOptions(
            300.0, locations.rules_dir(), locations.templates_dir(), Path(folder) / "k.db"
        )
        output = Vt100_Output(
            Sink(),  # type: ignore[arg-type]
            lambda: Size(rows=40, columns=100),
            term="xterm",
            enable_cpr=False,
        )
        with create_pipe_input() as pipe:
            pipe.send_text(f"{PASSPHRASE}\r{PASSPHRASE}\r")
            started = time.perf_counter()

            # Fed as the kiosk reads: a pipe holds only so much.
            def feed() -> None:
                for n in range(forms):
                    pipe.send_text(picks[n % languages] + one)
                pipe.send_text(f"staff{PASSPHRASE}\r")

            threading.Thread(target=feed, daemon=True).start()
            saved = run_kiosk(
                options,
                lambda: dt.datetime.now(dt.UTC),
                prompter=Sampling(input=pipe, output=output),
                console=Console(),
            )
            elapsed = time.perf_counter() - started
    readings = Sampling.readings[1:]  # after each form
    print(f"forms saved: {saved} of {forms}, {len(one)} keys each, {elapsed:.1f} s in all")
    for n in (1, 10, WARM_UP, 50, 100, 150, forms):
        if n <= len(readings):
            print(f"RSS after {n:4d} forms: {readings[n - 1]:7.1f} MiB")
    growth = readings[-1] - readings[min(WARM_UP, len(readings)) - 1]
    print(
        f"growth from form {WARM_UP} to form {len(readings)}: {growth:+.1f} MiB "
        f"(target under {TARGET_MIB:.0f} MiB): {'OK' if growth < TARGET_MIB else 'OVER'}"
    )


if __name__ == "__main__":
    main()
