"""Rendering a summary view to text, HTML, Markdown or JSON. The only place Jinja is set up.

Templates run in Jinja's sandbox. Answers reach them only as values: typed text is never
compiled as a template. HTML is autoescaped; in Markdown every value is escaped on output.
Every rendered summary passes the non-diagnostic guard before anyone sees it.
"""

from __future__ import annotations

import html
import json
import re
import textwrap
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

from screening.adapters import reading
from screening.core import guard
from screening.core.errors import DecisionLanguageError, DefinitionError, Problem
from screening.core.sanitize import clean_text
from screening.core.snapshot import TEMPLATES as TEMPLATES
from screening.core.snapshot import Format as Format
from screening.core.summary import VIEW_TYPES, SummaryView, summary_data

if TYPE_CHECKING:
    from jinja2 import TemplateSyntaxError

    from screening.adapters.sandbox import BoundedSandbox

# Format and TEMPLATES (re-exported above) are named with the snapshot, which a new record
# takes before its first question without loading this module.

# A folder of templates, or stored template texts as (file name, text) pairs.
Templates = Path | tuple[tuple[str, str], ...]
FORMATS: tuple[Format, ...] = get_args(Format)
SUFFIXES: dict[Format, str] = {"text": ".txt", "html": ".html", "md": ".md", "json": ".json"}

# Inside a line only these change meaning. Escaping the ':' of '://' and the '.' of 'www.'
# keeps a typed address from turning into a link.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~>])|(?<=www)(\.)|(:)(?=//)")
_MD_UNESCAPE = re.compile(r"\\([\\`*_\[\]|~>.:])")
# GitHub's Markdown links any e-mail address (and 'mailto:' or 'xmpp:' before one) found in
# text, escaped or not; an invisible word joiner before the '@' keeps it plain text.
_WORD_JOINER = "\u2060"


def md_escape(value: object) -> str:
    """A value as Markdown that shows literally: no emphasis, links, headings or HTML."""
    text = " ".join(clean_text(str(value)).split("\n"))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace("@", _WORD_JOINER + "@")
    return _MD_SPECIAL.sub(lambda m: "\\" + m.group(0), text)


def wrap(value: object, width: int = 80, indent: int = 0, first: int | None = None) -> str:
    """Wrap each paragraph to ``width`` columns, later lines indented by ``indent``.

    ``first``: columns of the first line the template has already filled (a label).
    """
    return _wrap(str(value), width, indent, first)


# Most wrapped texts (labels, notes, the evidence box, citations) repeat from page to page.
@lru_cache(maxsize=4096)
def _wrap(value: str, width: int, indent: int, first: int | None) -> str:
    pad = " " * indent
    used = indent if first is None else first
    out: list[str] = []
    for n, para in enumerate(str(value).split("\n")):
        lines = textwrap.wrap(
            para,
            width=width,
            initial_indent=" " * used if n == 0 else pad,
            subsequent_indent=pad,
            break_on_hyphens=False,
        )
        out.extend(lines or [""])
    if first is not None:
        out[0] = out[0][first:]
    return "\n".join(out)


def pack(items: Iterable[object], width: int = 80, sep: str = "   ") -> str:
    """Short items side by side, as many as fit in ``width`` columns on each line; an item is
    never split across lines unless it is longer than a line."""
    lines: list[str] = []
    for item in (str(i) for i in items):
        if lines and len(lines[-1]) + len(sep) + len(item) <= width:
            lines[-1] += sep + item
        else:
            lines.append(item if len(item) <= width else wrap(item, width))
    return "\n".join(lines)


def leader(value: object, width: int, fill: str = ".") -> str:
    """A label followed by a space and dots out to ``width`` columns, for aligned values."""
    return (str(value) + " ").ljust(width, fill)


def _plain(value: object) -> str:
    return clean_text(str(value))


@lru_cache(maxsize=1)
def _sandbox() -> type[BoundedSandbox]:
    """Jinja's sandbox with limits, with a quick yes for the summary view's own public fields.

    Made on first use: Jinja is imported only by commands that render.
    """
    from screening.adapters.sandbox import BoundedSandbox

    class Sandbox(BoundedSandbox):
        def getattr(self, obj: Any, attribute: str) -> Any:
            if type(obj) in VIEW_TYPES and not attribute.startswith("_"):
                try:
                    return getattr(obj, attribute)
                except AttributeError:
                    pass
            return super().getattr(obj, attribute)

    return Sandbox


