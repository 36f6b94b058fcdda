"""A stored screening: its answers, status and times, the desk that has it open, and its
history of changes. Also the record filters people type (``--since``, ``--older-than``).

Times are passed in, never read from a clock here, so tests can fix them. The store keeps
them in UTC; people read them in local time, with the offset.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from screening.core.errors import BadInputError
from screening.core.sanitize import shown
from screening.core.values import Value

Clock = Callable[[], dt.datetime]  # now, as an aware datetime
IN_PROGRESS, COMPLETE = "in_progress", "complete"
STATUSES = (IN_PROGRESS, COMPLETE)
# Questions whose answers identify the patient: hidden by --no-identifiers.
IDENTIFIERS = ("patient_name", "patient_id")
# The shape of the ids this tool makes: the local date and time, then six hex digits.
RECORD_ID = re.compile(r"^[0-9]{8}-[0-9]{6}-[0-9a-f]{6}$")
# A record's reference is its id's last six hex digits, read out as "3F9-A1C".
_REFERENCE = re.compile(r"[0-9a-f]{6}")
# Why an unfinished interview stopped, for staff (kept until the record is saved again).
TIMED_OUT, STOPPED, INPUT_ENDED = "timed_out", "stopped", "input_ended"
NOTES = {
    TIMED_OUT: "timed out at the kiosk (no one answered)",
    STOPPED: "stopped at the kiosk by the patient",
    INPUT_ENDED: "the kiosk's terminal closed",
}


@dataclass(frozen=True, eq=False, repr=False)
class Desk(Value):
    """Who has a record open: a process of a user on a host, since when (UTC stamp).

    ``token`` tells this opening from any other, even by the same process."""

    host: str
    user: str
    pid: int
    since: str
    token: str

    def describe(self) -> str:
        return (
            f"desk {self.host} (user {self.user}, process {self.pid}) "
            f"since {local_time(self.since)}"
        )


@dataclass(frozen=True, eq=False, repr=False)
class Record(Value):
    """One screening as stored: its answers, status, language, and the desk that has it."""

    id: str
    created: str
    updated: str
    mode: str
    status: str
    answers: dict[str, Any]
    asked: tuple[str, ...]
    definitions_hash: str
    version: int = 0  # raised by every save: a save names the version it read
    desk: Desk | None = None  # the desk that has it open, if any
    amended: str | None = None  # when staff last changed it after it was complete
    language: str = "en"  # the language the patient read the questions in
    note: str | None = None  # one of NOTES: why an unfinished interview stopped


@dataclass(frozen=True, eq=False, repr=False)
class Change(Value):
    """One answer changed on a complete record: who, when, and the values as stored JSON."""

    question: str
    old: str | None  # None: there was no answer
    new: str | None
    at: str
    user: str
    mode: str


def utc_stamp(moment: dt.datetime) -> str:
    """A time as the store keeps it: UTC, to the second, so stamps compare as text."""
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


def local_time(stamp: str) -> str:
    """A stored stamp as people read it: local date and time with the offset."""
    moment = dt.datetime.fromisoformat(stamp).astimezone()
    return f"{moment:%Y-%m-%d %H:%M} {_offset(moment)}"


def _offset(moment: dt.datetime) -> str:
    minutes = int((moment.utcoffset() or dt.timedelta()).total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _token() -> str:
    # What secrets.token_hex(3) returns; importing secrets (random, hmac) costs start-up time.
    return os.urandom(3).hex()


def new_record(mode: str, definitions_hash: str, now: dt.datetime, language: str = "en") -> Record:
    """An empty in-progress record; its id starts with the local date and time."""
    stamp = utc_stamp(now)
    local = now.astimezone().strftime("%Y%m%d-%H%M%S")
    return Record(
        id=f"{local}-{_token()}",
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
    note: str | None = None,
) -> Record:
    """The record with these answers (already in stored form), saved at ``now``. A save
    without a ``note`` clears the last one: whoever goes on with the record has seen it."""
    return replace(
        record,
        answers=dict(answers),
        asked=tuple(asked),
        updated=utc_stamp(now),
        status=status or record.status,
        note=note,
    )


def reference(record_id: str) -> str:
    """The short code a patient reads out at the desk: the id's last six hex digits."""
    tail = record_id.rsplit("-", 1)[-1].upper()
    return f"{tail[:3]}-{tail[3:]}"


def reference_tail(text: str) -> str | None:
    """The id ending a typed reference ("3F9-A1C", "3f9a1c") stands for, or None if the
    text is not one."""
    tail = "".join(text.split()).replace("-", "").lower()
    return tail if _REFERENCE.fullmatch(tail) else None


def changes(
    before: Mapping[str, Any], after: Mapping[str, Any], now: dt.datetime, user: str, mode: str
) -> list[Change]:
    """Every answer that differs between two stored forms, in question order of ``after``."""
    stamp = utc_stamp(now)
    keys = list(after) + [k for k in before if k not in after]
    return [
        Change(k, _json(before.get(k)), _json(after.get(k)), stamp, user, mode)
        for k in keys
        if before.get(k) != after.get(k)
    ]


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def record_day(record: Record) -> dt.date:
    """The local day the record was last saved."""
    return dt.datetime.fromisoformat(record.updated).astimezone().date()


def parse_since(text: str, now: dt.datetime) -> str:
    """``today``, ``yesterday`` or a local date, as the UTC stamp of that local midnight."""
    word = text.strip().lower()
    today = now.astimezone().date()
    if word == "today":
        day = today
    elif word == "yesterday":
        day = today - dt.timedelta(days=1)
    else:
        try:
            day = dt.date.fromisoformat(word)
        except ValueError:
            raise BadInputError(
                f"--since: '{shown(text)}' is not a date; write today, yesterday or YYYY-MM-DD"
            ) from None
    # A naive midnight read in the local zone of that day (daylight saving included).
    return utc_stamp(dt.datetime.combine(day, dt.time()).astimezone())


_AGE = re.compile(r"\s*([0-9]{1,9})\s*(d|day|days|w|week|weeks)\s*", re.I)
MAX_AGE_DAYS = 36_500  # a hundred years: a longer span reaches back before any record


def parse_age(text: str) -> dt.timedelta:
    match = _AGE.fullmatch(text)
    if match is None:
        raise BadInputError(f"--older-than: '{shown(text)}' is not a duration like 30d or 6w")
    days = int(match.group(1)) * (7 if match.group(2).lower().startswith("w") else 1)
    if days > MAX_AGE_DAYS:
        raise BadInputError(
            f"--older-than: '{shown(text)}' is more than {MAX_AGE_DAYS}d (100 years)"
        )
    return dt.timedelta(days=days)
