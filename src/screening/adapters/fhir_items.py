"""How each kind of question travels in FHIR R4: its Questionnaire item, its answers in a
QuestionnaireResponse and back, and skip logic as enableWhen or as FHIRPath.

Skip logic: a condition becomes enableWhen (with enableBehavior) where FHIR's operators mean
what ours mean, and an SDC enableWhenExpression in FHIRPath where they do not. What the
operators mean is from FHIR R4 valueset-questionnaire-enable-operator.html: 'exists' tests
whether there is an answer; '=', '>', '<', '>=' and '<=' hold when at least one answer
compares so, and never for a question with no answer, which is our rule too ("an unanswered
question compares false"). Our `not` and `includes_none` hold for an unanswered question,
which enableWhen cannot say: those become FHIRPath (SDC, StructureDefinition-sdc-
questionnaire-enableWhenExpression.html, evaluated over %resource, the response).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from screening.core.conditions import AllOf, AnyOf, Compare, Condition, NotOf
from screening.core.models import Questionnaire
from screening.core.questions import Question, format_number

# FHIR R4 extension-minvalue.html, extension-maxvalue.html (bounds),
# extension-questionnaire-optionexclusive.html (a choice picked alone).
EXT = "http://hl7.org/fhir/StructureDefinition"
ENABLE_WHEN_EXPRESSION = (
    "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression"
)
EXCLUSIVE_EXT = f"{EXT}/questionnaire-optionExclusive"
# Free text up to this length is a one-line 'string' item; longer is a 'text' item.
ONE_LINE = 200
ORDER = {"equals": "=", "at_least": ">=", "at_most": "<=", "above": ">", "below": "<"}
Values = Sequence[tuple[str, Any]]  # an item's answers: (value[x] name, value)
Read = tuple[Any, str | None]  # (the raw answer, None) or (None, what is wrong)


@dataclass(frozen=True)
class Kinds:
    """The FHIR side of every question of one questionnaire."""

    qn: Questionnaire
    base: str

    def of(self, q: Question) -> Kind:
        return KINDS[q.type_name](self)

    def system(self, q: Question) -> str:
        """The code system of a choice question's codes: our own URL, one per list."""
        seen: set[str] = set()
        source: Question | None = q
        while source is not None and source.picks_from and source.id not in seen:
            seen.add(source.id)
            source = self.qn.get(source.picks_from)
        if source is None:
            return f"{self.base}/CodeSystem/{q.id}"
        name = source.choice_list_name
        return (
            f"{self.base}/CodeSystem/list-{name}" if name else f"{self.base}/CodeSystem/{source.id}"
        )


@dataclass(frozen=True)
class Kind:
    """One kind of question in FHIR; the subclasses differ by answer type."""

    kinds: Kinds
    item_type = "string"
    value = "String"  # the [x] of value[x] and answer[x]

    def item_fields(self, q: Question) -> dict[str, Any]:
        return {"type": self.item_type}

    def extensions(self, q: Question) -> list[dict[str, Any]]:
        return []

    def answers(self, q: Question, value: Any) -> list[dict[str, Any]]:
        return [{f"value{self.value}": self._out(value)}]

    def _out(self, value: Any) -> Any:
        return value

    def read(self, q: Question, values: Values) -> Read:
        """The one answer, as the answers file would give it."""
        if not values:
            return None, None
        if len(values) > 1:
            return None, "has several answers; the question takes one"
        return self._read_one(q, values[0])

    def _read_one(self, q: Question, answer: tuple[str, Any]) -> Read:
        name, value = answer
        if name != f"value{self.value}":
            found = f"found {name}" if name else "found none"
            return None, f"needs value{self.value} answers ({found})"
        return self._in(q, value)

    def _in(self, q: Question, value: Any) -> Read:
        return value, None

    def answer(self, q: Question, value: Any) -> dict[str, Any] | None:
        """An enableWhen answer[x] for a value a condition compares with, if it fits."""
        return None

    def test(self, q: Question, op: str, value: Any) -> str | None:
        """A FHIRPath test of one answer value against ``value``, if it fits."""
        return None


class TextKind(Kind):
    def item_fields(self, q: Question) -> dict[str, Any]:
        limit = int(getattr(q, "max_length", 0)) or None
        kind = "string" if limit is not None and limit <= ONE_LINE else "text"
        return {"type": kind, **({"maxLength": limit} if limit else {})}