@lru_cache(maxsize=32)
def environment(templates: Templates, fmt: Format) -> BoundedSandbox:
    """The sandboxed environment for one output format."""
    import jinja2

    from screening.adapters.sandbox import FolderLoader, StoredLoader

    loader: jinja2.BaseLoader = (
        FolderLoader(templates) if isinstance(templates, Path) else StoredLoader(dict(templates))
    )
    env = _sandbox()(
        loader=loader,
        autoescape=fmt == "html",
        undefined=jinja2.StrictUndefined,
        finalize=md_escape if fmt == "md" else (_plain if fmt == "text" else None),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.add_filters(wrap=wrap, leader=leader, pack=pack)
    return env


def render(view: SummaryView, fmt: Format, templates: Templates) -> str:
    """The summary as a document; raises DecisionLanguageError rather than emit a verdict.

    The guard reads the same document made from the view's guarded twin, in which typed
    answers are neutral markers: the tool's own words are judged, a person's are not.
    """
    out = _document(view, fmt, templates)
    guarded = view.guarded or view
    checked = out if guarded is view else _document(guarded, fmt, templates)
    hits = guard.find_decision_language(plain_text(checked, fmt), allowed=(guard.DISCLAIMER,))
    if hits:
        raise DecisionLanguageError(
            "refused",
            [
                Problem(
                    f"{fmt} summary",
                    f"not written: it {guard.describe(hits)}. "
                    "Fix the rules or templates (run 'screening check')",
                )
            ],
        )
    return _with_status(out, view, fmt)


def _with_status(document: str, view: SummaryView, fmt: Format) -> str:
    """The document with its INCOMPLETE and amended lines at the top, if its template (a
    clinic's own, or one stored with an older record) left them out."""
    shown = " ".join(plain_text(document, fmt).split())
    missing = []
    if view.incomplete and view.incomplete not in shown:
        missing.append(view.incomplete)
        if view.not_reached:
            missing.append("Questions not reached: " + "; ".join(view.not_reached) + ".")
    if view.amended and view.amended not in shown:
        missing.append(view.amended)
    if fmt == "json" or not missing:
        return document
    if fmt == "html":
        top = "".join(f"<p><strong>{html.escape(line)}</strong></p>\n" for line in missing)
        body = re.search(r"<body\b[^>]*>\n?", document, flags=re.I)
        at = body.end() if body else 0
        return document[:at] + top + document[at:]
    if fmt == "md":
        return "".join(f"**{md_escape(line)}**\n\n" for line in missing) + document
    return "".join(f"{line}\n" for line in missing) + "\n" + document


def _document(view: SummaryView, fmt: Format, templates: Templates) -> str:
    if fmt == "json":
        return json.dumps(summary_data(view), indent=2, ensure_ascii=False) + "\n"
    import jinja2

    from screening.adapters import sandbox

    main = _name(templates, TEMPLATES[fmt])
    try:
        template = environment(templates, fmt).get_template(TEMPLATES[fmt])
        return sandbox.render(template, {"s": view})
    except jinja2.TemplateSyntaxError as exc:
        raise DefinitionError("template error", [_template_problem(templates, exc)]) from None
    except jinja2.TemplateNotFound as exc:
        raise DefinitionError(
            "template missing", [Problem(_name(templates, str(exc.name)), "no such template")]
        ) from None
    except sandbox.TemplateLimit as exc:
        where = _line(exc, main)
        raise DefinitionError(
            "template refused", [Problem(where, f"not used: {exc.message}")]
        ) from None
    except RecursionError as exc:
        where = _line(exc, main)
        raise DefinitionError(
            "template refused",
            [Problem(where, "not used: it includes or calls itself without end")],
        ) from None
    except (MemoryError, OverflowError) as exc:
        where = _line(exc, main)
        raise DefinitionError(
            "template refused", [Problem(where, "not used: it makes a value too large")]
        ) from None
    except (jinja2.TemplateError, jinja2.exceptions.SecurityError) as exc:
        raise DefinitionError(
            "template error",
            [Problem(_line(exc, main), f"template failed: {type(exc).__name__}")],
        ) from None


def _line(exc: BaseException, main: str) -> str:
    """Where in the templates an error was raised: FILE:LINE, or the main template."""
    from screening.adapters.sandbox import template_line

    found = template_line(exc.__traceback__)
    return f"{found[0]}:{found[1]}" if found else main


def plain_text(document: str, fmt: Format) -> str:
    """What a reader sees, for the guard: no tags, entities or escapes."""
    if fmt == "html":
        body = re.sub(r"<(style|script)\b.*?</\1>", " ", document, flags=re.S | re.I)
        return html.unescape(re.sub(r"<[^>]*>", " ", body))
    if fmt == "md":
        return html.unescape(_MD_UNESCAPE.sub(r"\1", document)).replace(_WORD_JOINER, "")
    if fmt == "json":
        return "\n".join(_strings(json.loads(document)))
    return document


def _strings(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []


def check_templates(templates: Path) -> list[Problem]:
    """Each template compiles, and its own words carry no decision language."""
    import jinja2

    from screening.adapters.sandbox import MAX_TEMPLATE_BYTES

    problems: list[Problem] = []
    for fmt, name in TEMPLATES.items():
        path = templates / name
        try:
            source = reading.read_text(path, MAX_TEMPLATE_BYTES)
        except reading.FileProblem as exc:
            problems.append(exc.problem)
            continue
        try:
            environment(templates, fmt).parse(source, name, str(path))
        except jinja2.TemplateSyntaxError as exc:
            problems.append(_template_problem(templates, exc))
        for lineno, line in enumerate(source.splitlines(), start=1):
            hits = guard.find_decision_language(line, allowed=(guard.DISCLAIMER,))
            if hits:
                problems.append(Problem(f"{path}:{lineno}", guard.describe(hits)))
    return problems


def _name(templates: Templates, name: str) -> str:
    return str(templates / name) if isinstance(templates, Path) else f"stored template {name}"


def _template_problem(templates: Templates, exc: TemplateSyntaxError) -> Problem:
    path = exc.filename or _name(templates, exc.name or "?")
    return Problem(f"{path}:{exc.lineno}", f"template syntax: {exc.message}")
