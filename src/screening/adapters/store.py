"""The record store: one SQLite file, owner-only, versioned schema, safe for two writers.

Each record keeps its answers and the exact definitions and templates it was answered
against. Error messages name the store and what is wrong, never what is in it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from screening.core.errors import BadInputError, StoreBusy, StoreError
from screening.core.records import Record, utc_stamp
from screening.core.snapshot import Snapshot

BUSY_TIMEOUT_MS = 5000

# One script per schema version; a database at version N runs scripts N+1 onwards.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (  # 1: the first version
        """CREATE TABLE definitions (
               hash TEXT PRIMARY KEY,
               questionnaire TEXT NOT NULL,
               rules TEXT NOT NULL)""",
        """CREATE TABLE records (
               id TEXT PRIMARY KEY,
               created TEXT NOT NULL,
               updated TEXT NOT NULL,
               mode TEXT NOT NULL,
               status TEXT NOT NULL CHECK (status IN ('in_progress', 'complete')),
               answers TEXT NOT NULL,
               asked TEXT NOT NULL,
               definitions_hash TEXT NOT NULL REFERENCES definitions(hash))""",
    ),
    (  # 2: templates are kept too, so a reprint renders as first printed; list by date
        "ALTER TABLE definitions ADD COLUMN templates TEXT NOT NULL DEFAULT '[]'",
        "CREATE INDEX records_created ON records(created)",
    ),
    (  # 3: the language the patient answered in
        "ALTER TABLE records ADD COLUMN language TEXT NOT NULL DEFAULT 'en'",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


class Store:
    """An open store. Use ``Store.open(path)``; close it, or use it as a context manager."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path, self._conn = path, conn

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        create: bool = True,
        migrate_to: int = SCHEMA_VERSION,
        busy_ms: int = BUSY_TIMEOUT_MS,
    ) -> Store:
        """Open a store, creating it if ``create``; ``migrate_to`` is for tests of older
        schema versions."""
        path = path.expanduser()
        if not create and not path.exists():
            raise StoreError(
                f"{path}: no store here yet (the first interview or "
                "'screening records add' makes it)"
            )
        _check_path(path)
        try:
            conn = sqlite3.connect(path, timeout=busy_ms / 1000, isolation_level=None)
        except sqlite3.Error:
            raise StoreError(f"{path}: cannot be opened as a store") from None
        store = cls(path, conn)
        try:
            with store._errors():
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                if version > SCHEMA_VERSION:
                    raise StoreError(
                        f"{path}: made by a newer version of screening (schema {version}; this "
                        f"version reads up to {SCHEMA_VERSION}). Upgrade screening to use it."
                    )
                conn.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA secure_delete = ON")
                conn.execute("PRAGMA foreign_keys = ON")
                store._migrate(version, migrate_to)
        except BaseException:
            conn.close()
            raise
        return store

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        """sqlite3's exceptions as the tool's own, naming the store only."""
        try:
            yield
        except sqlite3.OperationalError as exc:
            text = str(exc).lower()
            if "locked" in text or "busy" in text:
                raise StoreBusy(
                    f"{self.path}: the store is busy (another program is writing); try again"
                ) from None
            if "readonly" in text or "read-only" in text:
                raise StoreError(f"{self.path}: the store is read-only") from None
            raise StoreError(f"{self.path}: the store cannot be used ({_kind(exc)})") from None
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{self.path}: not a screening store, or damaged ({_kind(exc)})"
            ) from None

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction: all of it is written, or none of it."""
        with self._errors():
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _migrate(self, version: int, target: int) -> None:
        for number in range(version + 1, target + 1):
            with self._write() as conn:
                for statement in MIGRATIONS[number - 1]:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number}")

    @property
    def schema_version(self) -> int:
        with self._errors():
            version: int = self._conn.execute("PRAGMA user_version").fetchone()[0]
        return version

    # Definitions

    def keep_snapshot(self, snapshot: Snapshot) -> str:
        key = snapshot.hash
        with self._write() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO definitions (hash, questionnaire, rules, templates) "
                "VALUES (?, ?, ?, ?)",
                (key, snapshot.questionnaire, snapshot.rules, json.dumps(snapshot.templates)),
            )
        return key

    def snapshot(self, key: str) -> Snapshot:
        with self._errors():
            row = self._conn.execute(
                "SELECT questionnaire, rules, templates FROM definitions WHERE hash = ?", (key,)
            ).fetchone()
        if row is None:
            raise StoreError(f"{self.path}: stored definitions {key[:12]} are missing")
        return Snapshot(row[0], row[1], tuple((n, t) for n, t in json.loads(row[2])))

    # Records

    def put(self, record: Record) -> None:
        """Insert or replace one record, in one transaction."""
        with self._write() as conn:
            conn.execute(
                "INSERT INTO records (id, created, updated, mode, status, answers, asked, "
                "definitions_hash, language) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET updated = excluded.updated, "
                "status = excluded.status, answers = excluded.answers, asked = excluded.asked, "
                "language = excluded.language",
                (
                    record.id,
                    record.created,
                    record.updated,
                    record.mode,
                    record.status,
                    json.dumps(record.answers),
                    json.dumps(list(record.asked)),
                    record.definitions_hash,
                    record.language,
                ),
            )

    def get(self, record_id: str) -> Record:
        with self._errors():
            row = self._conn.execute(
                "SELECT id, created, updated, mode, status, answers, asked, definitions_hash, "
                "language "
                "FROM records WHERE id = ?",
                (record_id,),
            ).fetchone()
        if row is None:
            raise BadInputError(f"no record with id '{record_id}' in {self.path}")
        return _record(row)

    def records(self, status: str | None = None, since: dt.date | None = None) -> list[Record]:
        with self._errors():
            rows = self._conn.execute(
                "SELECT id, created, updated, mode, status, answers, asked, definitions_hash, "
                "language "
                "FROM records WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR created >= ?2) "
                "ORDER BY created, rowid",
                (status, since.isoformat() if since else None),
            ).fetchall()
        return [_record(r) for r in rows]

    def delete(self, record_ids: list[str]) -> int:
        with self._write() as conn:
            removed = sum(
                conn.execute("DELETE FROM records WHERE id = ?", (i,)).rowcount for i in record_ids
            )
        self._forget()
        return removed

    def count_before(self, before: dt.datetime) -> int:
        """How many records were created at or before ``before``."""
        with self._errors():
            count: int = self._conn.execute(
                "SELECT COUNT(*) FROM records WHERE created <= ?", (utc_stamp(before),)
            ).fetchone()[0]
        return count

    def purge(self, before: dt.datetime) -> int:
        with self._write() as conn:
            removed = conn.execute(
                "DELETE FROM records WHERE created <= ?", (utc_stamp(before),)
            ).rowcount
        self._forget()
        return removed

    def _forget(self) -> None:
        # secure_delete zeroes the freed space in the database; the write-ahead log still
        # holds earlier copies of those pages until it is checkpointed and truncated.
        with self._errors():
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _record(row: tuple[Any, ...]) -> Record:
    return Record(
        id=row[0],
        created=row[1],
        updated=row[2],
        mode=row[3],
        status=row[4],
        answers=json.loads(row[5]),
        asked=tuple(json.loads(row[6])),
        definitions_hash=row[7],
        language=row[8],
    )


def _kind(exc: sqlite3.Error) -> str:
    return getattr(exc, "sqlite_errorname", None) or type(exc).__name__


def _check_path(path: Path) -> None:
    """Refuse a folder or a store others can read; create a new one owner-only."""
    if path.is_dir():
        raise StoreError(f"{path}: is a folder; give the store's file name")
    folder = path.parent
    try:
        if not folder.exists():
            folder.mkdir(mode=0o700, parents=True)
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass
    except OSError as exc:
        raise StoreError(f"{path}: cannot create the store ({exc.strerror})") from None
    for part in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            mode = part.stat().st_mode
        except FileNotFoundError:
            continue
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise StoreError(
                f"{part}: other users can open it; make it yours alone with "
                f"'chmod 600 {part}' and try again"
            )
    if not os.access(path, os.R_OK):
        raise StoreError(f"{path}: cannot be read (permission denied)")
