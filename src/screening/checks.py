"""Cross-checks of loaded definitions: references, types, coverage and decision language.

Pure: it takes models and returns findings with a path into the file they came from, which
the loader turns into a line number.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from screening import guard
from screening.conditions import CHOICE_OPS, MULTI_OPS, ORDER_OPS, Compare, Condition, comparisons
from screening.models import CHOICE_TYPES, NUMERIC_TYPES, Question, Questionnaire, RuleSet

FileKind = Literal["questionnaire", "rules"]
Path_ = tuple[str | int, ...]
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class Finding:
    file: FileKind
    path: Path_
    message: str


def check_definitions(questionnaire: Questionnaire, ruleset: RuleSet) -> list[Finding]:
    """Every cross-file problem, in file order."""
    return [*_check_questionnaire(questionnaire, ruleset), *_check_rules(questionnaire, ruleset)]


def _repeats(ids: Iterable[str]) -> Iterator[tuple[int, str]]:
    seen: set[str] = set()
    for i, x in enumerate(ids):
        if x in seen:
            yield i, x
        seen.add(x)


def _check_questionnaire(qn: Questionnaire, rs: RuleSet) -> Iterator[Finding]:
    known_criteria = {c.id for c in rs.criteria}
    for i, dup in _repeats(q.id for q in qn.questions):
        yield Finding("questionnaire", ("questions", i, "id"), f"question id '{dup}' repeats")
    earlier: set[str] = set()
    for i, q in enumerate(qn.questions):
        at: Path_ = ("questions", i)
        if q.choices_from is not None:
            source = qn.get(q.choices_from)
            if source is None or source.id not in earlier:
                yield Finding("questionnaire", (*at, "choices_from"),
                              f"{q.id}: choices_from '{q.choices_from}' is not an earlier question")
            elif source.type != "multi":
                yield Finding("questionnaire", (*at, "choices_from"),
                              f"{q.id}: choices_from '{source.id}' is not multiple choice")
        if q.when is not None:
            for path, msg in check_condition(q.when, qn, earlier=earlier):
                yield Finding("questionnaire", (*at, "when", *path), f"{q.id}: {msg}")
        for j, c in enumerate(q.criteria):
            if c not in known_criteria:
                yield Finding("questionnaire", (*at, "criteria", j),
                              f"{q.id}: unknown criterion '{c}'")
        for field, text in _question_texts(q):
            hits = guard.find_decision_language(text)
            if hits:
                yield Finding("questionnaire", (*at, *field), f"{q.id}: {guard.describe(hits)}")
        earlier.add(q.id)
    hits = guard.find_decision_language(qn.title)
    if hits:
        yield Finding("questionnaire", ("title",), guard.describe(hits))


def _question_texts(q: Question) -> Iterator[tuple[Path_, str]]:
    for field in ("label", "text", "help", "section", "unit", "invalid"):
        value = getattr(q, field)
        if value:
            yield (field,), value
    for j, choice in enumerate(q.choices or []):
        yield ("choices", j, "label"), choice.label
        if choice.short:
            yield ("choices", j, "short"), choice.short


def _check_rules(qn: Questionnaire, rs: RuleSet) -> Iterator[Finding]:
    for section, ids in (("sources", [s.id for s in rs.sources]),
                         ("criteria", [c.id for c in rs.criteria]),
                         ("categories", [c.id for c in rs.categories]),
                         ("rules", [r.id for r in rs.rules])):
        for i, dup in _repeats(ids):
            yield Finding("rules", (section, i, "id"), f"{section[:-1]} id '{dup}' repeats")
    sources = {s.id for s in rs.sources}
    categories = {c.id for c in rs.categories}
    criteria = {c.id for c in rs.criteria}
    for i, src in enumerate(rs.sources):
        hits = guard.find_decision_language(src.title)
        if hits:
            yield Finding("rules", ("sources", i, "title"), f"{src.id}: {guard.describe(hits)}")
    for i, crit in enumerate(rs.criteria):
        for j, s in enumerate(crit.sources):
            if s not in sources:
                yield Finding("rules", ("criteria", i, "sources", j),
                              f"{crit.id}: unknown source '{s}'")
    for i, cat in enumerate(rs.categories):
        hits = guard.find_decision_language(cat.title)
        if hits:
            yield Finding("rules", ("categories", i, "title"), f"{cat.id}: {guard.describe(hits)}")
    for i, rule in enumerate(rs.rules):
        at: Path_ = ("rules", i)
        if rule.category not in categories:
            yield Finding("rules", (*at, "category"),
                          f"rule {rule.id}: unknown category '{rule.category}'")
        for j, s in enumerate(rule.sources):
            if s not in sources:
                yield Finding("rules", (*at, "sources", j), f"rule {rule.id}: unknown source '{s}'")
        for j, c in enumerate(rule.criteria):
            if c not in criteria:
                yield Finding("rules", (*at, "criteria", j),
                              f"rule {rule.id}: unknown criterion '{c}'")
        for path, msg in check_condition(rule.when, qn):
            yield Finding("rules", (*at, "when", *path), f"rule {rule.id}: {msg}")
        for name in PLACEHOLDER.findall(rule.note):
            if qn.get(name) is None:
                yield Finding("rules", (*at, "note"),
                              f"rule {rule.id}: note quotes '{{{name}}}', "
                              "which is not a question id")
        hits = guard.find_decision_language(rule.note)
        if hits:
            yield Finding("rules", (*at, "note"), f"rule {rule.id}: note {guard.describe(hits)}")
    covered = {c for r in rs.rules for c in r.criteria}
    covered |= {c for q in qn.questions for c in q.criteria}
    for i, crit in enumerate(rs.criteria):
        if crit.id not in covered:
            yield Finding("rules", ("criteria", i, "id"),
                          f"criterion {crit.id} is covered by no rule and no question")


def check_condition(
    condition: Condition, qn: Questionnaire, earlier: set[str] | None = None
) -> Iterator[tuple[Path_, str]]:
    """Problems with each comparison: unknown or later question, operator or value of wrong type.

    ``earlier`` limits the questions a skip condition may look at to those asked before it.
    """
    for cmp, path in comparisons(condition):
        q = qn.get(cmp.question)
        if q is None:
            yield (*path, "question"), f"unknown question id '{cmp.question}'"
        elif earlier is not None and q.id not in earlier:
            yield (*path, "question"), f"condition looks at '{q.id}', which is not asked earlier"
        else:
            problem = _comparison_problem(cmp, q, qn)
            if problem:
                yield (*path, cmp.operator), problem


def _comparison_problem(cmp: Compare, q: Question, qn: Questionnaire) -> str | None:
    op, value = cmp.operator, cmp.value
    if op == "answered":
        return None
    if q.type == "text":
        return f"'{q.id}' is free text: only 'answered' can test it"
    if q.type in CHOICE_TYPES:
        allowed_ops = MULTI_OPS if q.type == "multi" else CHOICE_OPS
        if op not in allowed_ops:
            return (f"'{op}' does not fit {q.type}-choice question '{q.id}' "
                    f"(use {', '.join(allowed_ops)})")
        ids = {c.id for c in qn.choices_of(q)}
        values = value if isinstance(value, list) else [value]
        unknown = [v for v in values if v not in ids]
        if unknown:
            return f"'{q.id}' has no choice {', '.join(repr(str(v)) for v in unknown)}"
        return None
    if op in MULTI_OPS:
        return f"'{op}' does not fit {q.type} question '{q.id}'"
    values = value if isinstance(value, list) else [value]
    for v in values:
        if q.type in NUMERIC_TYPES and (isinstance(v, bool) or not isinstance(v, int | float)):
            return f"'{q.id}' is a {q.type}: compare it with a number"
        if q.type == "date" and not isinstance(v, dt.date):
            return f"'{q.id}' is a date: compare it with a date (YYYY-MM-DD)"
    if op in ORDER_OPS or op in CHOICE_OPS:
        return None
    return f"'{op}' does not fit {q.type} question '{q.id}'"  # pragma: no cover
