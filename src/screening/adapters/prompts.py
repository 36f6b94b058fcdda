"""Asking a person things in a terminal. The only place that imports the prompt library.

Two prompters with one interface: ``QuestionaryPrompter`` (arrow keys, inline validation) and
``PlainPrompter`` (numbered choices and typed lines, for screen readers and pipes). Both raise
KeyboardInterrupt on Ctrl-C and EOFError when input ends. ``KioskPrompter`` adds what a
kiosk needs: prompts that time out, a hidden staff word, a passphrase, a clean screen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from screening.core.errors import InputRefused
from screening.core.sanitize import clean_text

if TYPE_CHECKING:
    import asyncio

    from prompt_toolkit.key_binding import KeyBindings

# The longest line a plain prompt reads; the rest of a longer line is read and refused.
MAX_LINE = 100_000
# Ctrl-O ("accept and get the next line of history") would end a choice with no answer.
NO_OP_KEYS = ("c-o",)
# At the kiosk only Ctrl-C and Ctrl-D ask to stop; Ctrl-Q (which a choice takes for Ctrl-C,
# and a typed answer for "insert the next key as it is"), Ctrl-Z and Ctrl-\ do nothing.
KIOSK_NO_OP_KEYS = ("c-o", "c-q", "c-z", "c-\\")
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

    def _run(self, question: Any) -> Any:
        _add_keys(question.application, _quiet(NO_OP_KEYS))
        return question.unsafe_ask()

    def show(self, text: str, *, dim: bool = False) -> None:
        style = "italic" if dim else ""
        self._print(self._formatted([(style, clean_text(text))]), output=self._io.get("output"))

    def text(self, message: str, *, default: str, validate: Validate) -> str:
        def check(value: str) -> bool | str:
            return validate(value) or True

        question = self._q.text(
            clean_text(message),
            default=clean_text(default),
            validate=check,
            qmark="",
            style=self._style,
            **self._io,
        )
        answer: str = self._run(question)
        return answer

    def select(self, message: str, choices: Choices, *, default: str | None) -> str:
        options = [self._q.Choice(title=_flat(label), value=cid) for cid, label in choices]
        picked = next((o for o in options if o.value == default), None)
        question = self._q.select(
            clean_text(message),
            choices=options,
            default=picked,
            qmark="",
            style=self._style,
            instruction="(arrow keys, then Enter)" if len(choices) > 1 else " ",
            **self._io,
        )
        answer: str = self._run(question)
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

        question = self._q.checkbox(
            clean_text(message),
            choices=options,
            validate=check,
            qmark="",
            style=self._style,
            instruction="(Space to pick, Enter when done)",
            **self._io,
        )
        answer: list[str] = self._run(question)
        return answer

    def confirm(self, message: str, *, default: bool) -> bool:
        question = self._q.confirm(
            clean_text(message), default=default, qmark="", style=self._style, **self._io
        )
        return bool(self._run(question))


class IdleTimeout(Exception):
    """A kiosk prompt sat untouched for its time."""


class KioskPrompter(QuestionaryPrompter):
    """The kiosk's prompts. Each one gives up with IdleTimeout after ``idle`` seconds without
    a key (None: it waits); Ctrl-D asks to stop as Ctrl-C does, Ctrl-Z and Ctrl-\\ do nothing,
    and a SIGINT from outside is left to the kiosk's own handling.

    A timer on the prompt's own event loop, restarted by every key, exits the prompt with
    IdleTimeout: the prompt runs as usual in this thread, and nothing is left running after
    it, unlike a thread or a task around ``ask_async``."""

    def __init__(self, input: Any = None, output: Any = None) -> None:
        super().__init__(input, output)
        self.idle: float | None = None

    def _run(self, question: Any, extra: Any = None) -> Any:
        app = question.application
        keys = _quiet(KIOSK_NO_OP_KEYS)

        @keys.add("c-d", eager=True)
        def _stop(event: Any) -> None:
            event.app.exit(exception=KeyboardInterrupt, style="class:aborting")

        _add_keys(app, keys, extra)
        timer = _IdleTimer(app, self.idle) if self.idle else None
        try:
            return app.run(handle_sigint=False)
        finally:
            if timer:
                timer.cancel()

    def start(self, message: str, choices: Choices, *, word: str) -> str:
        """The start screen: a choice, or ``word`` when it is typed there (nothing shows)."""
        from prompt_toolkit.key_binding import KeyBindings

        options = [self._q.Choice(title=_flat(label), value=cid) for cid, label in choices]
        question = self._q.select(
            clean_text(message),
            choices=options,
            qmark="",
            style=self._style,
            instruction=" ",
            use_jk_keys=False,
            **self._io,
        )
        keys = KeyBindings()

        @keys.add(*word)
        def _word(event: Any) -> None:
            event.app.exit(result=word)

        answer: str = self._run(question, keys)
        return answer

    def password(self, message: str) -> str:
        """A typed secret, shown as stars."""
        question = self._q.password(clean_text(message), qmark="", style=self._style, **self._io)
        answer: str = self._run(question)
        return answer

    def clear(self) -> None:
        """Clear the screen and its scroll-back: nothing shown before can be scrolled to."""
        from prompt_toolkit.output.defaults import create_output

        out = self._io.get("output") or create_output()
        # Some terminals push a cleared screen into the scroll-back: clear that after too.
        out.write_raw("\x1b[0m\x1b[3J")
        out.erase_screen()
        out.cursor_goto(0, 0)
        out.write_raw("\x1b[3J")
        out.flush()


def _quiet(names: Sequence[str]) -> KeyBindings:
    """Key bindings that make these keys do nothing."""
    from prompt_toolkit.key_binding import KeyBindings

    keys = KeyBindings()
    for name in names:
        keys.add(name, eager=True)(lambda event: None)
    return keys


def _add_keys(app: Any, *extra: Any) -> None:
    """Bindings over the prompt's own: the later ones win."""
    from prompt_toolkit.key_binding import merge_key_bindings

    app.key_bindings = merge_key_bindings([b for b in (app.key_bindings, *extra) if b])


class _IdleTimer:
    """Exits a running prompt with IdleTimeout after ``seconds`` without a key."""

    def __init__(self, app: Any, seconds: float) -> None:
        self._app, self._seconds = app, seconds
        self._handle: asyncio.TimerHandle | None = None
        app.pre_run_callables.append(self._restart)
        app.key_processor.before_key_press += self._restart

    def _restart(self, _sender: object = None) -> None:
        import asyncio

        self.cancel()
        self._handle = asyncio.get_running_loop().call_later(self._seconds, self._fire)

    def _fire(self) -> None:
        if self._app.is_running and not self._app.is_done:
            self._app.exit(exception=IdleTimeout())

    def cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None


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
