"""Writing files that may hold patient data: owner-only, atomically, never half-written."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from screening.core.errors import OutputError


def write_private(path: Path, text: str | bytes) -> None:
    """Write ``text`` (or bytes, like a PDF) to ``path`` readable by its owner only,
    replacing it in one step."""
    path = path.expanduser()
    if path.is_dir():
        raise OutputError(f"{path}: is a folder; give a file name")
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except FileNotFoundError:
        raise OutputError(f"{path}: the folder {folder} does not exist") from None
    except OSError as exc:
        raise OutputError(f"{path}: cannot write here ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as out:  # mkstemp creates it 0600
            out.write(text.encode("utf-8") if isinstance(text, str) else text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise OutputError(f"{path}: could not be written ({exc.strerror})") from None
