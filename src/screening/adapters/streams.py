"""The standard streams as a command finds them: closed, in an encoding that cannot show
every character, or a pipe whose reader has gone away.

``prepare()`` makes each of them safe to use before a command runs: a character standard
output cannot encode is printed as '?' (and noted once at the end), undecodable input bytes
arrive as lone surrogates for the interview to refuse, and a closed stream is reported when
it is first used instead of being silently dropped.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import os
import sys
from typing import Any

from screening.core.errors import OutputError

_REPLACE = "screening.replace"
_replaced: list[str] = []  # the encodings that could not show a character, this run


def _count_and_replace(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    _replaced.append(getattr(sys.stdout, "encoding", None) or exc.encoding)
    return "?" * (exc.end - exc.start), exc.end


codecs.register_error(_REPLACE, _count_and_replace)


class ClosedOutput(io.TextIOBase):
    """Standard output when the command was started with it closed (``>&-``)."""

    def write(self, text: str) -> int:
        raise OutputError("standard output is closed: nothing can be printed (use --output FILE)")

    def writable(self) -> bool:
        return True


def prepare() -> None:
    """Make the standard streams safe for one command."""
    _replaced.clear()
    if sys.stdout is None:
        sys.stdout = ClosedOutput()
    else:
        _reconfigure(sys.stdout, errors=_REPLACE)
    if sys.stdin is None:
        sys.stdin = io.StringIO("")  # reads as input that has ended
    else:
        _reconfigure(sys.stdin, errors="surrogateescape")


def _reconfigure(stream: Any, **settings: str) -> None:
    with contextlib.suppress(AttributeError, ValueError, io.UnsupportedOperation):
        stream.reconfigure(**settings)


def replaced_note() -> str | None:
    """A line saying that some characters were printed as '?', if any were."""
    if not _replaced:
        return None
    return (
        f"some characters cannot be shown in this terminal's encoding ({_replaced[0]}) and "
        "were printed as '?'; set PYTHONIOENCODING=utf-8 to see them"
    )


def flush_stdout() -> None:
    """Write out what is buffered, so a broken pipe is found here and not at exit."""
    if sys.stdout is not None:
        sys.stdout.flush()


def silence_stdout() -> None:
    """After a broken pipe: point standard output at nothing, so the interpreter's own
    flush at exit does not complain."""
    with contextlib.suppress(OSError, ValueError, AttributeError, io.UnsupportedOperation):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
