"""Cross-checks of loaded definitions: references, types, coverage and decision language.

Pure: it takes models and returns findings with a path into the file they came from, which
the loader turns into a line number.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from screening.core import guard
from screening.core.conditions import Condition, comparisons
from screening.core.models import Questionnaire, Rule, RuleSet
from screening.core.questions import Choice, Question

FileKind = Literal["questionnaire", "rules"]
Path_ = tuple[str | int, ...]


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
    for name, choices in qn.choice_lists.items():
        yield from _check_choices(choices, ("choice_lists", name), f"choice list {name}")
    earlier: dict[str, Question] = {}
    for i, q in enumerate(qn.questions):
        at: Path_ = ("questions", i)
        yield from _check_choice_source(q, qn, earlier, at)
        if q.when is not None:
            for path, msg in check_condition(q.when, qn, earlier=set(earlier)):
                yield Finding("questionnaire", (*at, "when", *path), f"{q.id}: {msg}")
        for j, c in enumerate(q.criteria):
            if c not in known_criteria:
                yield Finding(
                    "questionnaire", (*at, "criteria", j), f"{q.id}: unknown criterion '{c}'"
                )
        for field, text in q.wording():
            hits = guard.find_decision_language(text)
            if hits:
                yield Finding("questionnaire", (*at, *field), f"{q.id}: {guard.describe(hits)}")
        earlier.setdefault(q.id, q)
    for name in ("title", "crisis_line", "header_section"):
        text = getattr(qn, name)
        hits = guard.find_decision_language(text) if text else []
        if hits:
            yield Finding("questionnaire", (name,), guard.describe(hits))
    yield from _check_page(qn)


def _check_page(qn: Questionnaire) -> Iterator[Finding]:
    """What the page shows first and combines must name questions and choices that exist."""
    for i, item in enumerate(qn.review_first):
        q = qn.get(item.question)
        if q is None:
            yield Finding(
                "questionnaire",
                ("review_first", i, "question"),
                f"review_first: unknown question id '{item.question}'",
            )
            continue
        ids = {c.id for c in qn.choices_of(q)}
        for c in [*(item.choices or []), *item.except_]:
            if c not in ids:
                yield Finding(
                    "questionnaire",
                    ("review_first", i),
                    f"review_first: '{q.id}' has no choice '{c}'",
                )
    for i, combined in enumerate(qn.combine):
        for j, qid in enumerate(combined.questions):
            q = qn.get(qid)
            if q is None or q.widget != "typed":
                yield Finding(
                    "questionnaire",
                    ("combine", i, "questions", j),
                    f"combine {combined.id}: '{qid}' is not a typed question",
                )
    for i, q in enumerate(qn.questions):
        for qid in q.refers_to():
            if qn.get(qid) is None:
                yield Finding(
                    "questionnaire", ("questions", i), f"{q.id}: unknown question id '{qid}'"
                )


def _check_choice_source(
    q: Question, qn: Questionnaire, earlier: dict[str, Question], at: Path_
) -> Iterator[Finding]:
    if q.inline_choices is not None:
        yield from _check_choices(q.inline_choices, (*at, "choices"), q.id)
    if q.extra_choices:
        yield from _check_choices(q.extra_choices, (*at, "choices_also"), q.id)
    if q.choice_list_name is not None and q.choice_list_name not in qn.choice_lists:
        yield Finding(
            "questionnaire",
            (*at, "choice_list"),
            f"{q.id}: no choice list named '{q.choice_list_name}' under choice_lists",
        )
    source_id = q.picks_from
    if source_id is None:
        return
    source = earlier.get(source_id)
    if source is None:
        yield Finding(
            "questionnaire",
            (*at, "choices_from"),
            f"{q.id}: choices_from '{source_id}' is not an earlier question",
        )
    elif source.widget != "many":
        yield Finding(
            "questionnaire",
            (*at, "choices_from"),
            f"{q.id}: choices_from '{source.id}' is not multiple choice",
        )


def _check_choices(choices: list[Choice], at: Path_, owner: str) -> Iterator[Finding]:
    if not choices:
        yield Finding("questionnaire", at, f"{owner}: the list of choices is empty")
    for j, dup in _repeats(c.id for c in choices):
        yield Finding("questionnaire", (*at, j, "id"), f"{owner}: choice id '{dup}' repeats")
    for j, choice in enumerate(choices):
        for field in ("text", "label"):
            text = getattr(choice, field)
            hits = guard.find_decision_language(text) if text else []
            if hits:
                yield Finding("questionnaire", (*at, j, field), f"{owner}: {guard.describe(hits)}")


def _check_rules(qn: Questionnaire, rs: RuleSet) -> Iterator[Finding]:
    yield from _check_ids(rs)
    yield from _check_wording(rs)
    sources = {s.id for s in rs.sources}
    for i, crit in enumerate(rs.criteria):
        for j, s in enumerate(crit.sources):
            if s not in sources:
                yield _rules_finding(
                    ("criteria", i, "sources", j), crit.id, f"unknown source '{s}'"
                )
    for i, rule in enumerate(rs.rules):
        yield from _check_rule(rule, ("rules", i), qn, rs)
    covered = {c for r in rs.rules for c in r.criteria}
    covered |= {c for q in qn.questions for c in q.criteria}
    for i, crit in enumerate(rs.criteria):
        if crit.id not in covered:
            yield Finding(
                "rules",
                ("criteria", i, "id"),
                f"criterion {crit.id} is covered by no rule and no question",
            )


def _rules_finding(at: Path_, owner: str, message: str) -> Finding:
    return Finding("rules", at, f"{owner}: {message}")


def _check_ids(rs: RuleSet) -> Iterator[Finding]:
    sections: dict[str, list[str]] = {
        "sources": [s.id for s in rs.sources],
        "criteria": [c.id for c in rs.criteria],
        "categories": [c.id for c in rs.categories],
        "rules": [r.id for r in rs.rules],
    }
    for section, ids in sections.items():
        for i, dup in _repeats(ids):
            yield Finding("rules", (section, i, "id"), f"{section[:-1]} id '{dup}' repeats")


def _check_wording(rs: RuleSet) -> Iterator[Finding]:
    """Sources' titles and publishers, category titles and the evidence box are printed:
    guard them, and the evidence box cites known sources."""
    known = {s.id for s in rs.sources}
    for i, note in enumerate(rs.evidence):
        hits = guard.find_decision_language(note.text)
        if hits:
            yield _rules_finding(("evidence", i, "text"), "evidence", guard.describe(hits))
        for j, src in enumerate(note.sources):
            if src not in known:
                yield _rules_finding(
                    ("evidence", i, "sources", j), "evidence", f"unknown source '{src}'"
                )
    texts = [
        (("sources", i, f), s.id, getattr(s, f))
        for i, s in enumerate(rs.sources)
        for f in ("title", "publisher")
    ]
    texts += [(("categories", i, "title"), c.id, c.title) for i, c in enumerate(rs.categories)]
    for at, owner, text in texts:
        hits = guard.find_decision_language(text)
        if hits:
            yield _rules_finding(at, owner, guard.describe(hits))


def _check_rule(rule: Rule, at: Path_, qn: Questionnaire, rs: RuleSet) -> Iterator[Finding]:
    owner = f"rule {rule.id}"
    if rule.category not in {c.id for c in rs.categories}:
        yield _rules_finding((*at, "category"), owner, f"unknown category '{rule.category}'")
    sources = {s.id for s in rs.sources}
    for j, s in enumerate(rule.sources):
        if s not in sources:
            yield _rules_finding((*at, "sources", j), owner, f"unknown source '{s}'")
    criteria = {c.id for c in rs.criteria}
    for j, c in enumerate(rule.criteria):
        if c not in criteria:
            yield _rules_finding((*at, "criteria", j), owner, f"unknown criterion '{c}'")
    for path, msg in check_condition(rule.when, qn):
        yield _rules_finding((*at, "when", *path), owner, msg)
    for name in rule.quotes:
        if qn.get(name) is None:
            yield _rules_finding(
                (*at, "note"), owner, f"note quotes '{{{name}}}', which is not a question id"
            )
    hits = guard.find_decision_language(rule.note)
    if hits:
        yield _rules_finding((*at, "note"), owner, f"note {guard.describe(hits)}")


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
            problem = q.comparison_problem(cmp, {c.id for c in qn.choices_of(q)})
            if problem:
                yield (*path, cmp.operator), problem
