"""The summary view: what the clinician's page shows, built from answers and points.

Pure and format-free: the templates decide the layout, this decides the content.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from screening.core.answers import applicable_questions, stored_form
from screening.core.conditions import AnswerValue
from screening.core.guard import DISCLAIMER, NEXT_STEP
from screening.core.models import PLACEHOLDER, Definitions, Questionnaire
from screening.core.rules import Point, run_rules
from screening.core.sanitize import clean_text


@dataclass(frozen=True)
class Row:
    id: str
    label: str
    value: str


@dataclass(frozen=True)
class Section:
    title: str
    rows: tuple[Row, ...]
    not_answered: tuple[str, ...]


@dataclass(frozen=True)
class PointView:
    rule: str
    text: str
    triggered_by: tuple[Row, ...]
    sources: tuple[str, ...]
    source_ids: tuple[str, ...]
    refs: tuple[int, ...]

    @property
    def ref_label(self) -> str:
        return " ".join(f"[{n}]" for n in self.refs)


@dataclass(frozen=True)
class CategoryView:
    id: str
    title: str
    points: tuple[PointView, ...]


@dataclass(frozen=True)
class Progress:
    """How far a stored record's interview got, for the lines at the top of its summary."""

    status: str = "complete"  # or "in_progress"
    asked: tuple[str, ...] = ()  # the questions put, in order
    audience: str = "staff"  # whose questions the interview asked: "staff" or "everyone"
    amended: str = ""  # when staff last changed the complete record, as people read it


@dataclass(frozen=True)
class SummaryView:
    title: str
    prepared: str
    sections: tuple[Section, ...]
    categories: tuple[CategoryView, ...]
    references: tuple[tuple[int, str], ...]
    next_step: str
    disclaimer: str
    answers: Mapping[str, Any]
    typed_text: tuple[str, ...]
    # The same summary with every typed answer replaced by a neutral marker: the guard reads
    # this one, so a person's own words neither stop a summary nor let a verdict through.
    guarded: SummaryView | None = None
    status: str = "complete"
    # For an unfinished record: "INCOMPLETE: ..." and the labels of the questions not put.
    incomplete: str = ""
    not_reached: tuple[str, ...] = ()
    not_reached_ids: tuple[str, ...] = ()
    amended: str = ""  # "Amended <local time>", or ""

    @property
    def point_count(self) -> int:
        return sum(len(c.points) for c in self.categories)


# Plain frozen records of text: the template sandbox may read their public fields freely.
VIEW_TYPES: frozenset[type] = frozenset({Row, Section, PointView, CategoryView, SummaryView})


def build_summary(
    defs: Definitions,
    answers: Mapping[str, AnswerValue],
    points: Sequence[Point],
    prepared: dt.date,
) -> SummaryView:
    qn, rs = defs.questionnaire, defs.ruleset
    shown = {
        q.id: show_answer(qn, q.id, answers[q.id], prepared)
        for q in qn.questions
        if q.id in answers
    }
    numbers = _source_numbers(defs, points)

    def row(question_id: str) -> Row:
        q = qn[question_id]
        return Row(q.id, q.label, shown.get(q.id, NOT_ANSWERED))

    categories = []
    for cat in rs.categories:
        views = tuple(
            PointView(
                rule=p.rule,
                text=clean_text(_note_text(qn, p, prepared)),
                triggered_by=tuple(row(t) for t in p.triggered_by),
                sources=tuple(rs.citations[s] for s in p.sources),
                source_ids=p.sources,
                refs=tuple(sorted(numbers[s] for s in p.sources)),
            )
            for p in points
            if p.category == cat.id
        )
        if views:
            categories.append(CategoryView(cat.id, cat.title, views))
    return SummaryView(
        title=qn.title,
        prepared=prepared.isoformat(),
        sections=_sections(qn, answers, shown),
        categories=tuple(categories),
        references=tuple((n, rs.citations[s]) for s, n in numbers.items()),
        next_step=NEXT_STEP,
        disclaimer=DISCLAIMER,
        answers={
            k: clean_text(v) if isinstance(v, str) else v for k, v in stored_form(answers).items()
        },
        typed_text=tuple(shown[q.id] for q in qn.questions if q.typed_by_person and q.id in shown),
    )


NOT_ANSWERED = "(not answered)"


def show_answer(
    qn: Questionnaire, question_id: str, value: AnswerValue, today: dt.date, *, short: bool = True
) -> str:
    """An answer as a person reads it: the clinician's names (``short``) or the patient's."""
    q = qn[question_id]
    return q.show(value, qn.context(q, {}, today), short=short)


