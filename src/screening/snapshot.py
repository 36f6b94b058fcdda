"""The exact definition and template texts a record was answered against.

A reprint years later renders from these, so it reads the same after `rules/` changes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from screening.definitions import QUESTIONNAIRE_FILE, RULES_FILE
from screening.errors import DefinitionError, Problem
from screening.resources import TEMPLATE_FILES as TEMPLATES


@dataclass(frozen=True)
class Snapshot:
    questionnaire: str
    rules: str
    templates: tuple[tuple[str, str], ...]

    @property
    def hash(self) -> str:
        digest = hashlib.sha256()
        for name, text in ((QUESTIONNAIRE_FILE, self.questionnaire), (RULES_FILE, self.rules),
                           *self.templates):
            digest.update(name.encode() + b"\0" + text.encode() + b"\0")
        return digest.hexdigest()


def take_snapshot(rules_dir: Path, templates_dir: Path) -> Snapshot:
    """Read the texts in use now."""
    return Snapshot(_read(rules_dir / QUESTIONNAIRE_FILE), _read(rules_dir / RULES_FILE),
                    tuple((name, _read(templates_dir / name)) for name in TEMPLATES.values()))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise DefinitionError("unreadable", [Problem(str(path), "cannot be read")]) from None
