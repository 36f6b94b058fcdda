"""The kiosk's screens: the start screen (with the staff word), the form with its stop and
idle questions, the code for the front desk, the staff passphrase. ``app/kiosk.py`` drives
them, patient after patient.

Every key a patient can press lands somewhere harmless: Ctrl-C or Ctrl-D during a form asks
"Stop and hand back to the front desk?"; at the start screen they do nothing. A form left
untouched asks "Are you still there?", and is put away when no one answers. A closed
terminal (end of input, or output that cannot be written) ends the form as InputEnded.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from screening.adapters.prompts import IdleTimeout, KioskPrompter, fit
from screening.adapters.terminal import Save, TerminalInterview
from screening.core import kiosk as words
from screening.core.catalog import Catalog
from screening.core.errors import InputEnded, InterviewStopped
from screening.core.interview import Interview

T = TypeVar("T")
# What a closed terminal raises: end of input, or output that cannot be written.
CLOSED = (EOFError, OSError)


class TimedOut(Exception):
    """No one answered "Are you still there?" (or someone said the form is not theirs)."""


class Screens:
    """What the patient and staff see at the kiosk, one screen at a time."""

    def __init__(self, prompter: KioskPrompter, idle: float, still_there: float) -> None:
        self.prompter, self.idle, self._still_there = prompter, idle, still_there

    @contextlib.contextmanager
    def waiting(self, seconds: float | None) -> Iterator[None]:
        """Prompts inside give up after ``seconds`` untouched (None: they wait)."""
        before, self.prompter.idle = self.prompter.idle, seconds
        try:
            yield
        finally:
            self.prompter.idle = before

    @property
    def say(self) -> Catalog:
        """The patient's words, in the language on screen now."""
        return self.prompter.say

    def clear(self) -> None:
        self.prompter.clear()

    def start(self, opening: str | None, catalogs: Sequence[Catalog]) -> str | None:
        """The start screen (``opening`` above it, if any) in each of the ``catalogs``'
        languages: the language picked, the staff word, or None when the screen should be
        drawn again (a key that means nothing here)."""
        if opening:
            self.prompter.show(fit(opening))
        question, choices = words.start_screen(catalogs)
        try:
            with self.waiting(None):
                return self.prompter.start(question, choices, word=words.STAFF_WORD)
        except (KeyboardInterrupt, IdleTimeout):
            return None

    def stop_wanted(self) -> bool:
        """Ctrl-C during a form: the patient may stop and hand back."""
        try:
            with self.waiting(self.idle):
                return self.prompter.confirm(self.say("kiosk_stop"), default=False)
        except KeyboardInterrupt:
            return True
        except IdleTimeout:
            raise TimedOut from None

    def still_there(self) -> bool:
        """Whether someone answers "Are you still there?" in time, and goes on."""
        try:
            with self.waiting(self._still_there):
                say = self.say
                picked = self.prompter.select(
                    say("kiosk_still_there"),
                    [("yes", say("kiosk_go_on")), ("no", say("kiosk_close"))],
                    default="yes",
                )
        except KeyboardInterrupt:
            return True  # someone is there: back to the question, where Ctrl-C asks again
        except IdleTimeout:
            return False
        return picked == "yes"

    def notice(self, text: str) -> None:
        self.prompter.show("\n" + fit(text))

    def until_done(self, text: str, seconds: float | None = None) -> None:
        """Show ``text`` until Enter, or until it has been left for ``seconds`` (the idle
        time when not given)."""
        self.prompter.show(fit(text) + "\n")
        with (
            contextlib.suppress(KeyboardInterrupt, IdleTimeout),
            self.waiting(seconds or self.idle),
        ):
            done = [("done", self.say("kiosk_done_choice"))]
            self.prompter.select(self.say("kiosk_done"), done, default="done")

    def passphrase(self) -> str:
        """What staff type at the passphrase prompt ('' to go back)."""
        try:
            with self.waiting(min(self.idle, 60.0)):
                return self.prompter.password(words.ASK_PASSPHRASE)
        except (KeyboardInterrupt, IdleTimeout):
            return ""


class KioskInterview(TerminalInterview):
    """The patient's form at the kiosk: stops, idle forms and a closed terminal end it with
    InterviewStopped, TimedOut and InputEnded; nothing else leaves it."""

    def __init__(self, interview: Interview, screens: Screens, save: Save) -> None:
        super().__init__(interview, screens.prompter, save)
        self.screens = screens

    def _guard(self, ask: Callable[[], T], where: str) -> T:
        try:
            return self._answer(ask)
        except CLOSED:
            raise InputEnded("the terminal closed") from None

    def _answer(self, ask: Callable[[], T]) -> T:
        while True:
            try:
                with self.screens.waiting(self.screens.idle):
                    return ask()
            except KeyboardInterrupt:
                if self.screens.stop_wanted():
                    raise InterviewStopped("stopped") from None
            except IdleTimeout:
                if not self.screens.still_there():
                    raise TimedOut from None
