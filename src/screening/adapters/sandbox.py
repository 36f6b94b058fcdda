"""Jinja's sandbox with limits, for templates a clinic writes.

Jinja's own sandbox keeps a template from reaching Python; this keeps it from running away.
Templates come only from their own folder (no '..', no link out of it, never a pipe or a
device) or from a record's stored copies. A render stops with TemplateLimit, at the
template's file and line, when its loops take more than MAX_STEPS steps in all, when it
runs longer than MAX_SECONDS, when its output or any value it builds passes MAX_OUTPUT
characters, when a count or width passes it, or when an include or macro calls itself
without end. Imported only by commands that render.
"""

from __future__ import annotations

import contextvars
import math
import os
import re
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from functools import wraps
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment

from screening.adapters import reading

MAX_TEMPLATE_BYTES = 1_000_000
MAX_STEPS = 1_000_000
MAX_OUTPUT = 2_000_000
MAX_SECONDS = 10.0
_MAX_POWER_BITS = 4_000  # about 1,200 digits
_WIDE_FORMAT = re.compile(r"%[^a-zA-Z%]*?(?:\*|[0-9]{7,})")


class TemplateLimit(Exception):
    """A template went past a limit; ``message`` says which."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _Budget:
    """What one render may still spend."""

    def __init__(self) -> None:
        self.steps = MAX_STEPS
        self.deadline = time.monotonic() + MAX_SECONDS

    def step(self) -> None:
        self.steps -= 1
        if self.steps < 0:
            raise TemplateLimit(f"its loops take more than {MAX_STEPS:,} steps")
        if self.steps % 1024 == 0:
            self.check_time()

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise TemplateLimit(f"it runs longer than {MAX_SECONDS:g} seconds")


_budget: contextvars.ContextVar[_Budget] = contextvars.ContextVar("template_budget")


def _spend() -> _Budget:
    budget = _budget.get(None)
    if budget is None:  # rendering outside render(): start a budget for it
        budget = _Budget()
        _budget.set(budget)
    return budget


def _sized(value: Any) -> Any:
    """``value`` itself, unless it is text or a collection longer than MAX_OUTPUT."""
    if isinstance(value, str | bytes | list | tuple | dict | set) and len(value) > MAX_OUTPUT:
        raise TemplateLimit(f"it makes a value longer than {MAX_OUTPUT:,} characters or items")
    return value


def _small_numbers(args: Iterable[Any]) -> None:
    for arg in args:
        if isinstance(arg, int | float) and not isinstance(arg, bool) and abs(arg) > MAX_OUTPUT:
            raise TemplateLimit(f"it asks for a count or width over {MAX_OUTPUT:,}")


def _check_binop(operator: str, left: Any, right: Any) -> None:
    sized = (str, bytes, list, tuple)
    if operator == "*":
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, sized) and isinstance(times, int) and len(seq) * times > MAX_OUTPUT:
                raise TemplateLimit(
                    f"it makes a value longer than {MAX_OUTPUT:,} characters or items"
                )
    elif operator == "+" and isinstance(left, sized) and isinstance(right, sized):
        if len(left) + len(right) > MAX_OUTPUT:
            raise TemplateLimit(f"it makes a value longer than {MAX_OUTPUT:,} characters or items")
    elif operator == "**" and isinstance(left, int | float) and isinstance(right, int | float):
        if abs(left) > 1 and right > 0 and right * math.log2(abs(left)) > _MAX_POWER_BITS:
            raise TemplateLimit("it makes a number too large")
    elif operator == "%" and isinstance(left, str) and _WIDE_FORMAT.search(left):
        raise TemplateLimit(f"it asks for a count or width over {MAX_OUTPUT:,}")


class _BoundedCode(CodeGenerator):
    """Jinja's code generator, with every for-loop's iterable passed through
    ``environment.steps`` and every '~' result through ``environment.sized``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._loop_iterables: set[int] = set()

    def visit(self, node: nodes.Node, *args: Any, **kwargs: Any) -> Any:
        if id(node) not in self._loop_iterables:
            return super().visit(node, *args, **kwargs)
        self.write("environment.steps(")
        super().visit(node, *args, **kwargs)
        self.write(")")
        return None

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        self._loop_iterables.add(id(node.iter))
        super().visit_For(node, frame)

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.sized(")
        super().visit_Concat(node, frame)
        self.write(")")


class BoundedSandbox(SandboxedEnvironment):
    """The sandbox with a budget for loops, time and sizes."""

    code_generator_class = _BoundedCode
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.add_filters(**self.filters)
        self.globals["range"] = self._range

    def add_filters(self, **filters: Callable[..., Any]) -> None:
        """Add filters (or replace them), each bounded."""
        self.filters.update({name: _bounded_filter(f) for name, f in filters.items()})

    def steps(self, iterable: Iterable[Any]) -> Iterator[Any]:
        budget = _spend()
        for item in iterable:
            budget.step()
            yield item

    def sized(self, value: Any) -> Any:
        _spend().check_time()
        return _sized(value)

    def _range(self, *args: int) -> Iterator[int]:
        rng = range(*args)
        if len(rng) > MAX_STEPS:
            raise TemplateLimit(f"its loops take more than {MAX_STEPS:,} steps")
        return self.steps(rng)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _check_binop(operator, left, right)
        return _sized(super().call_binop(context, operator, left, right))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _spend().check_time()
        _small_numbers([*args, *kwargs.values()])
        return _sized(super().call(__context, __obj, *args, **kwargs))


def _bounded_filter(f: Callable[..., Any]) -> Callable[..., Any]:
    """A filter whose counts and widths are checked first and whose result is sized after.
    The value filtered is not checked: a large number may be formatted."""
    skip = 2 if hasattr(f, "jinja_pass_arg") else 1

    @wraps(f)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        _small_numbers([*args[skip:], *kwargs.values()])
        return _sized(f(*args, **kwargs))

    return bounded


def render(template: jinja2.Template, context: Mapping[str, Any]) -> str:
    """The template's output, within the limits; TemplateLimit (at a template line) past them."""
    token = _budget.set(_Budget())
    try:
        parts: list[str] = []
        size = 0
        stream = template.generate(context)
        assert isinstance(stream, Generator)
        for part in stream:
            size += len(part)
            if size > MAX_OUTPUT:
                # Raised inside the template, so that its file and line are known.
                stream.throw(TemplateLimit(f"it writes more than {MAX_OUTPUT:,} characters"))
            parts.append(part)
        return "".join(parts)
    finally:
        _budget.reset(token)


def template_line(tb: TracebackType | None) -> tuple[str, int] | None:
    """The innermost template file and line in a traceback Jinja has rewritten."""
    found = None
    while tb is not None:
        if "__jinja_exception__" in tb.tb_frame.f_globals:
            found = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


class FolderLoader(jinja2.BaseLoader):
    """Templates from one folder only: never '..', a link out of it, a pipe or a device."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        try:
            path = self.folder.joinpath(*split_template_path(template))
        except jinja2.TemplateNotFound:  # a name with '..' in it
            raise TemplateLimit(f"'{template}' is outside the templates folder") from None
        inside = os.path.realpath(self.folder)
        if os.path.commonpath([inside, os.path.realpath(path)]) != inside:
            raise TemplateLimit(f"'{template}' is outside the templates folder")
        if not path.exists():
            raise jinja2.TemplateNotFound(template)
        try:
            mtime = os.stat(path).st_mtime_ns
            source = reading.read_text(path, MAX_TEMPLATE_BYTES)
        except reading.FileProblem as exc:
            raise TemplateLimit(f"'{template}' {exc.problem.message}") from None

        def uptodate() -> bool:
            # A template edited since it was read is read again, as Jinja's own loader does.
            try:
                return os.stat(path).st_mtime_ns == mtime
            except OSError:
                return False

        return source, str(path), uptodate


class StoredLoader(jinja2.BaseLoader):
    """A record's stored template texts, named as such in errors."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        self.texts = dict(texts)

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        if template not in self.texts:
            raise jinja2.TemplateNotFound(template)
        return self.texts[template], f"stored template {template}", lambda: True
