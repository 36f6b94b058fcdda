"""Keeping interview answers on disk as they are given, so nothing typed is lost.

One small interface (``SessionStore``) so a proper record store can replace the files.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from screening.conditions import AnswerValue
from screening.errors import AnswersError, OutputError, Problem
from screening.files import write_private

IN_PROGRESS, COMPLETE = "in_progress", "complete"


@dataclass(frozen=True)
class Session:
    id: str
    mode: str
    definitions_hash: str
    status: str = IN_PROGRESS
    answers: dict[str, Any] = field(default_factory=dict)
    asked: tuple[str, ...] = ()
    created: str = ""
    updated: str = ""

    def with_answers(self, answers: dict[str, AnswerValue], asked: list[str]) -> Session:
        return replace(self, answers={k: _jsonable(v) for k, v in answers.items()},
                       asked=tuple(asked), updated=_now())


class SessionStore(Protocol):
    def save(self, session: Session) -> None: ...

    def load(self, ref: str) -> Session: ...

    def in_progress(self) -> list[Session]: ...

    def where(self, session: Session) -> str: ...


def new_session(mode: str, definitions_hash: str) -> Session:
    now = _now()
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return Session(id=f"{stamp}-{secrets.token_hex(3)}", mode=mode,
                   definitions_hash=definitions_hash, created=now, updated=now)


class FileSessionStore:
    """One JSON file per interview, in a folder only its owner can open."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, session_id: str) -> Path:
        return self.folder / f"{session_id}.json"

    def save(self, session: Session) -> None:
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{self.folder}: cannot create ({exc.strerror})") from None
        write_private(self._path(session.id), json.dumps(session.__dict__, indent=1) + "\n")

    def load(self, ref: str) -> Session:
        path = Path(ref) if ref.endswith(".json") or os.sep in ref else self._path(ref)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            data["asked"] = tuple(data.get("asked", ()))
            return Session(**data)
        except FileNotFoundError:
            raise AnswersError("no session", [Problem(str(path), "no saved interview here")]) \
                from None
        except (OSError, ValueError, TypeError):
            raise AnswersError("bad session", [Problem(
                str(path), "is not a saved interview this version can read")]) from None

    def in_progress(self) -> list[Session]:
        if not self.folder.is_dir():
            return []
        found = []
        for path in sorted(self.folder.glob("*.json")):
            try:
                session = self.load(str(path))
            except AnswersError:
                continue
            if session.status == IN_PROGRESS:
                found.append(session)
        return found

    def where(self, session: Session) -> str:
        return str(self._path(session.id))


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _jsonable(value: AnswerValue) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value
