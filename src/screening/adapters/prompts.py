"""Asking a person things in a terminal. The only place that imports the prompt library.

Two prompters with one interface: ``QuestionaryPrompter`` (arrow keys, inline validation) and
``PlainPrompter`` (numbered choices and typed lines, for screen readers and pipes). Both raise
KeyboardInterrupt on Ctrl-C and EOFError when input ends.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, TextIO

from screening.core.errors import InputRefused
from screening.core.sanitize import clean_text

# The longest line a plain prompt reads; the rest of a longer line is read and refused.
MAX_LINE = 100_000
Validate = Callable[[str], str | None]
ValidateMany = Callable[[list[str]], str | None]
Choices = Sequence[tuple[str, str]]  # (id, label)


class Prompter(Protocol):
    """What the interview needs from a terminal."""

    def show(self, text: str, *, dim: bool = False) -> None: ...

    def text(self, message: str, *, default: str, validate: Validate) -> str: ...

    def select(self, message: str, choices: Choices, *, default: str | None) -> str: ...

    def checkbox(
        self, message: str, choices: Choices, *, default: Sequence[str], validate: ValidateMany
    ) -> list[str]: ...

    def confirm(self, message: str, *, default: bool) -> bool: ...


class QuestionaryPrompter:
    """Full-screen-free prompts with arrow keys, built on questionary."""

    def __init__(self, input: Any = None, output: Any = None) -> None:
        import questionary
        from prompt_toolkit import print_formatted_text
        from prompt_toolkit.formatted_text import FormattedText

        self._q = questionary
        self._print = print_formatted_text
        self._formatted = FormattedText
        self._io: dict[str, Any] = {k: v for k, v in (("input", input), ("output", output)) if v}
        self._style = questionary.Style([("qmark", ""), ("instruction", "italic")])

    def show(self, text: str, *, dim: bool = False) -> None:
        style = "italic" if dim else ""
        self._print(self._formatted([(style, clean_text(text))]), output=self._io.get("output"))

    def text(self, message: str, *, default: str, validate: Validate) -> str:
        def check(value: str) -> bool | str:
            return validate(value) or True

        answer: str = self._q.text(
            clean_text(message),
            default=clean_text(default),
            validate=check,
            qmark="",
            style=self._style,
            **self._io,
        ).unsafe_ask()
        return answer

    def select(self, message: str, choices: Choices, *, default: str | None) -> str:
        options = [self._q.Choice(title=_flat(label), value=cid) for cid, label in choices]
        picked = next((o for o in options if o.value == default), None)
        answer: str = self._q.select(
            clean_text(message),
            choices=options,
            default=picked,
            qmark="",
            style=self._style,
            instruction="(arrow keys, then Enter)",
            **self._io,
        ).unsafe_ask()
        return answer

    def checkbox(
        self, message: str, choices: Choices, *, default: Sequence[str], validate: ValidateMany
    ) -> list[str]:
        options = [
            self._q.Choice(title=_flat(label), value=cid, checked=cid in default)
            for cid, label in choices
        ]

        def check(values: list[str]) -> bool | str:
            return validate(values) or True

        answer: list[str] = self._q.checkbox(
            clean_text(message),
            choices=options,
            validate=check,
            qmark="",
            style=self._style,
            instruction="(Space to pick, Enter when done)",
            **self._io,
        ).unsafe_ask()
        return answer

    def confirm(self, message: str, *, default: bool) -> bool:
        answer: bool = self._q.confirm(
            clean_text(message), default=default, qmark="", style=self._style, **self._io
        ).unsafe_ask()
        return answer


class PlainPrompter:
    """Line by line: no cursor movement, no colour; numbered choices; works from a pipe.

    From a pipe or a file (``script``) the input is a script: a refused line stops with
    InputRefused, naming the line, instead of being asked again, since every later line was
    written for a later question. At a terminal a refused line is asked again.
    """

    def __init__(self, stdin: TextIO, stdout: TextIO, *, script: bool | None = None) -> None:
        self._in, self._out = stdin, stdout
        self._script = not _isatty(stdin) if script is None else script
        self._line_number = 0

    def _say(self, text: str) -> None:
        self._out.write(clean_text(text) + "\n")
        self._out.flush()

    def _refuse(self, problem: str) -> None:
        if self._script:
            raise InputRefused(f"input line {self._line_number}: {problem}")
        self._say(f"! {problem}")

    def _line(self, prompt: str) -> str:
        while True:
            self._out.write(clean_text(prompt))
            self._out.flush()
            line = self._in.readline(MAX_LINE + 1)
            if not line:
                self._say("")
                raise EOFError
            self._line_number += 1
            if len(line) <= MAX_LINE or line.endswith("\n"):
                return line.strip()
            while (rest := self._in.readline(MAX_LINE)) and not rest.endswith("\n"):
                pass  # the rest of the line is read, so the next line is the next answer
            self._refuse(f"That line is longer than {MAX_LINE:,} characters.")

    def show(self, text: str, *, dim: bool = False) -> None:
        self._say(text)

    def text(self, message: str, *, default: str, validate: Validate) -> str:
        hint = f" [{_flat(default)}]" if default else ""
        while True:
            typed = self._line(f"{message}{hint}\n> ") or default
            problem = validate(typed)
            if problem is None:
                return typed
            self._refuse(problem)

    def select(self, message: str, choices: Choices, *, default: str | None) -> str:
        self._say(message)
        for n, (cid, label) in enumerate(choices, start=1):
            self._say(
                f"  {n}. {_flat(label)}" + ("  (Enter alone picks this)" if cid == default else "")
            )
        while True:
            typed = self._line("Type a number and press Enter:\n> ")
            picked = default if not typed else _number(typed, len(choices))
            if picked is None:
                self._refuse(f"Type a number from 1 to {len(choices)}.")
                continue
            cid = picked if isinstance(picked, str) else choices[picked - 1][0]
            self._picked(choices, [cid])
            return cid

    def checkbox(
        self, message: str, choices: Choices, *, default: Sequence[str], validate: ValidateMany
    ) -> list[str]:
        self._say(message)
        for n, (cid, label) in enumerate(choices, start=1):
            self._say(f"  {n}. {_flat(label)}" + ("  (picked)" if cid in default else ""))
        while True:
            typed = self._line(
                "Type the numbers that fit, with commas between them "
                "(like 1, 3). Press Enter alone for none:\n> "
            )
            if not typed and default:
                typed = ", ".join(str(n) for n, (cid, _) in enumerate(choices, 1) if cid in default)
            numbers = [_number(p, len(choices)) for p in typed.replace(",", " ").split()]
            if None in numbers:
                self._refuse(f"Use numbers from 1 to {len(choices)}, like 1, 3.")
                continue
            picked = list(dict.fromkeys(choices[n - 1][0] for n in numbers if n is not None))
            problem = validate(picked)
            if problem is None:
                self._picked(choices, picked)
                return picked
            self._refuse(problem)

    def _picked(self, choices: Choices, picked: Sequence[str]) -> None:
        """Say what was picked, so a screen reader says it back."""
        labels = dict(choices)
        self._say("Picked: " + (", ".join(_flat(labels[c]) for c in picked) or "none"))

    def confirm(self, message: str, *, default: bool) -> bool:
        hint = "Y/n" if default else "y/N"
        while True:
            typed = self._line(f"{message} ({hint})\n> ").lower()
            if not typed:
                return default
            if typed in ("y", "yes"):
                return True
            if typed in ("n", "no"):
                return False
            self._refuse("Type y for yes or n for no.")


def _number(typed: str, count: int) -> int | None:
    """The choice number typed, if it is one from 1 to ``count``."""
    if typed.isascii() and typed.isdigit() and len(typed) <= 6:
        number = int(typed)
        return number if 1 <= number <= count else None
    return None


def _flat(text: str) -> str:
    """Clean text on one line, for a label or a default shown in brackets."""
    return clean_text(text).replace("\n", " ")


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def confirm_at_terminal(question: str) -> bool:
    """Ask a yes/no question at the terminal, default no; refuse when there is none."""
    import sys

    if not sys.stdin.isatty():
        from screening.core.errors import BadInputError

        raise BadInputError("no terminal to confirm on: add --yes")
    import typer

    return bool(typer.confirm(question, default=False))
