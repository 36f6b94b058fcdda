"""What the `records` commands and reprints do with the store: list, export, reprint, add."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from screening.answers import validate_answers
from screening.conditions import AnswerValue
from screening.definitions import definitions_from_texts, load_definitions
from screening.errors import BadInputError
from screening.models import Definitions
from screening.rendering import Format, Templates, render
from screening.report import summary_view
from screening.sessions import new_record, with_answers
from screening.snapshot import take_snapshot
from screening.store import COMPLETE, Record, Store
from screening.summary import summary_data

IDENTIFIERS = ("patient_name", "patient_id")
_AGE = re.compile(r"^\s*([0-9]+)\s*(d|day|days|w|week|weeks)\s*$", re.I)


def parse_since(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise BadInputError(f"--since: '{text}' is not a date written YYYY-MM-DD") from None


def parse_age(text: str) -> dt.timedelta:
    match = _AGE.match(text)
    if match is None:
        raise BadInputError(f"--older-than: '{text}' is not a duration like 30d or 6w")
    days = int(match.group(1)) * (7 if match.group(2).lower().startswith("w") else 1)
    return dt.timedelta(days=days)


@dataclass
class Reprinter:
    """Turns stored records back into answers, points and summaries, with their own
    definitions and templates (each loaded once)."""

    store: Store
    fallback_templates: Path
    _loaded: dict[str, tuple[Definitions, Templates]] = field(default_factory=dict)

    def definitions(self, record: Record) -> tuple[Definitions, Templates]:
        key = record.definitions_hash
        if key not in self._loaded:
            snap = self.store.snapshot(key)
            defs = definitions_from_texts(snap.questionnaire, snap.rules,
                                          f"stored definitions {key[:12]}")
            # Records from schema 1 kept no templates: they print with today's.
            self._loaded[key] = (defs, snap.templates or self.fallback_templates)
        return self._loaded[key]

    def answers(self, record: Record) -> tuple[Definitions, Templates, dict[str, AnswerValue]]:
        defs, templates = self.definitions(record)
        answers, _ = validate_answers(defs.questionnaire, record.answers, record_day(record),
                                      complete=False)
        return defs, templates, answers

    def summary(self, record: Record, fmt: Format) -> str:
        """The summary as it read when the record was last saved: same definitions,
        templates and date."""
        defs, templates, answers = self.answers(record)
        return render(summary_view(defs, answers, record_day(record)), fmt, templates)

    def export(self, record: Record) -> dict[str, Any]:
        defs, _, answers = self.answers(record)
        data = summary_data(summary_view(defs, answers, record_day(record)))
        return {"id": record.id, "created": record.created, "updated": record.updated,
                "mode": record.mode, "status": record.status,
                "definitions_hash": record.definitions_hash,
                "answers": data["answers"], "points": data["points"],
                "next_step": data["next_step"], "disclaimer": data["disclaimer"]}


def record_day(record: Record) -> dt.date:
    """The local day the record was last saved."""
    return dt.datetime.fromisoformat(record.updated).astimezone().date()


def add_record(store: Store, answers_file: Path, rules_dir: Path, templates_dir: Path,
               cache_dir: Path | None, today: dt.date) -> Record:
    """Validate a complete answers file and store it as a complete record."""
    from screening.answers_file import read_answers

    defs = load_definitions(rules_dir, cache_dir)
    answers = read_answers(answers_file, defs.questionnaire, today)
    key = store.keep_snapshot(take_snapshot(rules_dir, templates_dir))
    record = with_answers(new_record("staff", key), answers, list(answers), status=COMPLETE)
    store.put(record)
    return record


def list_rows(records: list[Record], identifiers: bool) -> list[dict[str, Any]]:
    rows = []
    for r in records:
        row: dict[str, Any] = {"id": r.id, "created": r.created, "status": r.status,
                               "mode": r.mode, "answers": len(r.answers)}
        if identifiers:
            row.update({k: r.answers.get(k, "") for k in IDENTIFIERS})
        rows.append(row)
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "No records."
    from screening.text import clean_text

    heads = list(rows[0])
    cells = [[clean_text(str(row[h])).replace("\n", " ") for h in heads] for row in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(heads)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(heads, widths, strict=True)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(cell, widths, strict=True)).rstrip()
              for cell in cells]
    return "\n".join(lines)
