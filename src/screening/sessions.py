"""Keeping interview answers as they are given, so nothing typed is lost.

The interview sees only this small interface; the record store implements it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import replace
from typing import Any, Protocol

from screening.conditions import AnswerValue
from screening.store import IN_PROGRESS, Record


class SessionStore(Protocol):
    def put(self, record: Record) -> None: ...

    def get(self, record_id: str) -> Record: ...

    def records(self, status: str | None = None) -> list[Record]: ...


def new_record(mode: str, definitions_hash: str) -> Record:
    now = now_utc()
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return Record(id=f"{stamp}-{secrets.token_hex(3)}", created=now, updated=now, mode=mode,
                  status=IN_PROGRESS, answers={}, asked=(), definitions_hash=definitions_hash)


def with_answers(record: Record, answers: dict[str, AnswerValue], asked: list[str],
                 status: str | None = None) -> Record:
    return replace(record, answers={k: _jsonable(v) for k, v in answers.items()},
                   asked=tuple(asked), updated=now_utc(), status=status or record.status)


def now_utc() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _jsonable(value: AnswerValue) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value
