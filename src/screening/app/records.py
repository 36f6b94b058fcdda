"""The `records` use cases: list, show, add, export, history, delete and purge stored
screenings."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from screening.core.records import (
    COMPLETE,
    IDENTIFIERS,
    NOTES,
    Record,
    local_time,
    new_record,
    parse_age,
    parse_since,
    reference,
    with_answers,
)
from screening.core.sanitize import clean_text

if TYPE_CHECKING:
    # Listing needs neither the models nor the templates: they are imported where used.
    from screening.adapters.store import Store

Confirm = Callable[[str], bool]
# Local times as lists show them: "2026-11-21 16:05 +01:00".
TIME_WIDTH = 23
NOTE_WIDTH = max(map(len, NOTES))


@dataclass(frozen=True)
class Listing:
    """Records as rows, read one at a time: the column names, the widths a table needs, and
    the rows (cells as text, the answer count as a number)."""

    heads: tuple[str, ...]
    widths: tuple[int, ...]
    rows: Iterator[tuple[str | int, ...]]


def list_records(
    store: Store,
    *,
    status: str | None,
    since: str | None,
    identifiers: bool,
    now: dt.datetime,
    for_people: bool = True,
) -> Listing:
    """One row per record, oldest first, times local; names and clinic ids only with
    ``identifiers``. Only the listed fields are read, and one row at a time. Times read
    "2026-11-21 16:05 +01:00" ``for_people``, else as ISO 8601 with the local offset."""
    after = parse_since(since, now) if since is not None else None
    heads: tuple[str, ...] = ("id", "created", "status", "mode", "answers", "note")
    widths: tuple[int, ...] = (22, TIME_WIDTH, 11, 7, 7, NOTE_WIDTH)
    if identifiers:
        heads, widths = heads + IDENTIFIERS, widths + store.widths(status, after)
    found = store.rows(status, after, identifiers, people=for_people)

    def rows() -> Iterator[tuple[str | int, ...]]:
        if not identifiers:
            yield from found
            return
        for row in found:  # typed names and ids: no control characters reach a screen
            yield (*row[:6], *(_one_line(v) for v in row[6:]))

    return Listing(heads, widths, rows())


def _one_line(value: Any) -> str:
    return clean_text(value if isinstance(value, str) else str(value)).replace("\n", " ")


def show_record(store: Store, record_id: str) -> tuple[list[tuple[str, str]], Record]:
    """A record's facts as (name, value) lines, times local, and the record."""
    r = store.find(record_id)
    lines = [
        ("id", r.id),
        ("reference", reference(r.id)),
        ("status", r.status),
        ("mode", r.mode),
        ("created", local_time(r.created)),
        ("updated", local_time(r.updated)),
        ("language", r.language),
    ]
    if r.amended:
        lines.append(("amended", local_time(r.amended)))
    if r.note:
        lines.append(("note", f"{NOTES.get(r.note, r.note)}; {_go_on(r)}"))
    if r.desk:
        lines.append(("open at", r.desk.describe()))
    lines.append(("definitions", r.definitions_hash))
    return lines, r


def _go_on(record: Record) -> str:
    """How staff finish a record with the patient."""
    return f"continue it with the patient: screening interview --resume {record.id} --mode staff"


def start_record(
    store: Store,
    mode: str,
    rules_dir: Path,
    templates_dir: Path,
    now: dt.datetime,
    language: str = "en",
) -> Record:
    """A new empty record pointing at a stored copy of the definitions in use now."""
    from screening.adapters.definition_files import take_snapshot

    key = store.keep_snapshot(take_snapshot(rules_dir, templates_dir))
    return new_record(mode, key, now, language)


def add_record(
    store: Store,
    answers_file: Path,
    *,
    rules_dir: Path,
    templates_dir: Path,
    cache_dir: Path | None,
    now: dt.datetime,
) -> Record:
    """Check a complete answers file (or a FHIR QuestionnaireResponse) and store it as a
    complete record."""
    from screening.adapters.definition_files import load_definitions
    from screening.app.fhir import read_answers_or_response
    from screening.core.answers import stored_form

    defs = load_definitions(rules_dir, cache_dir)
    answers = read_answers_or_response(answers_file, defs.questionnaire, now.astimezone().date())
    record = start_record(store, "staff", rules_dir, templates_dir, now)
    record = with_answers(record, stored_form(answers), list(answers), now, status=COMPLETE)
    return store.insert(record)


def export_records(
    store: Store, record_id: str | None, fallback_templates: Path
) -> Iterator[dict[str, Any]]:
    """Answers and points of one record, or of every record when ``record_id`` is None,
    read and made one at a time."""
    from screening.app.summaries import Reprinter

    chosen = store.records() if record_id is None else iter([store.get(record_id)])
    reprinter = Reprinter(store, fallback_templates)
    for record in chosen:
        yield reprinter.export(record)


def history(store: Store, record_id: str) -> list[dict[str, str]]:
    """Every change to a complete record: when (local time), who, the question, old and new."""
    return [
        {
            "when": local_time(c.at),
            "who": f"{c.user} ({c.mode})",
            "question": c.question,
            "old": _value(c.old),
            "new": _value(c.new),
        }
        for c in store.history(record_id)
    ]


def _value(stored: str | None) -> str:
    if stored is None:
        return "(no answer)"
    value = json.loads(stored)
    return _one_line(", ".join(map(str, value)) if isinstance(value, list) else value)


@dataclass(frozen=True)
class Removal:
    """What a delete or purge did: records removed (None: not confirmed), whether their old
    copies are gone from the store's file and log, and summary files removed."""

    removed: int | None
    wiped: bool = True
    files: int = 0


def delete_record(store: Store, record_id: str, confirm: Confirm, copies: Path) -> Removal:
    """Delete one record, its history and every copy the tool made of it on its own (in
    ``copies``), for good, once confirmed."""
    from screening.adapters.files import remove_copies

    record = store.get(record_id)
    where = f" It is open at {record.desk.describe()}." if record.desk else ""
    if not confirm(f"Delete record {record_id} for good?{where}"):
        return Removal(None)
    removed = store.delete([record_id])
    return Removal(removed, store.wiped, remove_copies(copies, record_id))


def purge_records(
    store: Store, older_than: str, now: dt.datetime, confirm: Confirm, copies: Path
) -> Removal:
    """Delete every record created more than ``older_than`` (like 30d) before ``now``."""
    from screening.adapters.files import remove_copies

    before = now - parse_age(older_than)
    count = len(store.ids_before(before))
    if count == 0:
        return Removal(0)
    if not confirm(
        f"Delete {count} record{'s' if count != 1 else ''} created before "
        f"{local_time(before.isoformat())}?"
    ):
        return Removal(None)
    ids = store.purge(before)
    files = sum(remove_copies(copies, i) for i in ids)
    return Removal(len(ids), store.wiped, files)
