"""A stored screening: its answers, status and times, and the definitions it was answered
against. Also the record filters people type (``--since``, ``--older-than``).

Times are passed in, never read from a clock here, so tests can fix them.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from screening.core.errors import BadInputError

Clock = Callable[[], dt.datetime]  # now, as an aware datetime
IN_PROGRESS, COMPLETE = "in_progress", "complete"
STATUSES = (IN_PROGRESS, COMPLETE)
# Questions whose answers identify the patient: hidden by --no-identifiers.
IDENTIFIERS = ("patient_name", "patient_id")


@dataclass(frozen=True)
class Record:
    id: str
    created: str
    updated: str
    mode: str
    status: str
    answers: dict[str, Any]
    asked: tuple[str, ...]
    definitions_hash: str
    language: str = "en"  # the language the patient read the questions in


def utc_stamp(moment: dt.datetime) -> str:
    """A time as the store keeps it: UTC, to the second, so stamps compare as text."""
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


def new_record(mode: str, definitions_hash: str, now: dt.datetime, language: str = "en") -> Record:
    """An empty in-progress record; its id starts with the local date and time."""
    stamp = utc_stamp(now)
    local = now.astimezone().strftime("%Y%m%d-%H%M%S")
    return Record(
        id=f"{local}-{secrets.token_hex(3)}",
        created=stamp,
        updated=stamp,
        mode=mode,
        status=IN_PROGRESS,
        answers={},
        asked=(),
        definitions_hash=definitions_hash,
        language=language,
    )


def with_answers(
    record: Record,
    answers: Mapping[str, Any],
    asked: Sequence[str],
    now: dt.datetime,
    status: str | None = None,
) -> Record:
    """The record with these answers (already in stored form), saved at ``now``."""
    return replace(
        record,
        answers=dict(answers),
        asked=tuple(asked),
        updated=utc_stamp(now),
        status=status or record.status,
    )


def record_day(record: Record) -> dt.date:
    """The local day the record was last saved."""
    return dt.datetime.fromisoformat(record.updated).astimezone().date()


def parse_since(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise BadInputError(f"--since: '{text}' is not a date written YYYY-MM-DD") from None


_AGE = re.compile(r"^\s*([0-9]+)\s*(d|day|days|w|week|weeks)\s*$", re.I)


def parse_age(text: str) -> dt.timedelta:
    match = _AGE.match(text)
    if match is None:
        raise BadInputError(f"--older-than: '{text}' is not a duration like 30d or 6w")
    days = int(match.group(1)) * (7 if match.group(2).lower().startswith("w") else 1)
    return dt.timedelta(days=days)
