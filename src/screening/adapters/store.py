"""The record store: one SQLite file, owner-only, versioned schema, safe for many desks.

Each record keeps its answers and the exact definitions and templates it was answered
against. A record is open at one desk at a time: every save names the version it read and the
desk's claim, and changes nothing if either moved on. Error messages name the store and what
is wrong, never what is in it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

from screening.adapters import store_files as files
from screening.core.errors import (
    BadInputError,
    RecordDeleted,
    RecordTaken,
    StoreBusy,
    StoreError,
)
from screening.core.records import (
    IDENTIFIERS,
    Change,
    Desk,
    Record,
    reference,
    reference_tail,
    utc_stamp,
)
from screening.core.snapshot import Snapshot

BUSY_TIMEOUT_MS = 5000
WIPE_WAIT_MS = 1000  # how long a delete waits for readers to let go of the log
APPLICATION_ID = 0x5343524E  # "SCRN" in the file header: this file is a screening store

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
    (  # 3: one desk per record (a claim and a version), the history of changes to complete
        # records, and a note kept while deleted data still waits in the log
        "ALTER TABLE records ADD COLUMN version INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE records ADD COLUMN desk_host TEXT",
        "ALTER TABLE records ADD COLUMN desk_user TEXT",
        "ALTER TABLE records ADD COLUMN desk_pid INTEGER",
        "ALTER TABLE records ADD COLUMN desk_since TEXT",
        "ALTER TABLE records ADD COLUMN desk_token TEXT",
        "ALTER TABLE records ADD COLUMN amended TEXT",
        # Kept with the answers so a list need not parse them all.
        "ALTER TABLE records ADD COLUMN answer_count INTEGER NOT NULL DEFAULT 0",
        "UPDATE records SET answer_count = (SELECT count(*) FROM json_each(answers))",
        """CREATE TABLE changes (
               record_id TEXT NOT NULL REFERENCES records(id) ON DELETE CASCADE,
               at TEXT NOT NULL,
               user TEXT NOT NULL,
               mode TEXT NOT NULL,
               question TEXT NOT NULL,
               old TEXT,
               new TEXT)""",
        "CREATE INDEX changes_record ON changes(record_id)",
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ),
    (  # 4: the language the patient answered in
        "ALTER TABLE records ADD COLUMN language TEXT NOT NULL DEFAULT 'en'",
    ),
    (  # 5: why an unfinished interview stopped, for staff (a kiosk form that timed out)
        "ALTER TABLE records ADD COLUMN note TEXT "
        "CHECK (note IN ('timed_out', 'stopped', 'input_ended'))",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)
# Stores made before the application id was set: recognised by their schema.
_LEGACY = {1: frozenset({"definitions", "records"}), 2: frozenset({"definitions", "records"})}

_COLUMNS = (
    "id, created, updated, mode, status, answers, asked, definitions_hash, version, "
    "desk_host, desk_user, desk_pid, desk_since, desk_token, amended, language, note"
)
_WIPE = "wipe_pending"
# Statements built from the constant column lists here and IDENTIFIERS; every value is bound.
_FILTER = "WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR created >= ?2)"
_ANSWERED = {k: f"coalesce(json_extract(answers, '$.{k}'), '')" for k in IDENTIFIERS}
_SELECT_RECORD = f"SELECT {_COLUMNS} FROM records WHERE id = ?"  # noqa: S608
_SELECT_RECORDS = f"SELECT {_COLUMNS} FROM records {_FILTER} ORDER BY created, rowid"  # noqa: S608
_INSERT_RECORD = (
    f"INSERT INTO records ({_COLUMNS}, answer_count) "  # noqa: S608
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, NULL, ?, ?, ?)"
)
# The list's rows, formatted in SQL: created in local time, as the C library reads it (as
# Python does), with its offset; for people "2026-11-21 16:05 +01:00", else ISO 8601.
_OFFSET = "printf('%s%02d:%02d', CASE WHEN m < 0 THEN '-' ELSE '+' END, abs(m) / 60, abs(m) % 60)"
_WHEN = {
    True: f"substr(local, 1, 16) || ' ' || {_OFFSET}",
    False: f"replace(local, ' ', 'T') || {_OFFSET}",
}
_LOCAL = (
    "SELECT *, rowid AS row, datetime(created, 'localtime') AS local, "  # noqa: S608
    "CAST(round((julianday(created, 'localtime') - julianday(created)) * 1440) AS INTEGER) AS m "
    f"FROM records {_FILTER}"
)
_NOTE = {True: "coalesce(note, '')", False: "note"}
_SELECT_ROWS = {
    (people, named): (
        f"SELECT id, {_WHEN[people]}, status, mode, answer_count, {_NOTE[people]}"  # noqa: S608
        + "".join(f", {v}" for v in _ANSWERED.values() if named)
        + f" FROM ({_LOCAL}) ORDER BY created, row"
    )
    for people in (True, False)
    for named in (True, False)
}
_SELECT_WIDTHS = (
    f"SELECT {', '.join(f'max(length({v}))' for v in _ANSWERED.values())} "  # noqa: S608
    f"FROM records {_FILTER}"
)
# Records whose id ends with a reference; there is no index on it, and none is needed: a
# scan of 100,000 ids takes milliseconds and happens only when a person types one.
_ENDING = "SELECT id FROM records WHERE substr(id, -6) = ? ORDER BY created, rowid LIMIT 10"
_SELECT_WAITING = (
    "SELECT id, updated, mode, answer_count, "  # noqa: S608
    f"{', '.join(_ANSWERED.values())}, desk_host, desk_user, desk_pid, desk_since, desk_token "
    "FROM records WHERE status = 'in_progress' ORDER BY updated DESC, rowid DESC"
)


@dataclass(frozen=True)
class Waiting:
    """An in-progress record as the staff chooser shows it."""

    id: str
    updated: str
    mode: str
    answers: int
    name: str
    clinic_id: str
    desk: Desk | None


class Store:
    """An open store. Use ``Store.open(path)``; close it, or use it as a context manager."""

    def __init__(self, path: Path, conn: sqlite3.Connection, inode: tuple[int, int]) -> None:
        self.path, self._conn, self._inode = path, conn, inode
        self._busy_ms = BUSY_TIMEOUT_MS
        self._has_meta = False  # schema 3 and later
        # False after a delete whose old copy could not yet be cleared from the log.
        self.wiped = True

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
        schema versions. Refuses, unmodified, a file that is not a screening store."""
        path = files.real_path(path.expanduser())
        with files.HERE:
            found = files.check_files(path, create)
            if found is None and not create:
                raise StoreError(
                    f"{path}: no store here yet (the first interview or "
                    "'screening records add' makes it)"
                )
            ready = found is not None and _is_current(path, found, migrate_to)
            if not ready:
                return cls._set_up(path, migrate_to, busy_ms)
            return cls._connect(path, busy_ms, files.identity(path, found))

    @classmethod
    def _set_up(cls, path: Path, migrate_to: int, busy_ms: int) -> Store:
        """Create or migrate, one process at a time: first writers all succeed."""
        with files.folder_lock(path, busy_ms):
            found = files.lstat(path)
            if found is None:
                try:
                    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, 0o600)
                except OSError as exc:
                    raise StoreError(f"{path}: cannot create the store ({exc.strerror})") from None
                os.close(fd)
                found = os.lstat(path)
            elif found.st_size:
                _judge(path, _probe(path, busy_ms, files.identity(path, found)), migrate_to)
            store = cls._connect(path, busy_ms, files.identity(path, found), setting_up=True)
            try:
                store._migrate(migrate_to, empty=found.st_size == 0)
            except BaseException:
                store.close()
                raise
            return store

    @classmethod
    def _connect(
        cls, path: Path, busy_ms: int, inode: tuple[int, int], *, setting_up: bool = False
    ) -> Store:
        files.hold(inode)
        try:
            conn = sqlite3.connect(path, timeout=busy_ms / 1000, isolation_level=None)
        except sqlite3.Error:
            files.let_go(inode)
            raise StoreError(f"{path}: cannot be opened as a store") from None
        store = cls(path, conn, inode)
        store._busy_ms = busy_ms
        try:
            # The path was checked before it was opened: it must still be that file.
            if files.identity(path, files.lstat(path)) != inode:
                raise StoreError(f"{path}: changed while it was being opened; try again")
            with store._errors():
                conn.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")
                conn.execute("PRAGMA secure_delete = ON")
                conn.execute("PRAGMA foreign_keys = ON")
                # Every answer is on disk when its save returns: one sync of the log per
                # commit, whatever the build's default.
                conn.execute("PRAGMA synchronous = FULL")
                store._has_meta = store.schema_version >= 3
                if not setting_up:
                    store._finish_wipe(wait_ms=0)
        except BaseException:
            store.close()
            raise
        return store

    def close(self) -> None:
        with files.HERE:
            self._conn.close()
            files.let_go(self._inode)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        with _errors(self.path):
            yield

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction: all of it is written, or none of it. A wipe left over from an
        earlier delete is finished after it."""
        with self._errors():
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
                pending = self._wipe_pending()
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._commit()
        if pending:
            self._finish_wipe(wait_ms=WIPE_WAIT_MS)

    def _commit(self) -> None:
        """Commit; a commit that fails (a full disk) is rolled back, so the next write can
        begin: the caller still holds what it meant to write."""
        try:
            self._conn.execute("COMMIT")
        except BaseException:
            if self._conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.execute("ROLLBACK")
            raise

    def _migrate(self, target: int, *, empty: bool) -> None:
        """Bring the store to ``target`` in one transaction, and mark the file as ours.
        ``empty``: the file had no bytes when the folder was locked."""
        with self._errors():
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                info = _info(self._conn)
                if empty and not info.tables and not info.version and not info.application_id:
                    info = _Info(0, 0, 0, frozenset())
                version = _judge(self.path, info, target)
                for number in range(version + 1, target + 1):
                    for statement in MIGRATIONS[number - 1]:
                        self._conn.execute(statement)
                if target > version:
                    self._conn.execute(f"PRAGMA user_version = {int(target)}")
                self._conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
            self._conn.execute("PRAGMA journal_mode = WAL")
        self._has_meta = target >= 3

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

    def insert(self, record: Record) -> Record:
        """Store a new record (with the desk that has it open, if any); never replaces one."""
        desk = record.desk
        with self._write() as conn:
            try:
                conn.execute(
                    _INSERT_RECORD,
                    (
                        record.id,
                        record.created,
                        record.updated,
                        record.mode,
                        record.status,
                        json.dumps(record.answers),
                        json.dumps(list(record.asked)),
                        record.definitions_hash,
                        *_desk_values(desk),
                        record.language,
                        record.note,
                        len(record.answers),
                    ),
                )
            except sqlite3.IntegrityError:
                raise StoreError(f"{self.path}: a record with id {record.id} exists") from None
        return replace(record, version=1)

    def save(
        self, record: Record, changes: Sequence[Change] = (), *, close: bool = False
    ) -> Record:
        """Save a record this desk has open, if nothing moved on since it was read: same
        version, same claim. Keeps ``changes`` in its history in the same transaction;
        ``close`` gives up the claim. Never creates a record: a deleted one stays deleted."""
        token = record.desk.token if record.desk else None
        amended = changes[-1].at if changes else None
        desk = None if close else record.desk
        with self._write() as conn:
            done = conn.execute(
                "UPDATE records SET updated = ?, status = ?, answers = ?, asked = ?, note = ?, "
                "answer_count = ?, amended = coalesce(?, amended), version = version + 1, "
                "desk_host = ?, desk_user = ?, desk_pid = ?, desk_since = ?, desk_token = ?, "
                "language = ? WHERE id = ? AND version = ? AND desk_token IS ?",
                (
                    record.updated,
                    record.status,
                    json.dumps(record.answers),
                    json.dumps(list(record.asked)),
                    record.note,
                    len(record.answers),
                    amended,
                    *_desk_values(desk),
                    record.language,
                    record.id,
                    record.version,
                    token,
                ),
            ).rowcount
            if not done:
                raise self._moved_on(record.id)
            conn.executemany(
                "INSERT INTO changes (record_id, at, user, mode, question, old, new) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(record.id, c.at, c.user, c.mode, c.question, c.old, c.new) for c in changes],
            )
        return replace(
            record, version=record.version + 1, amended=amended or record.amended, desk=desk
        )

    def claim(self, record: Record, desk: Desk) -> Record:
        """Open ``record`` at ``desk``, if it is still the version read (whoever held it)."""
        with self._write() as conn:
            done = conn.execute(
                "UPDATE records SET version = version + 1, desk_host = ?, desk_user = ?, "
                "desk_pid = ?, desk_since = ?, desk_token = ? WHERE id = ? AND version = ?",
                (*_desk_values(desk), record.id, record.version),
            ).rowcount
            if not done:
                current = self._row(record.id)
                if current is None:
                    raise RecordDeleted(f"record {record.id} was deleted; nothing was opened")
                taker = current.desk.describe() if current.desk else "another desk"
                raise BadInputError(
                    f"record {record.id} was just opened at {taker}; continue it there"
                )
        return replace(record, version=record.version + 1, desk=desk)

    def release(self, record: Record) -> None:
        """Close a record at this desk; nothing happens if the claim is no longer ours."""
        if record.desk is None:
            return
        with self._write() as conn:
            conn.execute(
                "UPDATE records SET version = version + 1, desk_host = NULL, desk_user = NULL, "
                "desk_pid = NULL, desk_since = NULL, desk_token = NULL "
                "WHERE id = ? AND desk_token = ?",
                (record.id, record.desk.token),
            )

    def _moved_on(self, record_id: str) -> Exception:
        current = self._row(record_id)
        if current is None:
            return RecordDeleted(
                f"record {record_id}: this record was deleted while it was open here; "
                "nothing more was saved"
            )
        where = current.desk.describe() if current.desk else "another desk"
        return RecordTaken(
            f"record {record_id} was taken over by {where}; this desk stopped and saved "
            "nothing more. Continue it there."
        )

    def _row(self, record_id: str) -> Record | None:
        row = self._conn.execute(_SELECT_RECORD, (record_id,)).fetchone()
        return None if row is None else _record(row)

    def get(self, record_id: str) -> Record:
        with self._errors():
            record = self._row(record_id)
        if record is None:
            raise BadInputError(f"no record with id '{record_id}' in {self.path}")
        return record

    def find(self, given: str) -> Record:
        """A record by its id, or by the reference a patient read out at the desk."""
        with self._errors():
            record = self._row(given)
            tail = reference_tail(given) if record is None else None
            ids = [] if tail is None else [r[0] for r in self._conn.execute(_ENDING, (tail,))]
        if record is not None:
            return record
        if len(ids) > 1:
            raise BadInputError(
                f"reference {reference(ids[0])} fits {len(ids)} records ({', '.join(ids)}); "
                "give the record id"
            )
        if not ids:
            what = "id" if tail is None else "id or reference"
            raise BadInputError(f"no record with {what} '{given}' in {self.path}")
        return self.get(ids[0])

    def reference_taken(self, record_id: str) -> bool:
        """Whether a stored record already has the reference ``record_id`` would have."""
        with self._errors():
            row = self._conn.execute(_ENDING, (record_id[-6:],)).fetchone()
        return row is not None

    def records(self, status: str | None = None, since: str | None = None) -> Iterator[Record]:
        """Records oldest first, read one at a time (``since``: a UTC stamp)."""
        with self._errors():
            cursor = self._conn.execute(_SELECT_RECORDS, (status, since))
        while True:
            with self._errors():
                rows = cursor.fetchmany(200)
            if not rows:
                return
            yield from (_record(r) for r in rows)

    def rows(
        self, status: str | None, since: str | None, identifiers: bool, *, people: bool = True
    ) -> Iterator[tuple[Any, ...]]:
        """The list's columns only, picked and formatted in SQL, oldest first: id, created
        in local time with its offset (for ``people``, else ISO 8601), status, mode, answer
        count, note ('' for people when there is none), and with ``identifiers`` each of
        IDENTIFIERS ('' if not answered)."""
        with self._errors():
            cursor = self._conn.execute(_SELECT_ROWS[people, identifiers], (status, since))
        while True:
            with self._errors():
                rows = cursor.fetchmany(500)
            if not rows:
                return
            yield from rows

    def widths(self, status: str | None, since: str | None) -> tuple[int, ...]:
        """The longest of each of IDENTIFIERS over the records listed, for a table."""
        with self._errors():
            row = self._conn.execute(_SELECT_WIDTHS, (status, since)).fetchone()
        return tuple(int(n or 0) for n in row)

    def waiting(self) -> list[Waiting]:
        """In-progress records, newest first, with what staff need to tell them apart."""
        with self._errors():
            rows = self._conn.execute(_SELECT_WAITING).fetchall()
        return [Waiting(r[0], r[1], r[2], r[3], str(r[4]), str(r[5]), _desk(r[6:11])) for r in rows]

    def history(self, record_id: str) -> list[Change]:
        self.get(record_id)
        with self._errors():
            rows = self._conn.execute(
                "SELECT question, old, new, at, user, mode FROM changes WHERE record_id = ? "
                "ORDER BY rowid",
                (record_id,),
            ).fetchall()
        return [Change(*r) for r in rows]

    def delete(self, record_ids: Sequence[str]) -> int:
        """Delete records and their history for good; then ``wiped`` says whether their
        old copies are gone from the file and its log too."""
        with self._write() as conn:
            removed = sum(
                conn.execute("DELETE FROM records WHERE id = ?", (i,)).rowcount for i in record_ids
            )
            if removed:
                self._note_wipe(conn)
        return removed

    def ids_before(self, before: dt.datetime) -> list[str]:
        """The records created at or before ``before``."""
        with self._errors():
            return [
                r[0]
                for r in self._conn.execute(
                    "SELECT id FROM records WHERE created <= ? ORDER BY created, rowid",
                    (utc_stamp(before),),
                )
            ]

    def purge(self, before: dt.datetime) -> list[str]:
        """Delete every record created at or before ``before``; the ids removed."""
        with self._write() as conn:
            stamp = utc_stamp(before)
            ids = [
                r[0] for r in conn.execute("SELECT id FROM records WHERE created <= ?", (stamp,))
            ]
            conn.execute("DELETE FROM records WHERE created <= ?", (stamp,))
            if ids:
                self._note_wipe(conn)
        return ids

    # Secure deletion. secure_delete zeroes freed space as pages are written; with a
    # write-ahead log, earlier copies of those pages stay in the log, and in the main file,
    # until a checkpoint copies the zeroed pages back and truncates the log. A reader that
    # holds an old snapshot stops that checkpoint: a note in ``meta`` keeps the job until
    # a later open or write finishes it.

    def _note_wipe(self, conn: sqlite3.Connection) -> None:
        conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
            (_WIPE, utc_stamp(dt.datetime.now(dt.UTC))),
        )

    def _wipe_pending(self) -> bool:
        if not self._has_meta:
            return False
        row = self._conn.execute("SELECT 1 FROM meta WHERE key = ?", (_WIPE,)).fetchone()
        return row is not None

    def _finish_wipe(self, *, wait_ms: int) -> None:
        """Checkpoint and truncate the log, if a delete left that to do; sets ``wiped``."""
        conn = self._conn
        with self._errors():
            if not self._wipe_pending():
                return
            conn.execute(f"PRAGMA busy_timeout = {int(wait_ms)}")
            try:
                busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
                if not busy:
                    conn.execute("DELETE FROM meta WHERE key = ?", (_WIPE,))
                    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                self.wiped = not busy
            except sqlite3.OperationalError:
                self.wiped = False  # busy or read-only: a later open tries again
            finally:
                conn.execute(f"PRAGMA busy_timeout = {int(self._busy_ms)}")


def _desk_values(desk: Desk | None) -> tuple[Any, ...]:
    if desk is None:
        return (None, None, None, None, None)
    return (desk.host, desk.user, desk.pid, desk.since, desk.token)


def _desk(values: Sequence[Any]) -> Desk | None:
    host, user, pid, since, token = values
    return None if token is None else Desk(host, user, int(pid), since, token)


def _record(row: Sequence[Any]) -> Record:
    return Record(
        id=row[0],
        created=row[1],
        updated=row[2],
        mode=row[3],
        status=row[4],
        answers=json.loads(row[5]),
        asked=tuple(json.loads(row[6])),
        definitions_hash=row[7],
        version=row[8],
        desk=_desk(row[9:14]),
        amended=row[14],
        language=row[15],
        note=row[16],
    )


def _kind(exc: sqlite3.Error) -> str:
    return getattr(exc, "sqlite_errorname", None) or type(exc).__name__


@contextlib.contextmanager
def _errors(path: Path) -> Iterator[None]:
    """sqlite3's exceptions as the tool's own, naming the store only."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        text = str(exc).lower()
        if "locked" in text or "busy" in text:
            raise StoreBusy(
                f"{path}: the store is busy (another program is writing); try again"
            ) from None
        if "readonly" in text or "read-only" in text:
            raise StoreError(f"{path}: the store is read-only") from None
        raise StoreError(f"{path}: the store cannot be used ({_kind(exc)})") from None
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: not a screening store, or damaged ({_kind(exc)})") from None


