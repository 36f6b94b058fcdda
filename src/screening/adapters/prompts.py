"""Asking a person things in a terminal. The only place that imports the prompt library.

Two prompters with one interface: ``QuestionaryPrompter`` (arrow keys, inline validation) and
``PlainPrompter`` (numbered choices and typed lines, for screen readers and pipes). Both raise
KeyboardInterrupt on Ctrl-C and EOFError when input ends.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, TextIO

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
        self._print(self._formatted([(style, text)]), output=self._io.get("output"))

    def text(self, message: str, *, default: str, validate: Validate) -> str:
        def check(value: str) -> bool | str:
            return validate(value) or True

        answer: str = self._q.text(
            message, default=default, validate=check, qmark="", style=self._style, **self._io
        ).unsafe_ask()
        return answer

    def select(self, message: str, choices: Choices, *, default: str | None) -> str:
        options = [self._q.Choice(title=label, value=cid) for cid, label in choices]
        picked = next((o for o in options if o.value == default), None)
        answer: str = self._q.select(
            message,
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
            self._q.Choice(title=label, value=cid, checked=cid in default) for cid, label in choices
        ]

        def check(values: list[str]) -> bool | str:
            return validate(values) or True

        answer: list[str] = self._q.checkbox(
            message,
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
            message, default=default, qmark="", style=self._style, **self._io
        ).unsafe_ask()
        return answer


class PlainPrompter:
    """Line by line: no cursor movement, no colour; numbered choices; works from a pipe."""

    def __init__(self, stdin: TextIO, stdout: TextIO) -> None:
        self._in, self._out = stdin, stdout

    def _say(self, text: str) -> None:
        self._out.write(text + "\n")
        self._out.flush()

    def _line(self, prompt: str) -> str:
        self._out.write(prompt)
        self._out.flush()
        line = self._in.readline()
        if not line:
            self._say("")
            raise EOFError
        return line.strip()

    def show(self, text: str, *, dim: bool = False) -> None:
        self._say(text)

    def text(self, message: str, *, default: str, validate: Validate) -> str:
        hint = f" [{default}]" if default else ""
        while True:
            typed = self._line(f"{message}{hint}\n> ") or default
            problem = validate(typed)
            if problem is None:
                return typed
            self._say(f"! {problem}")

    def select(self, message: str, choices: Choices, *, default: str | None) -> str:
        self._say(message)
        for n, (cid, label) in enumerate(choices, start=1):
            self._say(f"  {n}. {label}" + ("  (Enter alone picks this)" if cid == default else ""))
        while True:
            typed = self._line("Type a number and press Enter:\n> ")
            if not typed and default is not None:
                return default
            if typed.isdigit() and 1 <= int(typed) <= len(choices):
                return choices[int(typed) - 1][0]
            self._say(f"! Type a number from 1 to {len(choices)}.")

    def checkbox(
        self, message: str, choices: Choices, *, default: Sequence[str], validate: ValidateMany
    ) -> list[str]:
        self._say(message)
        for n, (cid, label) in enumerate(choices, start=1):
            self._say(f"  {n}. {label}" + ("  (picked)" if cid in default else ""))
        while True:
            typed = self._line(
                "Type the numbers that fit, with commas between them "
                "(like 1, 3). Press Enter alone for none:\n> "
            )
            if not typed and default:
                typed = ", ".join(str(n) for n, (cid, _) in enumerate(choices, 1) if cid in default)
            parts = [p for p in typed.replace(",", " ").split() if p]
            if not all(p.isdigit() and 1 <= int(p) <= len(choices) for p in parts):
                self._say(f"! Use numbers from 1 to {len(choices)}, like 1, 3.")
                continue
            picked = list(dict.fromkeys(choices[int(p) - 1][0] for p in parts))
            problem = validate(picked)
            if problem is None:
                return picked
            self._say(f"! {problem}")

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
            self._say("! Type y for yes or n for no.")


def confirm_at_terminal(question: str) -> bool:
    """Ask a yes/no question at the terminal, default no; refuse when there is none."""
    import sys

    if not sys.stdin.isatty():
        from screening.core.errors import BadInputError

        raise BadInputError("no terminal to confirm on: add --yes")
    import typer

    return bool(typer.confirm(question, default=False))
