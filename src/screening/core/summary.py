"""The summary view: what the clinician's page shows, built from answers and points.

Pure and format-free: the templates decide the layout, this decides the content. Every
answer is formatted for people here, and only here. The page reads the same whatever the
answers: no count, score or ranking; the evidence box and the numbered sources are the same
on every summary.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from screening.core.answers import applicable_questions, show_answer, stored_form
from screening.core.conditions import AnswerValue
from screening.core.guard import DISCLAIMER, NEXT_STEP
from screening.core.models import PLACEHOLDER, Combined, Definitions, Questionnaire, ReviewItem
from screening.core.rules import Point, run_rules
from screening.core.sanitize import clean_text
from screening.core.translation import language_name

NOT_ANSWERED = "(not answered)"
TYPED_MARKER = "[typed text]"
FILLED_IN_BY = {"staff": "Intake staff with the patient", "patient": "The patient, alone"}
# A patient's own form that staff went on with afterwards.
COMPLETED_BY_STAFF = "The patient, then intake staff"


@dataclass(frozen=True)
class Row:
    id: str
    label: str
    value: str
    flag: str = ""  # "high" or "low", from a rule that cites its threshold
    whole: bool = True  # False: only part of the answer (the choices review-first names)

    @property
    def shown(self) -> str:
        return f"{self.value} ({self.flag})" if self.flag else self.value

    @property
    def line(self) -> str:
        return f"{self.label}: {self.shown}"


@dataclass(frozen=True)
class Section:
    title: str
    rows: tuple[Row, ...]
    not_answered: tuple[str, ...]  # the questions of this section asked but not answered


@dataclass(frozen=True)
class PointView:
    rule: str
    text: str
    triggered_by: tuple[Row, ...]
    triggered_ids: tuple[str, ...]  # the question ids, for programs
    sources: tuple[str, ...]
    source_ids: tuple[str, ...]
    refs: tuple[int, ...]

    @property
    def ref_label(self) -> str:
        return "[" + ",".join(str(n) for n in self.refs) + "]"


@dataclass(frozen=True)
class CategoryView:
    id: str
    title: str
    points: tuple[PointView, ...]


@dataclass(frozen=True)
class EvidenceView:
    text: str
    refs: tuple[int, ...]

    @property
    def ref_label(self) -> str:
        return "[" + ",".join(str(n) for n in self.refs) + "]"


@dataclass(frozen=True)
class RecordInfo:
    """Where the answers come from: a stored record, or a file (no id, mode or time)."""

    definitions: str  # the definitions version (hash prefix)
    id: str | None = None
    mode: str | None = None
    status: str = "complete"  # or "in_progress"
    completed: str | None = None  # local date and time, with its offset
    asked: tuple[str, ...] = ()  # the questions put, in order (for an unfinished record)
    amended: str = ""  # when staff last changed the complete record, as people read it
    audience: str = "staff"  # whose questions the interview asked: "staff" or "everyone"
    language: str = "en"  # the language the patient read the questions in

    @property
    def language_note(self) -> str:
        """A line for the header when the patient answered in another language."""
        if self.language == "en":
            return ""
        return (
            f"Answered in {language_name(self.language)}; typed text is shown as the "
            "patient wrote it"
        )


@dataclass(frozen=True)
class SummaryView:
    title: str
    prepared: str
    header: tuple[Row, ...]
    review_first: tuple[Row, ...]
    sections: tuple[Section, ...]
    categories: tuple[CategoryView, ...]
    evidence: tuple[EvidenceView, ...]
    references: tuple[tuple[int, str], ...]
    next_step: str
    disclaimer: str
    answers: Mapping[str, Any]
    typed_text: tuple[str, ...]
    status: str = "complete"
    # For an unfinished record: "INCOMPLETE: ..." and the questions it never reached.
    incomplete: str = ""
    not_reached: tuple[str, ...] = ()
    not_reached_ids: tuple[str, ...] = ()
    amended: str = ""  # "Amended <local time>", or ""
    language: str = "en"  # the language the patient answered in
    language_note: str = ""  # the header line that says so, when it is not English
    # The review-first questions asked and left blank, named in the review-first box.
    review_first_unanswered: tuple[str, ...] = ()

    @property
    def not_answered(self) -> tuple[str, ...]:
        """Every question asked but not answered, in questionnaire order."""
        return tuple(label for section in self.sections for label in section.not_answered)

    @property
    def answered_sections(self) -> tuple[Section, ...]:
        return tuple(section for section in self.sections if section.rows)

    # The same summary with every typed answer replaced by a neutral marker: the guard reads
    # this one, so a person's own words neither stop a summary nor let a verdict through.
    guarded: SummaryView | None = None


# Plain frozen records of text: the template sandbox may read their public fields freely.
VIEW_TYPES: frozenset[type] = frozenset(
    {Row, Section, PointView, CategoryView, EvidenceView, SummaryView}
)


class _Page:
    """Builds one view: the answers shown once, flagged where a rule flags them."""

    def __init__(
        self,
        defs: Definitions,
        answers: Mapping[str, AnswerValue],
        points: Sequence[Point],
        today: dt.date,
    ) -> None:
        self.qn, self.rs = defs.questionnaire, defs.ruleset
        self.answers, self.points, self.today = answers, points, today
        self.shown = {
            q.id: show_answer(self.qn, q.id, answers[q.id], today)
            for q in self.qn.questions
            if q.id in answers
        }
        self.flags = {q: p.flag for p in points if p.flag for q in p.triggered_by}
        self.combined = {qid: c for c in self.qn.combine for qid in c.questions}

    def row(self, question_id: str) -> Row:
        q = self.qn[question_id]
        return Row(q.id, q.label, self.shown.get(q.id, NOT_ANSWERED), self.flags.get(q.id, ""))

    def combined_row(self, combined: Combined) -> Row | None:
        parts = [self.answers.get(qid) for qid in combined.questions]
        if all(p is None for p in parts):
            return None
        value = combined.separator.join(
            "?" if p is None else self.qn[qid].as_typed(p)
            for qid, p in zip(combined.questions, parts, strict=True)
        )
        flags = [self.flags[q] for q in combined.questions if q in self.flags]
        unit = f" {combined.unit}" if combined.unit else ""
        return Row(combined.id, combined.label, value + unit, flags[0] if flags else "")

    def rows_of(self, question_ids: Sequence[str]) -> list[Row]:
        rows: list[Row] = []
        done: set[str] = set()
        for qid in question_ids:
            combined = self.combined.get(qid)
            if combined is None:
                rows.append(self.row(qid))
            elif combined.id not in done:
                done.add(combined.id)
                row = self.combined_row(combined)
                if row is not None:
                    rows.append(row)
        return rows

    def asked(self, audience: str) -> set[str]:
        """The ids of the questions this audience is asked, given the answers."""
        return {q.id for q in applicable_questions(self.qn, self.answers, audience)}

    def sections(self, asked: set[str], shown_first: set[str]) -> tuple[Section, ...]:
        """The answers by section, leaving out what the header and review-first show."""
        found: dict[str, tuple[list[str], list[str]]] = {}
        for q in self.qn.questions:
            if q.section == self.qn.header_section or q.id in shown_first:
                continue
            combined = self.combined.get(q.id)
            if q.id in self.answers:
                found.setdefault(q.section, ([], []))[0].append(q.id)
            elif q.id in asked and combined is None:
                found.setdefault(q.section, ([], []))[1].append(q.label)
            elif (
                q.id in asked
                and combined is not None
                and combined.questions[-1] == q.id
                and (not any(x in self.answers for x in combined.questions))
            ):
                found.setdefault(q.section, ([], []))[1].append(combined.label)
        return tuple(
            Section(title, tuple(self.rows_of(ids)), tuple(missing))
            for title, (ids, missing) in found.items()
        )

    def review_first(self) -> tuple[Row, ...]:
        flagged = [r for r in self.rows_of([q for q in self.flags if q in self.answers]) if r.flag]
        items = [row for item in self.qn.review_first if (row := self._review_row(item))]
        return tuple(flagged + items)

    def review_first_unanswered(self, asked: set[str]) -> tuple[str, ...]:
        """The ids of the review-first questions asked but not answered, so that an empty
        box does not read as nothing to review."""
        ids = dict.fromkeys(item.question for item in self.qn.review_first)
        return tuple(q for q in ids if q in asked and q not in self.answers)

    def _review_row(self, item: ReviewItem) -> Row | None:
        value = self.answers.get(item.question)
        if value is None:
            return None
        q = self.qn[item.question]
        if isinstance(value, list) or item.choices is not None:
            picked = value if isinstance(value, list) else [str(value)]
            kept = [
                v
                for v in picked
                if (item.choices is None or v in item.choices) and v not in item.except_
            ]
            if not kept:
                return None
            value = kept if isinstance(value, list) else kept[0]
        shown = show_answer(self.qn, q.id, value, self.today)
        return Row(q.id, q.label, shown, whole=shown == self.shown.get(q.id))

    def header(self, record: RecordInfo | None) -> tuple[Row, ...]:
        ids = [
            q.id
            for q in self.qn.questions
            if q.section == self.qn.header_section and q.id in self.answers
        ]
        rows = self.rows_of(ids)
        if record is not None:
            rows += [Row("record", "Record", record.id or "none (answers file)")]
            if record.mode:
                who = FILLED_IN_BY.get(record.mode, record.mode)
                if record.mode == "patient" and record.audience == "staff":
                    who = COMPLETED_BY_STAFF
                rows.append(Row("filled_in_by", "Filled in by", who))
            rows.append(Row("status", "Status", record.status.replace("_", " ")))
            if record.completed:
                rows.append(Row("completed", "Last saved", record.completed))
            rows.append(Row("definitions", "Version", record.definitions))
        return tuple(rows)

    def note_text(self, point: Point) -> str:
        def quote(match: re.Match[str]) -> str:
            value = point.quoted.get(match.group(1))
            return (
                NOT_ANSWERED
                if value is None
                else show_answer(self.qn, match.group(1), value, self.today)
            )

        return clean_text(PLACEHOLDER.sub(quote, point.note))


def build_summary(
    defs: Definitions,
    answers: Mapping[str, AnswerValue],
    points: Sequence[Point],
    prepared: dt.date,
    record: RecordInfo | None = None,
) -> SummaryView:
    page, rs = _Page(defs, answers, points, prepared), defs.ruleset
    # Every source has its number on every summary, in the order the rules file lists them.
    numbers = {s.id: n for n, s in enumerate(rs.sources, start=1)}
    categories = []
    for cat in rs.categories:
        views = tuple(
            PointView(
                rule=p.rule,
                text=page.note_text(p),
                triggered_by=tuple(page.rows_of(p.triggered_by)),
                triggered_ids=p.triggered_by,
                sources=tuple(rs.citations[s] for s in p.sources),
                source_ids=p.sources,
                refs=tuple(sorted(numbers[s] for s in p.sources)),
            )
            for p in points
            if p.category == cat.id
        )
        if views:
            categories.append(CategoryView(cat.id, cat.title, views))
    audience = record.audience if record is not None else "staff"
    evidence = tuple(
        EvidenceView(clean_text(e.text), tuple(sorted(numbers[s] for s in e.sources)))
        for e in rs.evidence
    )
    review_first = page.review_first()
    asked = page.asked(audience)
    unanswered_first = page.review_first_unanswered(asked)
    # What the review-first box shows, whole, or names as not answered, is not repeated below.
    shown_first = (
        {r.id for r in review_first if r.whole}
        | set(unanswered_first)
        | {
            q
            for r in review_first
            for c in defs.questionnaire.combine
            if c.id == r.id
            for q in c.questions
        }
    )
    return SummaryView(
        title=defs.questionnaire.title,
        prepared=prepared.isoformat(),
        header=page.header(record),
        review_first=review_first,
        review_first_unanswered=tuple(defs.questionnaire[q].label for q in unanswered_first),
        sections=page.sections(asked, shown_first),
        categories=tuple(categories),
        evidence=tuple(
            EvidenceView(clean_text(e.text), tuple(sorted(numbers[s] for s in e.sources)))
            for e in rs.evidence
        ),
        references=_cited(rs.sources, numbers, categories, evidence),
        next_step=NEXT_STEP,
        disclaimer=DISCLAIMER,
        answers={
            k: clean_text(v) if isinstance(v, str) else v for k, v in stored_form(answers).items()
        },
        typed_text=tuple(
            page.shown[q.id]
            for q in defs.questionnaire.questions
            if q.typed_by_person and q.id in page.shown
        ),
        status=record.status if record is not None else "complete",
        **_progress(defs.questionnaire, answers, record),
        language=record.language if record is not None else "en",
        language_note=record.language_note if record is not None else "",
    )


def _progress(
    qn: Questionnaire, answers: Mapping[str, AnswerValue], record: RecordInfo | None
) -> dict[str, Any]:
    """For an unfinished record: the INCOMPLETE line, and the labels and ids of the questions
    it never reached; for an amended one, when."""
    found: dict[str, Any] = {}
    if record is None:
        return found
    if record.amended:
        found["amended"] = f"Amended {record.amended}"
    if record.status == "complete":
        return found
    applicable = applicable_questions(qn, answers, record.audience)
    asked = set(record.asked)
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
    return found | {
        "incomplete": line,
        "not_reached": tuple(q.label for q in waiting),
        "not_reached_ids": tuple(q.id for q in waiting),
    }


def _cited(
    sources: Sequence[Any],
    numbers: Mapping[str, int],
    categories: Sequence[CategoryView],
    evidence: Sequence[EvidenceView],
) -> tuple[tuple[int, str], ...]:
    """The sources this page cites, each under its fixed number."""
    used = {n for c in categories for p in c.points for n in p.refs}
    used |= {n for e in evidence for n in e.refs}
    return tuple((numbers[s.id], s.citation()) for s in sources if numbers[s.id] in used)


def summary_data(view: SummaryView) -> dict[str, Any]:
    """The JSON form; its keys are a published interface. ``status`` comes first; then, only
    for an unfinished record, ``incomplete`` and ``not_reached``; ``amended`` only for an
    amended one."""
    unfinished: dict[str, Any] = {}
    if view.incomplete:
        unfinished = {"incomplete": view.incomplete, "not_reached": list(view.not_reached_ids)}
    return (
        {"status": view.status}
        | unfinished
        | {
            "title": view.title,
            "prepared": view.prepared,
            "language": view.language,
            "header": {r.id: r.shown for r in view.header},
            "review_first": [
                {"id": r.id, "label": r.label, "value": r.value, "flag": r.flag}
                for r in view.review_first
            ],
            "review_first_unanswered": list(view.review_first_unanswered),
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
                    "triggered_by": list(p.triggered_ids),
                }
                for c in view.categories
                for p in c.points
            ],
            "evidence": [{"text": e.text, "refs": list(e.refs)} for e in view.evidence],
        }
        | ({"amended": view.amended} if view.amended else {})
    )


def summarise(
    defs: Definitions,
    answers: Mapping[str, AnswerValue],
    today: dt.date,
    record: RecordInfo | None = None,
) -> SummaryView:
    """Run the rules and build the view, with its guarded twin: everything a summary shows."""
    points = run_rules(defs, answers)
    view = build_summary(defs, answers, points, today, record)
    typed = {q.id for q in defs.questionnaire.questions if q.typed_by_person and q.id in answers}
    if not typed:
        return replace(view, guarded=view)
    # Typed text can only be tested for being answered, so the same rules fire for the twin.
    masked = {k: TYPED_MARKER if k in typed else v for k, v in answers.items()}
    masked_points = [replace(p, quoted={k: masked.get(k) for k in p.quoted}) for p in points]
    return replace(view, guarded=build_summary(defs, masked, masked_points, today, record))