def _note_text(qn: Questionnaire, point: Point, today: dt.date) -> str:
    def quote(match: re.Match[str]) -> str:
        value = point.quoted.get(match.group(1))
        return NOT_ANSWERED if value is None else show_answer(qn, match.group(1), value, today)

    return PLACEHOLDER.sub(quote, point.note)


def _source_numbers(defs: Definitions, points: Sequence[Point]) -> dict[str, int]:
    """Sources numbered in the order they are first cited, category by category."""
    numbers: dict[str, int] = {}
    for cat in defs.ruleset.categories:
        for p in points:
            if p.category == cat.id:
                for s in p.sources:
                    numbers.setdefault(s, len(numbers) + 1)
    return numbers


def _sections(
    qn: Questionnaire, answers: Mapping[str, AnswerValue], shown: Mapping[str, str]
) -> tuple[Section, ...]:
    sections: dict[str, tuple[list[Row], list[str]]] = {}
    asked = {q.id for q in applicable_questions(qn, answers)}
    for q in qn.questions:
        if q.id in shown:
            sections.setdefault(q.section, ([], []))[0].append(Row(q.id, q.label, shown[q.id]))
        elif q.id in asked and q.audience == "everyone":
            sections.setdefault(q.section, ([], []))[1].append(q.label)
    return tuple(Section(t, tuple(r), tuple(n)) for t, (r, n) in sections.items())


def progress_lines(
    qn: Questionnaire, answers: Mapping[str, AnswerValue], progress: Progress
) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """For an unfinished record: the INCOMPLETE line, and the labels and ids of the
    questions it never reached; for a complete one, nothing."""
    if progress.status == "complete":
        return "", (), ()
    applicable = applicable_questions(qn, answers, progress.audience)
    asked = set(progress.asked)
    waiting = [q for q in applicable if q.id not in asked]
    total = len(applicable)
    if waiting:
        number = applicable.index(waiting[0]) + 1
        line = f"INCOMPLETE: the interview stopped at question {number} of {total}."
    else:
        line = (
            f"INCOMPLETE: the interview stopped at question {total} of {total}, "
            "before the answers were checked."
        )
    return line, tuple(q.label for q in waiting), tuple(q.id for q in waiting)


def summary_data(view: SummaryView) -> dict[str, Any]:
    """The JSON form; its keys are a published interface. ``status``, ``incomplete`` and
    ``not_reached`` come first, and only for an unfinished record; ``amended`` only for an
    amended one."""
    unfinished: dict[str, Any] = {}
    if view.incomplete:
        unfinished = {
            "status": view.status,
            "incomplete": view.incomplete,
            "not_reached": list(view.not_reached_ids),
        }
    return (
        unfinished
        | {
            "title": view.title,
            "prepared": view.prepared,
            "next_step": view.next_step,
            "disclaimer": view.disclaimer,
            "answers": dict(view.answers),
            "points": [
                {
                    "rule": p.rule,
                    "category": c.id,
                    "category_title": c.title,
                    "text": p.text,
                    "source": "; ".join(p.sources),
                    "source_ids": list(p.source_ids),
                    "triggered_by": [r.id for r in p.triggered_by],
                }
                for c in view.categories
                for p in c.points
            ],
        }
        | ({"amended": view.amended} if view.amended else {})
    )


TYPED_MARKER = "[typed text]"


def summarise(
    defs: Definitions,
    answers: Mapping[str, AnswerValue],
    today: dt.date,
    progress: Progress | None = None,
) -> SummaryView:
    """Run the rules and build the view, with its guarded twin: everything a summary shows.

    ``progress``: a stored record's status, so an unfinished one reads as unfinished."""
    view = build_summary(defs, answers, run_rules(defs, answers), today)
    if progress is not None:
        line, labels, ids = progress_lines(defs.questionnaire, answers, progress)
        view = replace(
            view,
            status=progress.status,
            incomplete=line,
            not_reached=labels,
            not_reached_ids=ids,
            amended=f"Amended {progress.amended}" if progress.amended else "",
        )
    typed = {q.id for q in defs.questionnaire.questions if q.typed_by_person and q.id in answers}
    if not typed:
        return replace(view, guarded=view)
    masked = {k: TYPED_MARKER if k in typed else v for k, v in answers.items()}
    guarded = build_summary(defs, masked, run_rules(defs, masked), today)
    status = {
        f: getattr(view, f)
        for f in ("status", "incomplete", "not_reached", "not_reached_ids", "amended")
    }
    return replace(view, guarded=replace(guarded, **status))
