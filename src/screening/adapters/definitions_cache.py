"""The parsed definitions kept as JSON under their content hash, rebuilt without validating.

Parsing YAML and validating it is most of a command's start-up time. Definitions that passed
every check are written here once; later starts rebuild the same objects directly from the
JSON (``model_construct``), which needs no pydantic schema. The cache is the tool's own, in
the user's cache folder, and a file is only ever read under the hash of the exact texts it was
made from, so a changed YAML file is parsed and checked again. A cache that cannot be read or
written only costs time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from screening import __version__
from screening.core.conditions import AllOf, AnyOf, Compare, Condition, NotOf
from screening.core.models import (
    Category,
    Combined,
    Criterion,
    Definitions,
    EvidenceNote,
    Questionnaire,
    ReviewItem,
    Rule,
    RuleSet,
    Source,
)
from screening.core.questions import QUESTION_KINDS, Choice, LowerThan, Question

_KINDS: dict[str, Any] = {
    kind.model_fields["type"].annotation.__args__[0]: kind  # type: ignore[union-attr]
    for kind in QUESTION_KINDS
}


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
        return Definitions.model_construct(
            questionnaire=_questionnaire(data["questionnaire"]), ruleset=_ruleset(data["ruleset"])
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def write(cache_dir: Path | None, key: str, definitions: Definitions) -> None:
    if cache_dir is None:
        return
    path = cache_dir / f"definitions-{key}.json"
    try:
        cache_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(definitions.model_dump(), default=_date), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass


def _date(value: Any) -> Any:
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    raise TypeError(type(value).__name__)


def _undate(node: dict[str, Any]) -> Any:
    return dt.date.fromisoformat(node["$date"]) if set(node) == {"$date"} else node


def _choices(items: list[Mapping[str, Any]] | None) -> list[Choice] | None:
    return None if items is None else [Choice.model_construct(**c) for c in items]


def _condition(node: Mapping[str, Any]) -> Condition:
    if "all_" in node:
        return AllOf.model_construct(all_=[_condition(c) for c in node["all_"]])
    if "any_" in node:
        return AnyOf.model_construct(any_=[_condition(c) for c in node["any_"]])
    if "not_" in node:
        return NotOf.model_construct(not_=_condition(node["not_"]))
    return Compare.model_construct(**node)


def _question(node: Mapping[str, Any]) -> Question:
    fields = dict(node)
    if fields.get("when") is not None:
        fields["when"] = _condition(fields["when"])
    for name in ("choices", "choices_also"):
        if name in fields:
            fields[name] = _choices(fields[name])
    if fields.get("lower_than") is not None:
        fields["lower_than"] = LowerThan.model_construct(**fields["lower_than"])
    built: Question = _KINDS[fields["type"]].model_construct(**fields)
    return built


def _questionnaire(node: Mapping[str, Any]) -> Questionnaire:
    return Questionnaire.model_construct(
        **{
            **node,
            "choice_lists": {k: _choices(v) for k, v in node["choice_lists"].items()},
            "review_first": [ReviewItem.model_construct(**r) for r in node["review_first"]],
            "combine": [Combined.model_construct(**c) for c in node["combine"]],
            "questions": [_question(q) for q in node["questions"]],
        }
    )


def _ruleset(node: Mapping[str, Any]) -> RuleSet:
    return RuleSet.model_construct(
        sources=[Source.model_construct(**s) for s in node["sources"]],
        criteria=[Criterion.model_construct(**c) for c in node["criteria"]],
        evidence=[EvidenceNote.model_construct(**e) for e in node["evidence"]],
        categories=[Category.model_construct(**c) for c in node["categories"]],
        rules=[Rule.model_construct(**{**r, "when": _condition(r["when"])}) for r in node["rules"]],
    )
