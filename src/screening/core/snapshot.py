"""The exact definition and template texts a record was answered against.

A reprint years later renders from these, so it reads the same after `rules/` changes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal

from screening.core.values import Value

QUESTIONNAIRE_FILE = "questionnaire.yaml"
RULES_FILE = "rules.yaml"
Format = Literal["text", "html", "md", "json"]
# The one table of template files, by output format (JSON needs none).
TEMPLATES: dict[Format, str] = {
    "text": "summary.txt.j2",
    "html": "summary.html.j2",
    "md": "summary.md.j2",
}


@dataclass(frozen=True, eq=False, repr=False)
class Snapshot(Value):
    """The definition files and templates as read: their texts, and a hash of them."""

    questionnaire: str
    rules: str
    templates: tuple[tuple[str, str], ...]  # (file name, text)

    @property
    def hash(self) -> str:
        digest = hashlib.sha256()
        for name, text in (
            (QUESTIONNAIRE_FILE, self.questionnaire),
            (RULES_FILE, self.rules),
            *self.templates,
        ):
            digest.update(name.encode() + b"\0" + text.encode() + b"\0")
        return digest.hexdigest()
