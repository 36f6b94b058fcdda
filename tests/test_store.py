"""The record store: permissions, secure deletion, two writers, migrations and faults."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import threading
from pathlib import Path

import pytest

from screening.adapters.definition_files import take_snapshot
from screening.adapters.store import SCHEMA_VERSION, Store
from screening.core.errors import BadInputError, StoreBusy, StoreError
from screening.core.records import new_record, with_answers
from screening.core.snapshot import Snapshot
from tests.conftest import NOW, SMALL_QUESTIONNAIRE, SMALL_RULES, WriteDefs, WriteTemplates

NAME = "Zebediah Quarrington"


@pytest.fixture
def snapshot(write_defs: WriteDefs, write_templates: WriteTemplates) -> Snapshot:
    return take_snapshot(write_defs(), write_templates())


def test_new_store_is_owner_only(tmp_path: Path, snapshot: Snapshot) -> None:
    path = tmp_path / "new" / "deeper" / "s.db"
    with Store.open(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        record = new_record("staff", store.keep_snapshot(snapshot), NOW)
        store.put(with_answers(record, {"patient_name": NAME}, [], NOW))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    for side in path.parent.iterdir():
        assert stat.S_IMODE(side.stat().st_mode) & 0o077 == 0, side


def test_snapshots_are_kept_once_by_content(tmp_path: Path, snapshot: Snapshot) -> None:
    with Store.open(tmp_path / "s.db") as store:
        key = store.keep_snapshot(snapshot)
        assert key == snapshot.hash
        assert store.keep_snapshot(snapshot) == key
        assert store.snapshot(key) == snapshot
        changed = Snapshot(
            snapshot.questionnaire, snapshot.rules + "\n# edited\n", snapshot.templates
        )
        assert store.keep_snapshot(changed) != key
        assert store.snapshot(key) == snapshot


def test_store_others_can_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    Store.open(path).close()
    path.chmod(0o644)
    with pytest.raises(StoreError) as err:
        Store.open(path)
    assert err.value.lines() == [
        f"{path}: other users can open it; make it yours alone with "
        f"'chmod 600 {path}' and try again"
    ]


def test_deleted_patient_is_gone_from_the_file(tmp_path: Path, snapshot: Snapshot) -> None:
    folder = tmp_path / "store"
    path = folder / "s.db"
    with Store.open(path) as store:
        key = store.keep_snapshot(snapshot)
        keep = with_answers(new_record("staff", key, NOW), {"patient_name": "Kept Person"}, [], NOW)
        gone = with_answers(
            new_record("staff", key, NOW), {"patient_name": NAME, "notes": NAME}, [], NOW
        )
        store.put(keep)
        store.put(gone)
        # Edited while in progress, too: earlier versions of the row must not linger either.
        store.put(with_answers(gone, {"patient_name": NAME, "notes": NAME + " again"}, [], NOW))
        raw = b"".join(p.read_bytes() for p in folder.iterdir())
        assert NAME.encode() in raw
        assert store.delete([gone.id]) == 1
    raw = b"".join(p.read_bytes() for p in folder.iterdir())
    assert NAME.encode() not in raw
    assert b"Kept Person" in raw


def test_two_writers_at_once(tmp_path: Path, snapshot: Snapshot) -> None:
    path = tmp_path / "s.db"
    with Store.open(path) as store:
        key = store.keep_snapshot(snapshot)
    errors: list[BaseException] = []

    def writer(mode: str) -> None:
        try:
            with Store.open(path) as store:
                for n in range(40):
                    record = new_record(mode, key, NOW)
                    store.put(with_answers(record, {"pain_duration_months": n}, [], NOW))
        except BaseException as exc:  # reported below, in the test thread
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(m,)) for m in ("staff", "patient")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Store.open(path) as store:
        records = store.records()
    assert len(records) == 80
    assert {r.mode for r in records} == {"staff", "patient"}


def test_migration_from_the_first_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with Store.open(path, migrate_to=1) as old:
        assert old.schema_version == 1
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO definitions (hash, questionnaire, rules) VALUES (?, ?, ?)",
        ("h1", SMALL_QUESTIONNAIRE, SMALL_RULES),
    )
    conn.execute(
        "INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            "r1",
            "2025-01-02T10:00:00+00:00",
            "2025-01-02T10:05:00+00:00",
            "staff",
            "complete",
            json.dumps({"pain_duration_months": 9}),
            "[]",
            "h1",
        ),
    )
    conn.commit()
    conn.close()
    with Store.open(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.get("r1").answers == {"pain_duration_months": 9}
        assert store.get("r1").language == "en"  # records from before languages
        assert store.snapshot("h1").templates == ()
        names = {r[0] for r in store._conn.execute("SELECT name FROM sqlite_master")}
    assert "records_created" in names


def test_newer_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="made by a newer version of screening"):
        Store.open(path)


def test_damaged_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.write(fd, b"this is not a database at all, just text " * 200)
    os.close(fd)
    with pytest.raises(StoreError, match="not a screening store, or damaged"):
        Store.open(path)


def test_read_only_store(tmp_path: Path, snapshot: Snapshot) -> None:
    path = tmp_path / "s.db"
    with Store.open(path) as store:
        key = store.keep_snapshot(snapshot)
    path.chmod(0o400)
    if os.access(path, os.W_OK):
        pytest.skip("running as a user who can write any file")
    with pytest.raises(StoreError, match="read-only"), Store.open(path) as store:
        store.put(new_record("staff", key, NOW))


def test_locked_store_says_busy(tmp_path: Path, snapshot: Snapshot) -> None:
    path = tmp_path / "s.db"
    with Store.open(path) as store:
        key = store.keep_snapshot(snapshot)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreBusy, match="busy"), Store.open(path, busy_ms=100) as store:
            store.put(new_record("staff", key, NOW))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with Store.open(path) as store:
        assert store.records() == []  # nothing half-written


@pytest.mark.parametrize("make", ["folder", "unwritable"])
def test_bad_store_path(tmp_path: Path, make: str) -> None:
    if make == "folder":
        path = tmp_path / "a-folder"
        path.mkdir()
    else:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        if os.access(locked, os.W_OK):
            pytest.skip("running as a user who can write any folder")
        path = locked / "s.db"
    with pytest.raises(StoreError):
        Store.open(path)


def test_unknown_id(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.db") as store, pytest.raises(BadInputError, match="no record"):
        store.get("nope")


def test_read_only_database_message(tmp_path: Path, snapshot: Snapshot) -> None:
    # Root can write a 0400 file, so the engine's own read-only state stands in for it here.
    with Store.open(tmp_path / "s.db") as store:
        key = store.keep_snapshot(snapshot)
        store._conn.execute("PRAGMA query_only = ON")
        with pytest.raises(StoreError, match="the store is read-only"):
            store.put(new_record("staff", key, NOW))


def test_the_language_is_kept_and_not_lost_on_a_save(tmp_path: Path, snapshot: Snapshot) -> None:
    with Store.open(tmp_path / "s.db") as store:
        record = new_record("patient", store.keep_snapshot(snapshot), NOW, language="es")
        store.put(record)
        store.put(with_answers(record, {"pain_duration_months": 3}, ["pain_duration_months"], NOW))
        assert store.get(record.id).language == "es"
        [listed] = store.records()
        assert (listed.language, listed.answers) == ("es", {"pain_duration_months": 3})
        assert new_record("staff", record.definitions_hash, NOW).language == "en"
