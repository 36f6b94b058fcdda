"""Reading a file someone named: a regular file only, and only up to a size limit.

A pipe or a device (``/dev/zero``) would be read without end, and a folder cannot be read at
all: each is refused with a one-line reason before anything is read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from screening.core.errors import Problem

MAX_BYTES = 2_000_000
# Opening a pipe for reading waits for a writer unless it does not block; a terminal device
# must not become the controlling terminal. Neither flag changes how a regular file reads.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


class FileProblem(Exception):
    """A file that cannot be read as it is; ``problem`` names it and says why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def read_bytes(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of the regular file ``path``, or a FileProblem naming it."""

    def refuse(why: str) -> FileProblem:
        return FileProblem(Problem(str(path), why))

    try:
        if why := _not_regular(os.stat(path).st_mode):
            raise refuse(why)
        fd = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        raise refuse("no such file") from None
    except PermissionError:
        raise refuse("cannot be read (permission denied)") from None
    except OSError as exc:
        raise refuse(f"cannot be read ({exc.strerror or 'error'})") from None
    with os.fdopen(fd, "rb") as file:
        try:
            if why := _not_regular(os.fstat(fd).st_mode):  # it changed since it was looked at
                raise refuse(why)
            data = file.read(limit + 1)
        except OSError as exc:
            raise refuse(f"cannot be read ({exc.strerror or 'error'})") from None
    if len(data) > limit:
        raise refuse(f"is larger than {_size(limit)}; this is not a file it can read")
    return data


def read_text(path: Path, limit: int = MAX_BYTES) -> str:
    """The UTF-8 text of the regular file ``path``, or a FileProblem naming it."""
    try:
        return read_bytes(path, limit).decode("utf-8")
    except UnicodeDecodeError:
        raise FileProblem(Problem(str(path), "is not UTF-8 text")) from None


def _not_regular(mode: int) -> str | None:
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if not stat.S_ISREG(mode):
        return "is not a regular file (a pipe, a device or a socket)"
    return None


def _size(limit: int) -> str:
    return f"{limit // 1_000_000} MB" if limit >= 1_000_000 else f"{limit // 1000} kB"
