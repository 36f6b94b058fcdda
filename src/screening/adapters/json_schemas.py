"""JSON Schemas of the definition files, made from the pydantic models.

An editor that reads them (VS Code with the YAML extension, and others built on the YAML
language server) completes keys, shows each key's description on hover and marks unknown
keys and wrong types as a clinic edits questionnaire.yaml and rules.yaml. A schema cannot
follow references between entries; `screening check` does, and stays the authority.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from screening.adapters.files import write_private
from screening.core.errors import OutputError
from screening.core.file_models import Questionnaire, RuleSet
from screening.core.snapshot import QUESTIONNAIRE_FILE, RULES_FILE

DIALECT = "https://json-schema.org/draft/2020-12/schema"
# Schema file name -> (the model it describes, the definition file it is for).
SCHEMAS: dict[str, tuple[type[BaseModel], str]] = {
    "questionnaire.schema.json": (Questionnaire, QUESTIONNAIRE_FILE),
    "rules.schema.json": (RuleSet, RULES_FILE),
}
AUTHORITY = (
    "Checks keys and types as you type. It cannot follow ids from one entry to another "
    "(questions, choices, sources, criteria, categories): run `screening check`, "
    "which is the authority."
)


def schema(model: type[BaseModel], file_name: str) -> dict[str, Any]:
    """The JSON Schema of one definition file, with every field's description."""
    body = model.model_json_schema(mode="validation")
    return {
        "$schema": DIALECT,
        **body,
        "title": f"screening {file_name}",
        "description": f"{body.get('description', '').strip()} {AUTHORITY}".strip(),
    }


def schema_texts() -> dict[str, str]:
    """Each schema file's name and text, as written under schemas/."""
    return {
        name: json.dumps(schema(model, file_name), indent=2, ensure_ascii=False) + "\n"
        for name, (model, file_name) in SCHEMAS.items()
    }


def write_schemas(folder: Path) -> list[Path]:
    """Write the schemas into ``folder`` (made if missing); the paths written."""
    folder = folder.expanduser()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"{folder}: is a file; give a folder") from None
    except OSError as exc:
        raise OutputError(f"{folder}: cannot make this folder ({exc.strerror})") from None
    written = []
    for name, text in schema_texts().items():
        write_private(folder / name, text)
        written.append(folder / name)
    return written