class DecimalKind(Kind):
    item_type = "decimal"
    value = "Decimal"

    def extensions(self, q: Question) -> list[dict[str, Any]]:
        bounds = (
            (f"{EXT}/minValue", getattr(q, "min", None)),
            (f"{EXT}/maxValue", getattr(q, "max", None)),
        )
        return [
            {"url": url, f"value{self.value}": self._bound(b)} for url, b in bounds if b is not None
        ]

    def _bound(self, bound: float) -> Any:
        return bound

    def _in(self, q: Question, value: Any) -> Read:
        if isinstance(value, Decimal):
            return (int(value) if value == value.to_integral_value() else float(value)), None
        return value, None

    def answer(self, q: Question, value: Any) -> dict[str, Any] | None:
        return {f"answer{self.value}": value}

    def test(self, q: Question, op: str, value: Any) -> str | None:
        return f"$this {op} {_number(value)}"


class IntegerKind(DecimalKind):
    item_type = "integer"
    value = "Integer"

    def _bound(self, bound: float) -> Any:
        return int(bound) if float(bound).is_integer() else bound

    def answer(self, q: Question, value: Any) -> dict[str, Any] | None:
        whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        return {f"answer{self.value}": int(value)} if whole else None


class DateKind(Kind):
    item_type = "date"
    value = "Date"

    def extensions(self, q: Question) -> list[dict[str, Any]]:
        # A bound of 'today' moves every day; a fixed Questionnaire cannot carry it.
        bounds = (
            (f"{EXT}/minValue", getattr(q, "earliest", None)),
            (f"{EXT}/maxValue", getattr(q, "latest", None)),
        )
        return [
            {"url": url, "valueDate": b.isoformat()} for url, b in bounds if isinstance(b, dt.date)
        ]

    def _out(self, value: Any) -> Any:
        return value.isoformat() if isinstance(value, dt.date) else value

    def _in(self, q: Question, value: Any) -> Read:
        if not isinstance(value, dt.date):
            return None, "needs a full date, YYYY-MM-DD"
        return value, None

    def answer(self, q: Question, value: Any) -> dict[str, Any] | None:
        return {"answerDate": value.isoformat()} if isinstance(value, dt.date) else None

    def test(self, q: Question, op: str, value: Any) -> str | None:
        return f"$this {op} @{value.isoformat()}" if isinstance(value, dt.date) else None


class TimeKind(Kind):
    item_type = "time"
    value = "Time"

    def _out(self, value: Any) -> Any:
        return f"{value}:00" if isinstance(value, str) and len(value) == 5 else value

    def _in(self, q: Question, value: Any) -> Read:
        if isinstance(value, dt.time):
            return value.strftime("%H:%M"), None
        if isinstance(value, str) and len(value) >= 5:
            return value[:5], None
        return None, "needs a time, HH:MM:SS"


class ChoiceKind(Kind):
    item_type = "choice"
    value = "Coding"
    repeats = False

    def item_fields(self, q: Question) -> dict[str, Any]:
        system = self.kinds.system(q)
        options = []
        for choice in self.kinds.qn.choices_of(q):
            option: dict[str, Any] = {
                "valueCoding": {"system": system, "code": choice.id, "display": choice.text}
            }
            if choice.exclusive:
                option["extension"] = [{"url": EXCLUSIVE_EXT, "valueBoolean": True}]
            options.append(option)
        repeats = {"repeats": True} if self.repeats else {}
        return {"type": self.item_type, **repeats, "answerOption": options}

    def answers(self, q: Question, value: Any) -> list[dict[str, Any]]:
        labels = {c.id: c.text for c in self.kinds.qn.choices_of(q)}
        picked = value if isinstance(value, list) else [value]
        return [{"valueCoding": self._coding(q, code, labels.get(code))} for code in picked]

    def _coding(self, q: Question, code: str, display: str | None = None) -> dict[str, Any]:
        coding = {"system": self.kinds.system(q), "code": code}
        return {**coding, "display": display} if display else coding

    def read(self, q: Question, values: Values) -> Read:
        if not self.repeats:
            return super().read(q, values)
        codes = []
        for answer in values:
            code, message = self._read_one(q, answer)
            if message:
                return None, message
            codes.append(code)
        return (codes or None), None

    def _in(self, q: Question, value: Any) -> Read:
        """The code of a Coding from our code system for this question."""
        system, code = getattr(value, "system", None), getattr(value, "code", None)
        if str(system or "") != self.kinds.system(q):
            return None, f"needs codes from {self.kinds.system(q)}"
        if not code:
            return None, "has a Coding without a code"
        return str(code), None

    def answer(self, q: Question, value: Any) -> dict[str, Any] | None:
        return {"answerCoding": self._coding(q, value)} if isinstance(value, str) else None

    def test(self, q: Question, op: str, value: Any) -> str | None:
        return f"code {op} {_string(value)}" if op == "=" and isinstance(value, str) else None


