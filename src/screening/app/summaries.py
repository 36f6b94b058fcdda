"""Making summaries: from an answers file, or reprinted from a stored record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from screening.adapters.definition_files import definitions_from_snapshot, load_definitions
from screening.adapters.rendering import Format, Templates, render
from screening.adapters.store import Store
from screening.core.answers import validate_answers
from screening.core.conditions import AnswerValue
from screening.core.models import Definitions
from screening.core.records import COMPLETE, Record, local_time, record_day
from screening.core.rules import run_rules
from screening.core.summary import RecordInfo, build_summary, summarise, summary_data


def make_summary(
    defs: Definitions,
    answers: Mapping[str, AnswerValue],
    fmt: Format,
    templates: Templates,
    today: dt.date,
    record: RecordInfo,
) -> str:
    """The guarded summary document for these answers."""
    return render(summarise(defs, answers, today, record), fmt, templates)


def record_info(record: Record, defs: Definitions) -> RecordInfo:
    """What the page says about a stored record: id, who filled it in, status, local time,
    and how far its interview got."""
    # In patient mode only the patient's questions count, unless staff answered some of theirs.
    qn = defs.questionnaire
    staff = record.mode == "staff" or any(
        (q := qn.get(qid)) is not None and q.audience == "staff" for qid in record.answers
    )
    return RecordInfo(
        definitions=record.definitions_hash[:12],
        id=record.id,
        mode=record.mode,
        status=record.status if record.status == COMPLETE else "in_progress",
        completed=local_time(record.updated),
        asked=record.asked,
        amended=local_time(record.amended) if record.amended else "",
        audience="staff" if staff else "everyone",
        language=record.language,
    )


def summary_from_file(
    answers_file: Path,
    fmt: Format,
    *,
    rules_dir: Path,
    templates_dir: Path,
    cache_dir: Path | None,
    today: dt.date,
) -> str:
    """Check a file of answers against the definitions and make its summary."""
    from screening.adapters.answers_file import read_answers
    from screening.adapters.definition_files import take_snapshot

    defs = load_definitions(rules_dir, cache_dir)
    given = read_answers(answers_file, defs.questionnaire, today)
    version = take_snapshot(rules_dir, templates_dir).hash[:12]
    return make_summary(defs, given, fmt, templates_dir, today, RecordInfo(definitions=version))


def stored_definitions(
    store: Store, key: str, fallback_templates: Path
) -> tuple[Definitions, Templates]:
    """The definitions and templates a record was answered against."""
    snapshot = store.snapshot(key)
    # Records from schema 1 kept no templates: they print with today's.
    from screening.adapters import locations

    defs = definitions_from_snapshot(snapshot, locations.cache_dir())
    return defs, snapshot.templates or fallback_templates


@dataclass
class Reprinter:
    """Turns stored records back into answers, points and summaries, with their own
    definitions and templates."""

    store: Store
    fallback_templates: Path

    def answers(self, record: Record) -> tuple[Definitions, Templates, dict[str, AnswerValue]]:
        defs, templates = stored_definitions(
            self.store, record.definitions_hash, self.fallback_templates
        )
        answers, _ = validate_answers(
            defs.questionnaire, record.answers, record_day(record), complete=False
        )
        return defs, templates, answers

    def summary(self, record: Record, fmt: Format) -> str:
        """The summary as it read when the record was last saved: same definitions,
        templates and date; an unfinished one says so at the top, an amended one says when."""
        defs, templates, answers = self.answers(record)
        return make_summary(
            defs, answers, fmt, templates, record_day(record), record_info(record, defs)
        )

    def export(self, record: Record) -> dict[str, Any]:
        defs, _, answers = self.answers(record)
        # Data, not a document: no template runs, so no guarded twin is needed.
        day = record_day(record)
        view = build_summary(
            defs, answers, run_rules(defs, answers), day, record_info(record, defs)
        )
        data = summary_data(view)
        return {
            "id": record.id,
            "created": record.created,
            "updated": record.updated,
            "mode": record.mode,
            "status": record.status,
            "language": record.language,
            "definitions_hash": record.definitions_hash,
            "answers": data["answers"],
            "points": data["points"],
            "next_step": data["next_step"],
            "disclaimer": data["disclaimer"],
        } | ({"amended": record.amended} if record.amended else {})


def reprint(store: Store, record_id: str, fmt: Format, fallback_templates: Path) -> str:
    """A stored record's summary, exactly as it first read."""
    return Reprinter(store, fallback_templates).summary(store.find(record_id), fmt)
