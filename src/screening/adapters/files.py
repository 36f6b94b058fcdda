"""Writing files that may hold patient data: only when asked, only as a regular file of the
user's own, owner-only, atomically, never half-written, never through a symbolic link or
over a device or a pipe. Also removing the copies earlier versions wrote on their own."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from screening.core.errors import OutputError
from screening.core.records import RECORD_ID


def check_target(path: Path) -> None:
    """Refuse a path that is not, or would not be, a regular file of ours."""
    path = path.expanduser()
    try:
        found = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise OutputError(f"{path}: cannot be checked ({exc.strerror})") from None
    if stat.S_ISDIR(found.st_mode):
        raise OutputError(f"{path}: is a folder; give a file name")
    if stat.S_ISLNK(found.st_mode):
        raise OutputError(
            f"{path}: is a symbolic link; give the name of a plain file (nothing was written)"
        )
    if not stat.S_ISREG(found.st_mode):
        raise OutputError(
            f"{path}: is not a regular file (a device or a pipe?); give a file name, "
            "or - for standard output (nothing was written)"
        )
    if found.st_uid != os.geteuid():
        raise OutputError(f"{path}: belongs to another user; give another file name")


def write_private(path: Path, text: str | bytes) -> None:
    """Write ``text`` (or bytes, like a PDF) to ``path`` readable by its owner only,
    replacing it in one step."""
    path = path.expanduser()
    check_target(path)
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
        check_target(path)  # once more, just before the rename: nothing swapped in
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OutputError(f"{path}: could not be written ({exc.strerror})") from None
        raise


def remove_copies(folder: Path, record_id: str) -> int:
    """Remove the summaries of a record that earlier versions wrote into ``folder`` on their
    own (``screening-ID.txt`` and ``.html``, and any half-written temporary); how many."""
    if not RECORD_ID.match(record_id):
        return 0
    try:
        names = [
            e.name
            for e in os.scandir(folder)
            if e.name.startswith((f"screening-{record_id}.", f".screening-{record_id}."))
        ]
    except (FileNotFoundError, NotADirectoryError):
        return 0
    except OSError as exc:
        raise OutputError(f"{folder}: cannot be read ({exc.strerror})") from None
    removed = 0
    for name in names:
        try:
            os.unlink(folder / name)  # a link is removed itself, never what it points to
            removed += 1
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise OutputError(f"{folder / name}: cannot be removed ({exc.strerror})") from None
    return removed