class MultiKind(ChoiceKind):
    repeats = True


KINDS: dict[str, type[Kind]] = {
    "text": TextKind,
    "number": DecimalKind,
    "integer": IntegerKind,
    "date": DateKind,
    "time": TimeKind,
    "single": ChoiceKind,
    "multi": MultiKind,
}


# --- Skip logic ------------------------------------------------------------------------------


def skip_logic(kinds: Kinds, q: Question) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(enableWhen and enableBehavior, extensions) for the question's condition."""
    if q.when is None:
        return {}, []
    mapped = enable_when(kinds, q.when)
    if mapped is not None:
        conditions, behavior = mapped
        fields: dict[str, Any] = {"enableWhen": conditions}
        if len(conditions) > 1:
            fields["enableBehavior"] = behavior
        return fields, []
    expression = {"language": "text/fhirpath", "expression": fhirpath(kinds, q.when)}
    return {}, [{"url": ENABLE_WHEN_EXPRESSION, "valueExpression": expression}]


Mapped = tuple[list[dict[str, Any]], str]  # enableWhen entries, and 'all' or 'any'


def enable_when(kinds: Kinds, cond: Condition) -> Mapped | None:
    """The condition as enableWhen entries, or None where enableWhen cannot say it."""
    if isinstance(cond, Compare):
        return _compare(kinds, cond, negated=False)
    if isinstance(cond, NotOf):
        inner = cond.not_
        if isinstance(inner, Compare) and inner.operator == "answered":
            return _compare(kinds, inner, negated=True)
        return None
    behavior = "all" if isinstance(cond, AllOf) else "any"
    parts: list[dict[str, Any]] = []
    for child in cond.all_ if isinstance(cond, AllOf) else cond.any_:
        mapped = enable_when(kinds, child)
        if mapped is None or (len(mapped[0]) > 1 and mapped[1] != behavior):
            return None
        parts += mapped[0]
    return parts, behavior


def _compare(kinds: Kinds, c: Compare, *, negated: bool) -> Mapped | None:
    q = kinds.qn.get(c.question)
    if q is None:
        return None
    kind, op = kinds.of(q), c.operator
    if op == "answered":
        return [
            {"question": q.id, "operator": "exists", "answerBoolean": bool(c.value) != negated}
        ], "all"
    if negated:
        return None
    if op in ORDER:
        answer = kind.answer(q, c.value)
        return ([{"question": q.id, "operator": ORDER[op], **answer}], "all") if answer else None
    if op in ("one_of", "includes_any", "includes_all") and c.value:
        answers = [kind.answer(q, v) for v in c.value]
        if any(a is None for a in answers):
            return None
        entries = [{"question": q.id, "operator": "=", **a} for a in answers if a]
        return entries, "all" if op == "includes_all" else "any"
    return None


def fhirpath(kinds: Kinds, cond: Condition) -> str:
    """The condition in FHIRPath over the response, with our rule that an unanswered
    question compares false and `not` is the only negation."""
    if isinstance(cond, AllOf):
        return " and ".join(f"({fhirpath(kinds, c)})" for c in cond.all_)
    if isinstance(cond, AnyOf):
        return " or ".join(f"({fhirpath(kinds, c)})" for c in cond.any_)
    if isinstance(cond, NotOf):
        return f"({fhirpath(kinds, cond.not_)}).not()"
    return _compare_path(kinds, cond)


def _compare_path(kinds: Kinds, c: Compare) -> str:
    q = kinds.qn.get(c.question)
    if q is None:
        return "false"
    kind, op = kinds.of(q), c.operator
    values = f"%resource.repeat(item).where(linkId = {_string(q.id)}).answer.value"
    if op == "answered":
        return f"{values}.exists()" if c.value else f"{values}.empty()"
    if op in ORDER:
        return f"{values}.where({kind.test(q, ORDER[op], c.value) or 'false'}).exists()"
    tests = [kind.test(q, "=", v) or "false" for v in c.value]
    any_of = f"{values}.where({' or '.join(tests) or 'false'})"
    if op in ("one_of", "includes_any"):
        return f"{any_of}.exists()"
    if op == "includes_all":
        return " and ".join(f"{values}.where({t}).exists()" for t in tests) or f"{values}.exists()"
    return f"({values}.exists() and {any_of}.empty())"  # includes_none


def _string(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _number(value: Any) -> str:
    """A FHIRPath number literal: digits, no exponent."""
    if isinstance(value, int):
        return str(value)
    text = format(Decimal(repr(float(value))), "f")
    return text if "." in text else format_number(float(value))
