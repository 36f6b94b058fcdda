"""The store's files on disk, checked before SQLite opens them.

SQLite is given a path, so the path is checked first: never through a symbolic link, only
regular files that are ours and others cannot open, in a folder others cannot write (or they
could swap a file between the check and the open). Also: the file header, read safely, and a
lock on the store's folder for making or migrating it.

POSIX locks belong to a process: closing any descriptor of a file drops every lock this process
holds on it, SQLite's included. So the header is read with a descriptor of our own only when
no connection to that file is open in this process; ``HERE`` makes the check and the open one
step for threads.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from screening.core.errors import StoreBusy, StoreError

SIDE_FILES = ("-wal", "-shm", "-journal")
HEADER = b"SQLite format 3\x00"

HERE = threading.RLock()
_OPEN_HERE: dict[tuple[int, int], int] = {}


def hold(inode: tuple[int, int]) -> None:
    """Note a connection to this file about to be opened in this process."""
    _OPEN_HERE[inode] = _OPEN_HERE.get(inode, 0) + 1


def let_go(inode: tuple[int, int]) -> None:
    count = _OPEN_HERE.get(inode, 0) - 1
    if count > 0:
        _OPEN_HERE[inode] = count
    else:
        _OPEN_HERE.pop(inode, None)


def real_path(path: Path) -> Path:
    """The store's path in its real folder; the file itself is never followed."""
    if path.is_dir():
        raise StoreError(f"{path}: is a folder; give the store's file name")
    return path.parent.resolve() / path.name


def lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(f"{path}: cannot be checked ({exc.strerror})") from None


def identity(path: Path, found: os.stat_result | None) -> tuple[int, int]:
    if found is None:
        raise StoreError(f"{path}: disappeared while it was being opened; try again")
    return (found.st_dev, found.st_ino)


def read_header(path: Path, found: os.stat_result) -> tuple[int, int] | None:
    """(user_version, application_id) from the file's header; None when a connection to it
    is open in this process (it is ours and set up). Refuses a file that is not SQLite."""
    if identity(path, found) in _OPEN_HERE:
        return None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        raise StoreError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        head = os.read(fd, 100)
    finally:
        os.close(fd)
    if not head.startswith(HEADER) or len(head) < 100:
        raise StoreError(f"{path}: not a screening store, or damaged (not an SQLite file)")
    return int.from_bytes(head[60:64], "big"), int.from_bytes(head[68:72], "big")


def check_files(path: Path, create: bool) -> os.stat_result | None:
    """Refuse anything but our own regular files in a folder only we can write.

    Returns the store's lstat, or None when there is no store yet (its folder is made when
    ``create``)."""
    folder = path.parent
    if create:
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{path}: cannot create the store ({exc.strerror})") from None
    here = lstat(folder)
    if here is None:
        return None
    if not stat.S_ISDIR(here.st_mode):
        raise StoreError(f"{folder}: is not a folder; give the store's path with --store")
    if here.st_uid not in (os.geteuid(), 0):
        raise StoreError(
            f"{folder}: belongs to another user; keep the store in a folder of your own"
        )
    if here.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise StoreError(
            f"{folder}: other users can write in this folder and could swap the store's "
            "files; keep the store in a folder only you can write to"
        )
    found = lstat(path)
    if found is not None:
        if stat.S_ISDIR(found.st_mode):
            raise StoreError(f"{path}: is a folder; give the store's file name")
        _check_file(path, found)
    for suffix in SIDE_FILES:
        side = path.with_name(path.name + suffix)
        side_found = lstat(side)
        if side_found is None:
            continue
        _check_file(side, side_found)
        if (
            found is not None
            and suffix != "-journal"
            and found.st_mode & stat.S_IWUSR
            and not side_found.st_mode & stat.S_IWUSR
        ):
            # Left read-only by a read while the store itself was read-only: with it,
            # every later write would fail. It holds no data of its own (an index, a log).
            try:
                os.chmod(side, 0o600)
            except OSError as exc:
                raise StoreError(
                    f"{side}: is read-only and cannot be changed ({exc.strerror})"
                ) from None
    if found is not None and not os.access(path, os.R_OK):
        raise StoreError(f"{path}: cannot be read (permission denied)")
    return found


def _check_file(path: Path, found: os.stat_result) -> None:
    if stat.S_ISLNK(found.st_mode):
        raise StoreError(
            f"{path}: is a symbolic link; the store and its files are never opened through "
            "one. Give the store's real path with --store"
        )
    if not stat.S_ISREG(found.st_mode):
        raise StoreError(f"{path}: is not a regular file; the store was not opened")
    if found.st_uid != os.geteuid():
        raise StoreError(f"{path}: belongs to another user; a store must be yours alone")
    if found.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise StoreError(
            f"{path}: other users can open it; make it yours alone with "
            f"'chmod 600 {path}' and try again"
        )


@contextlib.contextmanager
def folder_lock(path: Path, busy_ms: int) -> Iterator[None]:
    """Hold the store's folder (flock on the folder itself: no file of its own, and no
    effect on SQLite's locks on the store) while the store is made or migrated."""
    fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        deadline = time.monotonic() + busy_ms / 1000
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise StoreBusy(
                        f"{path}: the store is being set up by another program; try again"
                    ) from None
                time.sleep(0.01)
        yield
    finally:
        os.close(fd)