@dataclass(frozen=True)
class _Info:
    """What the store file says of itself: application id, schema version, pages, tables."""

    application_id: int
    version: int
    pages: int
    tables: frozenset[str]


def _info(conn: sqlite3.Connection) -> _Info:
    return _Info(
        conn.execute("PRAGMA application_id").fetchone()[0],
        conn.execute("PRAGMA user_version").fetchone()[0],
        conn.execute("PRAGMA page_count").fetchone()[0],
        frozenset(r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")),
    )


def _judge(path: Path, info: _Info, target: int) -> int:
    """The schema version to migrate from; refuses a file that is not a screening store."""
    if info.pages == 0:
        return 0  # an empty file: a new store
    ours = info.application_id == APPLICATION_ID
    if not ours and not (info.application_id == 0 and _LEGACY.get(info.version) == info.tables):
        raise StoreError(
            f"{path}: not a screening store (another program's file?); it was left as it "
            "is. Give a screening store, or a new file name, with --store"
        )
    if info.version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: made by a newer version of screening (schema {info.version}; this "
            f"version reads up to {SCHEMA_VERSION}). Upgrade screening to use it."
        )
    return info.version


def _is_current(path: Path, found: os.stat_result, target: int) -> bool:
    """Whether the store needs no creating or migrating, from its header where that is safe
    to read; refuses a file that is not SQLite or not ours."""
    if found.st_size == 0:
        return False
    header = files.read_header(path, found)
    if header is None:
        return True  # open in this process already: ours, and set up
    version, application_id = header
    if application_id == APPLICATION_ID and version > SCHEMA_VERSION:
        _judge(path, _Info(application_id, version, 1, frozenset()), target)
    # The header may lag behind the log; a store that looks old is checked under the lock.
    return application_id == APPLICATION_ID and version >= target


def _probe(path: Path, busy_ms: int, inode: tuple[int, int]) -> _Info:
    """Read a store's header and tables, read-only: a file that is not ours is left as it
    is (SQLite may add the empty -wal and -shm a reader of a WAL file needs)."""
    files.hold(inode)
    try:
        conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=busy_ms / 1000)
    except sqlite3.Error:
        files.let_go(inode)
        raise StoreError(f"{path}: cannot be opened as a store") from None
    try:
        with _errors(path):
            info = _info(conn)
    finally:
        conn.close()
        files.let_go(inode)
    return info
