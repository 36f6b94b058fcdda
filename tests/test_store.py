"""The record store: permissions, secure deletion, two writers, migrations and faults."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from screening.adapters.definition_files import take_snapshot
from screening.adapters.desks import this_desk
from screening.adapters.store import APPLICATION_ID, SCHEMA_VERSION, Store
from screening.core.errors import (
    BadInputError,
    RecordDeleted,
    RecordTaken,
    StoreBusy,
    StoreError,
)
from screening.core.records import new_record, with_answers
from screening.core.snapshot import Snapshot
from tests.conftest import (
    NOW,
    SMALL_QUESTIONNAIRE,
    SMALL_RULES,
    Cli,
    Clock,
    WriteDefs,
    WriteTemplates,
    child_env,
)

NAME = "Zebediah Quarrington"


@pytest.fixture
def snapshot(write_defs: WriteDefs, write_templates: WriteTemplates) -> Snapshot:
    return take_snapshot(write_defs(), write_templates())


def test_new_store_is_owner_only(tmp_path: Path, snapshot: Snapshot) -> None:
    path = tmp_path / "new" / "deeper" / "s.db"
    with Store.open(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        record = new_record("staff", store.keep_snapshot(snapshot), NOW)
        store.insert(with_answers(record, {"patient_name": NAME}, [], NOW))
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
        store.insert(keep)
        gone = store.insert(gone)
        # Edited while in progress, too: earlier versions of the row must not linger either.
        store.save(with_answers(gone, {"patient_name": NAME, "notes": NAME + " again"}, [], NOW))
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
                    store.insert(with_answers(record, {"pain_duration_months": n}, [], NOW))
        except BaseException as exc:  # reported below, in the test thread
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(m,)) for m in ("staff", "patient")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Store.open(path) as store:
        records = list(store.records())
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
        store.insert(new_record("staff", key, NOW))


def test_locked_store_says_busy(tmp_path: Path, snapshot: Snapshot) -> None:
    path = tmp_path / "s.db"
    with Store.open(path) as store:
        key = store.keep_snapshot(snapshot)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreBusy, match="busy"), Store.open(path, busy_ms=100) as store:
            store.insert(new_record("staff", key, NOW))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with Store.open(path) as store:
        assert list(store.records()) == []  # nothing half-written


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
            store.insert(new_record("staff", key, NOW))


# --- Saves name the version they read ------------------------------------------------------


def test_a_save_never_creates_and_never_overwrites_a_newer_version(
    tmp_path: Path, snapshot: Snapshot
) -> None:
    with Store.open(tmp_path / "s.db") as store:
        key = store.keep_snapshot(snapshot)
        record = store.insert(new_record("staff", key, NOW))
        saved = store.save(with_answers(record, {"pain_duration_months": 4}, [], NOW))
        assert saved.version == record.version + 1
        with pytest.raises(RecordTaken):  # a second writer still holding the first version
            store.save(with_answers(record, {"pain_duration_months": 9}, [], NOW))
        assert store.get(record.id).answers == {"pain_duration_months": 4}
        store.delete([record.id])
        with pytest.raises(RecordDeleted, match="this record was deleted"):
            store.save(with_answers(saved, {"pain_duration_months": 5}, [], NOW))
        assert list(store.records()) == []
        with pytest.raises(StoreError, match="exists"):
            store.insert(record) and store.insert(record)


# --- Only our own files ------------------------------------------------------------------------

READING = ["records", "list", "--store"]


def _foreign(path: Path, wal: bool) -> None:
    conn = sqlite3.connect(path)
    if wal:
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE accounts (name TEXT)")
    conn.execute("INSERT INTO accounts VALUES ('not ours')")
    conn.commit()
    conn.close()
    path.chmod(0o600)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("wal", [False, True], ids=["rollback", "wal"])
@pytest.mark.parametrize("command", ["list", "add"])
def test_another_programs_file_is_refused_unmodified(
    cli: Cli, tmp_path: Path, kinds_answers: Path, kinds_args: list[str], wal: bool, command: str
) -> None:
    path = tmp_path / "other.db"
    _foreign(path, wal)
    before = _digest(path)
    args = (["records", "list"] if command == "list" else
            ["records", "add", "--answers", str(kinds_answers), *kinds_args])  # fmt: skip
    code, out, err = cli(*args, "--store", str(path))
    assert (code, out) == (2, "")
    assert err == (
        f"screening: {path}: not a screening store (another program's file?); it was left as "
        "it is. Give a screening store, or a new file name, with --store\n"
    )
    assert _digest(path) == before
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == ("wal" if wal else "delete")
    assert conn.execute("PRAGMA application_id").fetchone()[0] == 0
    conn.close()


def test_migration_to_the_kiosk_note(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with Store.open(path, migrate_to=3) as old:
        key = old.keep_snapshot(Snapshot(SMALL_QUESTIONNAIRE, SMALL_RULES, ()))
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO records (id, created, updated, mode, status, answers, asked, "
        "definitions_hash) VALUES ('r1', '2025-01-02T10:00:00+00:00', "
        "'2025-01-02T10:00:00+00:00', 'patient', 'in_progress', '{}', '[]', ?)",
        (key,),
    )
    conn.commit()
    conn.close()
    with Store.open(path) as store:
        assert store.schema_version == SCHEMA_VERSION == 5
        record = store.get("r1")
        assert record.note is None
        store.claim(record, this_desk(NOW))
        saved = store.save(with_answers(store.get("r1"), {}, [], NOW, note="timed_out"))
        assert store.get("r1").note == "timed_out" == saved.note
        with pytest.raises(sqlite3.IntegrityError):  # only the notes the tool knows
            store._conn.execute("UPDATE records SET note = 'anything' WHERE id = 'r1'")


class FailingCommit:
    """A connection whose next commit fails, as on a full disk."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn, self.fail = conn, True

    def execute(self, sql: str, *args: Any) -> Any:
        if sql == "COMMIT" and self.fail:
            self.fail = False
            raise sqlite3.OperationalError("database or disk is full")
        return self._conn.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


