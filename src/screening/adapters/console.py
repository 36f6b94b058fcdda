"""The kiosk's hold on its terminal, for as long as it runs: no key or signal leaves it.

Ctrl-C, Ctrl-\\ and Ctrl-Z make no signal (the terminal's ISIG is off), and the signals
themselves are ignored, from a key or from outside; a hang-up is ignored too, so a closed
terminal shows as the end of input and the form is saved before the kiosk ends. Between
prompts nothing typed is echoed, and Ctrl-S cannot freeze the screen. The kiosk runs on the
terminal's alternate screen, which keeps no scroll-back. Everything is put back on the way
out.
"""

from __future__ import annotations

import contextlib
import os
import signal
import termios
from typing import Any

IGNORED = (signal.SIGINT, signal.SIGQUIT, signal.SIGTSTP, signal.SIGHUP)
ALTERNATE_SCREEN, MAIN_SCREEN = b"\x1b[?1049h", b"\x1b[?1049l"


class KioskConsole:
    """A context manager over the terminal on ``fd`` (standard input) and ``out_fd``."""

    def __init__(self, fd: int = 0, out_fd: int = 1) -> None:
        self._fd, self._out = fd, out_fd
        self._modes: list[Any] | None = None
        self._handlers: dict[int, Any] = {}

    def __enter__(self) -> KioskConsole:
        for number in IGNORED:
            self._handlers[number] = signal.signal(number, signal.SIG_IGN)
        try:
            self._modes = termios.tcgetattr(self._fd)
        except termios.error:
            self._modes = None  # not a terminal: nothing to set
        if self._modes is not None:
            quiet = list(self._modes)
            quiet[0] = int(quiet[0]) & ~(termios.IXON | termios.IXOFF)  # Ctrl-S, Ctrl-Q: keys
            quiet[3] = int(quiet[3]) & ~(termios.ISIG | termios.ECHO | termios.IEXTEN)
            termios.tcsetattr(self._fd, termios.TCSANOW, quiet)
            self._write(ALTERNATE_SCREEN)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._modes is not None:
            self._write(MAIN_SCREEN)
            with contextlib.suppress(termios.error, OSError):
                termios.tcsetattr(self._fd, termios.TCSANOW, self._modes)
        for number, handler in self._handlers.items():
            signal.signal(number, handler)

    def drop_typeahead(self) -> None:
        """Forget keys pressed but not yet read: none reach the next patient's screen."""
        if self._modes is not None:
            with contextlib.suppress(termios.error, OSError):
                termios.tcflush(self._fd, termios.TCIFLUSH)

    def _write(self, data: bytes) -> None:
        with contextlib.suppress(OSError):
            os.write(self._out, data)
