"""The `records` use cases: list, show, add, export, delete and purge stored screenings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from screening.adapters.definition_files import load_definitions, take_snapshot
from screening.adapters.store import Store
from screening.app.summaries import Reprinter
from screening.core.answers import stored_form
from screening.core.conditions import AnswerValue
from screening.core.records import (
    COMPLETE,
    IDENTIFIERS,
    Record,
    new_record,
    parse_age,
    parse_since,
    with_answers,
)

Confirm = Callable[[str], bool]


def list_records(
    store: Store, *, status: str | None, since: str | None, identifiers: bool
) -> list[dict[str, Any]]:
    """One row per record, oldest first; names and clinic ids only with ``identifiers``."""
    day = parse_since(since) if since is not None else None
    rows = []
    for r in store.records(status=status, since=day):
        row: dict[str, Any] = {
            "id": r.id,
            "created": r.created,
            "status": r.status,
            "mode": r.mode,
            "answers": len(r.answers),
        }
        if identifiers:
            row.update({k: r.answers.get(k, "") for k in IDENTIFIERS})
        rows.append(row)
    return rows


def start_record(
    store: Store,
    mode: str,
    rules_dir: Path,
    templates_dir: Path,
    now: dt.datetime,
    language: str = "en",
) -> Record:
    """A new empty record pointing at a stored copy of the definitions in use now."""
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
    """Check a complete answers file and store it as a complete record."""
    from screening.adapters.answers_file import read_answers

    defs = load_definitions(rules_dir, cache_dir)
    answers: dict[str, AnswerValue] = read_answers(
        answers_file, defs.questionnaire, now.astimezone().date()
    )
    record = start_record(store, "staff", rules_dir, templates_dir, now)
    record = with_answers(record, stored_form(answers), list(answers), now, status=COMPLETE)
    store.put(record)
    return record


def export_records(
    store: Store, record_id: str | None, fallback_templates: Path
) -> Iterator[dict[str, Any]]:
    """Answers and points of one record, or of every record when ``record_id`` is None."""
    chosen = store.records() if record_id is None else [store.get(record_id)]
    reprinter = Reprinter(store, fallback_templates)
    for record in chosen:
        yield reprinter.export(record)


def delete_record(store: Store, record_id: str, confirm: Confirm) -> int | None:
    """Delete one record for good once confirmed; the count removed, or None if not confirmed."""
    store.get(record_id)
    if not confirm(f"Delete record {record_id} for good?"):
        return None
    return store.delete([record_id])


def purge_records(store: Store, older_than: str, now: dt.datetime, confirm: Confirm) -> int | None:
    """Delete every record created more than ``older_than`` (like 30d) before ``now``."""
    before = now - parse_age(older_than)
    count = store.count_before(before)
    if count == 0:
        return 0
    if not confirm(
        f"Delete {count} record{'s' if count != 1 else ''} created before "
        f"{before.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC?"
    ):
        return None
    return store.purge(before)