def test_a_failed_commit_is_rolled_back_and_the_next_write_goes_through(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.db") as store:
        key = store.keep_snapshot(Snapshot(SMALL_QUESTIONNAIRE, SMALL_RULES, ()))
        record = new_record("patient", key, NOW)
        store._conn = FailingCommit(store._conn)  # type: ignore[assignment]
        with pytest.raises(StoreError, match="cannot be used"):
            store.insert(record)
        assert list(store.records()) == []  # nothing half-written
        store.insert(record)  # the same connection, the same record: no transaction left open
        assert [r.id for r in store.records()] == [record.id]


def test_a_new_store_carries_our_application_id(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    path.touch(mode=0o600)  # an empty file is a store not made yet
    assert cli("records", "list", "--store", str(path)).out == "No records.\n"
    with open(path, "rb") as f:
        head = f.read(100)
    assert int.from_bytes(head[68:72], "big") == APPLICATION_ID == 0x5343524E


def test_a_store_made_before_the_application_id_is_still_ours(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with Store.open(path, migrate_to=2):
        pass
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 0")  # as earlier versions left it
    conn.close()
    assert cli("records", "list", "--store", str(path)).out == "No records.\n"
    with Store.open(path) as store:
        assert store.schema_version == SCHEMA_VERSION
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    conn.close()


def test_a_store_path_that_is_a_symbolic_link_is_refused(cli: Cli, tmp_path: Path) -> None:
    real = tmp_path / "real.db"
    with Store.open(real):
        pass
    link = tmp_path / "link.db"
    link.symlink_to(real)
    before = _digest(real)
    code, _, err = cli(*READING, str(link))
    assert code == 2
    assert err == (
        f"screening: {link}: is a symbolic link; the store and its files are never opened "
        "through one. Give the store's real path with --store\n"
    )
    assert _digest(real) == before


def test_advice_names_only_the_tools_own_paths(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "passwd"  # stands in for a file that is not the store's
    target.write_text("root:x:0:0\n")
    target.chmod(0o644)
    link = tmp_path / "s.db"
    link.symlink_to(target)
    code, _, err = cli(*READING, str(link))
    assert code == 2
    assert "chmod" not in err and str(target) not in err
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


@pytest.mark.parametrize("suffix", ["-wal", "-shm", "-journal"])
def test_a_planted_side_file_link_is_refused(cli: Cli, tmp_path: Path, suffix: str) -> None:
    store = tmp_path / "s.db"
    with Store.open(store):
        pass
    target = tmp_path / "elsewhere"
    target.write_bytes(b"precious")
    Path(f"{store}{suffix}").symlink_to(target)
    code, _, err = cli(*READING, str(store))
    assert code == 2 and f"{store}{suffix}: is a symbolic link" in err
    assert target.read_bytes() == b"precious"


def test_a_side_file_that_is_not_a_regular_file_is_refused(cli: Cli, tmp_path: Path) -> None:
    store = tmp_path / "s.db"
    with Store.open(store):
        pass
    os.mkfifo(f"{store}-wal", 0o600)
    code, _, err = cli(*READING, str(store))
    assert (code, err) == (
        2, f"screening: {store}-wal: is not a regular file; the store was not opened\n"
    )  # fmt: skip


def test_a_side_file_others_can_read_gets_the_chmod_for_itself(cli: Cli, tmp_path: Path) -> None:
    store = tmp_path / "s.db"
    with Store.open(store):
        pass
    side = Path(f"{store}-wal")
    side.touch(mode=0o644)
    side.chmod(0o644)
    code, _, err = cli(*READING, str(store))
    assert code == 2 and f"'chmod 600 {side}'" in err


@pytest.mark.parametrize("mode", [0o777, 0o1777, 0o770])
def test_a_store_in_a_folder_others_can_write_is_refused(
    cli: Cli, tmp_path: Path, kinds_answers: Path, kinds_args: list[str], mode: int
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(mode)
    store = shared / "s.db"
    code, _, err = cli("records", "add", "--answers", str(kinds_answers), *kinds_args,
                       "--store", str(store))  # fmt: skip
    assert code == 2
    assert err == (
        f"screening: {shared}: other users can write in this folder and could swap the store's "
        "files; keep the store in a folder only you can write to\n"
    )
    assert list(shared.iterdir()) == []


# --- Creation and migration under one lock -----------------------------------------------------


def _screening(*args: str, env: dict[str, str], **options: Any) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "screening", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env,
        **options,
    )


@pytest.mark.parametrize("round_", range(3))
def test_four_first_writers_all_succeed(
    tmp_path: Path, kinds_answers: Path, kinds_args: list[str], round_: int
) -> None:
    store = tmp_path / "new" / "s.db"
    env = child_env(tmp_path / "data")
    writers = [
        _screening("records", "add", "--answers", str(kinds_answers), *kinds_args,
                   "--store", str(store), env=env)
        for _ in range(4)
    ]  # fmt: skip
    results = [(w.wait(timeout=60), *w.communicate()) for w in writers]
    assert [r[0] for r in results] == [0, 0, 0, 0], [r[2] for r in results]
    with Store.open(store) as opened:
        assert sorted(r.id for r in opened.records()) == sorted(r[1].strip() for r in results)


def test_migration_by_many_at_once(
    tmp_path: Path, kinds_answers: Path, kinds_args: list[str]
) -> None:
    store = tmp_path / "s.db"
    with Store.open(store, migrate_to=1):
        pass
    env = child_env(tmp_path / "data")
    readers = [_screening("records", "list", "--store", str(store), env=env) for _ in range(4)]
    assert [(r.wait(timeout=60), r.communicate()[0]) for r in readers] == [(0, "No records.\n")] * 4


# --- Read-only, then restored ------------------------------------------------------------------


@pytest.fixture
def bound_by_modes() -> list[str]:
    """The command prefix that makes a child process obey file modes: none for a user, and
    for root (whom modes do not bind) root without the capabilities that override them."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv to drop the override capabilities")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner"]


def test_a_stale_read_only_shm_is_handled(
    bound_by_modes: list[str], tmp_path: Path, kinds_answers: Path, kinds_args: list[str]
) -> None:
    store = tmp_path / "store" / "s.db"
    env = child_env(tmp_path / "data")

    def run(*args: str) -> tuple[int, str, str]:
        proc = subprocess.run(
            [*bound_by_modes, sys.executable, "-m", "screening", *args, "--store", str(store)],
            capture_output=True,
            text=True,
            env=env,
            stdin=subprocess.DEVNULL,
            timeout=60,
            check=False,
        )
        return proc.returncode, proc.stdout, proc.stderr

    answers = str(kinds_answers)
    assert run("records", "add", "--answers", answers, *kinds_args)[0] == 0
    store.chmod(0o400)
    code, _, err = run("records", "add", "--answers", answers, *kinds_args)
    assert (code, err.strip()) == (2, f"screening: {store}: the store is read-only")
    assert run("records", "list")[0] == 0  # a read while it is read-only
    shm = Path(f"{store}-shm")
    assert shm.exists() and stat.S_IMODE(shm.stat().st_mode) == 0o400  # left behind
    store.chmod(0o600)  # the owner restores it
    code, _, err = run("records", "add", "--answers", answers, *kinds_args)
    assert code == 0, err
    assert len(run("records", "list", "--format", "json")[1].split('"id"')) == 3


# --- A reader holding the log during a delete ----------------------------------------------------

# Holds a read transaction until told, then stays connected (idle) until told again.
READER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN")
conn.execute("SELECT count(*) FROM records").fetchone()
print("reading", flush=True)
sys.stdin.readline()
conn.execute("COMMIT")
print("done reading", flush=True)
sys.stdin.readline()
conn.close()
"""


@pytest.mark.parametrize("command", ["delete", "purge"])
def test_a_delete_a_reader_holds_back_says_so_and_the_next_open_finishes(
    cli: Cli, clock: Clock, tmp_path: Path, kinds_answers: Path, kinds_args: list[str],
    command: str,
) -> None:  # fmt: skip
    store = tmp_path / "store" / "s.db"
    person = tmp_path / "person.yaml"
    person.write_text(kinds_answers.read_text().replace("Alex Example", NAME))
    add = ("records", "add", "--store", str(store), *kinds_args, "--answers")
    gone = cli(*add, str(person)).out.strip()
    clock.advance(days=40)
    cli(*add, str(kinds_answers))
    removal = ["delete", gone] if command == "delete" else ["purge", "--older-than", "30d"]

    def raw() -> bytes:
        return b"".join(p.read_bytes() for p in store.parent.iterdir())

    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(store)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert reader.stdin is not None and reader.stdout is not None
    try:
        assert reader.stdout.readline() == "reading\n"
        code, out, err = cli("records", *removal, "--yes", "--store", str(store))
        assert (code, out) == (75, "Deleted 1 record.\n")
        assert err == (
            f"screening: {store}: the deleted data is not yet cleared from the store's file "
            "and log, because another program is reading the store. Close it, then run any "
            "screening command on this store (like 'screening records list'): that clears it\n"
        )
        assert NAME.encode() in raw()  # as the message says
        reader.stdin.write("go on\n")
        reader.stdin.flush()
        assert reader.stdout.readline() == "done reading\n"
        assert NAME.encode() in raw()  # the reader has finished, but not the job
        code, out, _ = cli("records", "list", "--store", str(store), "--no-identifiers")
        assert code == 0 and gone not in out
        assert NAME.encode() not in raw()
        assert b"Alex Example" in raw()
    finally:
        reader.communicate("end\n", timeout=30)


def test_each_save_reaches_the_disk(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.db") as store:
        # FULL: the write-ahead log is synced at every commit, so a saved answer survives a
        # power cut, not only a killed process.
        assert store._conn.execute("PRAGMA synchronous").fetchone()[0] == 2


def test_the_language_is_kept_and_not_lost_on_a_save(tmp_path: Path, snapshot: Snapshot) -> None:
    with Store.open(tmp_path / "s.db") as store:
        key = store.keep_snapshot(snapshot)
        record = store.insert(new_record("patient", key, NOW, language="es"))
        store.save(with_answers(record, {"pain_duration_months": 3}, ["pain_duration_months"], NOW))
        assert store.get(record.id).language == "es"
        [listed] = store.records()
        assert (listed.language, listed.answers) == ("es", {"pain_duration_months": 3})
        assert new_record("staff", key, NOW).language == "en"
