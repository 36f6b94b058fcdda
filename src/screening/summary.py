"""The summary view: what the clinician's page shows, built from answers and points.

Pure and format-free: the templates decide the layout, this decides the content.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from screening.answers import applicable_questions
from screening.conditions import AnswerValue
from screening.display import format_answer
from screening.engine import Point
from screening.guard import DISCLAIMER, NEXT_STEP
from screening.models import Definitions
from screening.text import clean_text


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
    shown = {q.id: format_answer(q, answers[q.id], qn, today=prepared)
             for q in qn.questions if q.id in answers}
    sections: dict[str, tuple[list[Row], list[str]]] = {}
    asked = {q.id for q in applicable_questions(qn, answers)}
    for q in qn.questions:
        if q.id in shown:
            sections.setdefault(q.section, ([], []))[0].append(Row(q.id, q.label, shown[q.id]))
        elif q.id in asked and q.audience == "everyone":
            sections.setdefault(q.section, ([], []))[1].append(q.label)

    def row(question_id: str) -> Row:
        q = qn[question_id]
        return Row(q.id, q.label, shown.get(q.id, "(not answered)"))

    numbers: dict[str, int] = {}
    for cat in rs.categories:
        for p in points:
            if p.category == cat.id:
                for s in p.sources:
                    numbers.setdefault(s, len(numbers) + 1)
    categories = []
    for cat in rs.categories:
        views = tuple(
            PointView(
                rule=p.rule,
                text=clean_text(p.text),
                triggered_by=tuple(row(t) for t in p.triggered_by),
                sources=tuple(rs.citations[s] for s in p.sources),
                source_ids=p.sources,
                refs=tuple(sorted(numbers[s] for s in p.sources)),
            )
            for p in points if p.category == cat.id
        )
        if views:
            categories.append(CategoryView(cat.id, cat.title, views))
    return SummaryView(
        title=qn.title,
        prepared=prepared.isoformat(),
        sections=tuple(Section(t, tuple(r), tuple(n)) for t, (r, n) in sections.items()),
        categories=tuple(categories),
        references=tuple((n, rs.citations[s]) for s, n in numbers.items()),
        next_step=NEXT_STEP,
        disclaimer=DISCLAIMER,
        answers={k: _jsonable(v) for k, v in answers.items()},
        typed_text=tuple(shown[q.id] for q in qn.questions if q.type == "text" and q.id in shown),
    )


def _jsonable(value: AnswerValue) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return clean_text(value)
    return value


def summary_data(view: SummaryView) -> dict[str, Any]:
    """The JSON form; its keys are a published interface."""
    return {
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
            for c in view.categories for p in c.points
        ],
    }
