"""The parsed definitions (and the program's translated messages) kept as JSON under their
content hash, rebuilt without validating.

Parsing YAML and validating it is most of a command's start-up time. Definitions that passed
every check are written here once; later starts rebuild the same plain objects directly from
the JSON, without importing pydantic. The cache is the tool's own, in the user's cache folder,
and a file is only ever read under the hash of the exact texts it was made from, so a changed
YAML file is parsed and checked again. A cache that cannot be read or written only costs time.
The messages of a language are kept the same way, so the patient's opening screen, which
names each language in its own words, needs no YAML either.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from screening import __version__
from screening.core.models import Definitions, questionnaire_from, ruleset_from


def cache_key(*texts: str) -> str:
    digest = hashlib.sha256(__version__.encode())
    for text in texts:
        digest.update(b"\0" + text.encode())
    return digest.hexdigest()[:32]


def read(cache_dir: Path | None, key: str) -> Definitions | None:
    if cache_dir is None:
        return None
    try:
        data = json.loads(
            (cache_dir / f"definitions-{key}.json").read_text(encoding="utf-8"), object_hook=_undate
        )
        return Definitions(
            questionnaire=questionnaire_from(data["questionnaire"]),
            ruleset=ruleset_from(data["ruleset"]),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def write(cache_dir: Path | None, key: str, definitions: Definitions) -> None:
    _write(cache_dir, f"definitions-{key}.json", json.dumps(asdict(definitions), default=_date))


def read_messages(cache_dir: Path | None, key: str) -> dict[str, str] | None:
    """A language's messages (by message id) kept under ``key``, if they are there."""
    if cache_dir is None:
        return None
    try:
        messages = json.loads((cache_dir / f"messages-{key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(messages, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in messages.items()
    ):
        return None
    return messages


def write_messages(cache_dir: Path | None, key: str, messages: Mapping[str, str]) -> None:
    _write(cache_dir, f"messages-{key}.json", json.dumps(dict(messages)))


def _write(cache_dir: Path | None, name: str, text: str) -> None:
    if cache_dir is None:
        return
    path = cache_dir / name
    try:
        cache_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass


def _date(value: Any) -> Any:
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    raise TypeError(type(value).__name__)


def _undate(node: dict[str, Any]) -> Any:
    return dt.date.fromisoformat(node["$date"]) if set(node) == {"$date"} else node
