"""Asking a person things in a terminal. The only place that imports the prompt library.

Two prompters with one interface: ``QuestionaryPrompter`` (arrow keys, inline validation) and
``PlainPrompter`` (numbered choices and typed lines, for screen readers and pipes). Both raise
KeyboardInterrupt on Ctrl-C and EOFError when input ends. Both speak from a catalog (``say``):
their instructions, yes and no, and the keys and words that mean yes and no.
``KioskPrompter`` adds what a kiosk needs: prompts that time out, a hidden staff word, a
passphrase, a clean screen.
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from screening.core.catalog import ENGLISH, Catalog
from screening.core.errors import InputRefused
from screening.core.sanitize import clean_text, without_accents

if TYPE_CHECKING:
    import asyncio

    from prompt_toolkit.key_binding import KeyBindings

# The longest line a plain prompt reads; the rest of a longer line is read and refused.
MAX_LINE = 100_000
# Ctrl-O ("accept and get the next line of history") would end a choice with no answer.
NO_OP_KEYS = ("c-o",)
# At the kiosk only Ctrl-C and Ctrl-D ask to stop; Ctrl-Q (which a choice takes for Ctrl-C,
# and a typed answer for "insert the next key as it is"), Ctrl-Z and Ctrl-\ do nothing, and
# Ctrl-L does not clear the screen (a patient alone would lose the question's number and help).
KIOSK_NO_OP_KEYS = ("c-o", "c-q", "c-z", "c-\\", "c-l")
Validate = Callable[[str], str | None]
ValidateMany = Callable[[list[str]], str | None]
Choices = Sequence[tuple[str, str]]  # (id, label)


class Prompter(Protocol):
    """What the interview needs from a terminal."""

    say: Catalog  # the language of the prompts' own words

    def show(self, text: str, *, dim: bool = False) -> None: ...

    def text(self, message: str, *, default: str, validate: Validate) -> str: ...

    def select(self, message: str, choices: Choices, *, default: str | None) -> str: ...

    def checkbox(
        self, message: str, choices: Choices, *, default: Sequence[str], validate: ValidateMany
    ) -> list[str]: ...

    def confirm(self, message: str, *, default: bool) -> bool: ...


class QuestionaryPrompter:
    """Full-screen-free prompts with arrow keys, built on questionary."""

    def __init__(self, input: Any = None, output: Any = None, say: Catalog = ENGLISH) -> None:
        import questionary
        from prompt_toolkit import print_formatted_text
        from prompt_toolkit.formatted_text import FormattedText

        self.say = say
        self._q = questionary
        self._print = print_formatted_text
        self._formatted = FormattedText
        self._io: dict[str, Any] = {k: v for k, v in (("input", input), ("output", output)) if v}
        self._style = questionary.Style([("qmark", ""), ("instruction", "italic")])

    def _run(self, question: Any, extra: Any = None) -> Any:
        return self._run_app(question.application, extra)

    def _run_app(self, app: Any, extra: Any = None) -> Any:
        _add_keys(app, _quiet(NO_OP_KEYS), extra)
        return app.run()

    def show(self, text: str, *, dim: bool = False) -> None:
        style = "italic" if dim else ""
        self._print(self._formatted([(style, clean_text(text))]), output=self._io.get("output"))

    def text(self, message: str, *, default: str, validate: Validate) -> str:
        def check(value: str) -> bool | str:
            return validate(value) or True

        answer: str = self._run(
            self._q.text(
                fit(clean_text(message)),
                default=clean_text(default),
                validate=check,
                qmark="",
                style=self._style,
                **self._io,
            )
        )
        return answer

    def select(self, message: str, choices: Choices, *, default: str | None) -> str:
        options = [
            self._q.Choice(title=fit(_flat(label), indent=3), value=cid) for cid, label in choices
        ]
        picked = next((o for o in options if o.value == default), None)
        # With one choice there is nothing to move between: Enter alone is the answer.
        instruction = self.say("select_instruction") if len(options) > 1 else " "
        answer: str = self._run(
            self._q.select(
                fit(clean_text(message), room=len(instruction)),
                choices=options,
                default=picked,
                qmark="",
                style=self._style,
                instruction=instruction,
                **self._io,
            )
        )
        return answer

    def checkbox(
        self, message: str, choices: Choices, *, default: Sequence[str], validate: ValidateMany
    ) -> list[str]:
        options = [
            self._q.Choice(title=fit(_flat(label), indent=5), value=cid, checked=cid in default)
            for cid, label in choices
        ]
        instruction = self.say("checkbox_instruction")

        def check(values: list[str]) -> bool | str:
            return validate(values) or True

        answer: list[str] = self._run(
            self._q.checkbox(
                fit(clean_text(message), room=len(instruction)),
                choices=options,
                validate=check,
                qmark="",
                style=self._style,
                instruction=instruction,
                # The library then says "done (2 selections)" in English: show the picks instead.
                erase_when_done=True,
                **self._io,
            )
        )
        labels = dict(choices)
        picked = "; ".join(_flat(labels[a]) for a in answer) or self.say("none_picked")
        self.show(" " + fit(f"{clean_text(message)} {picked}"))
        return answer

    def confirm(self, message: str, *, default: bool) -> bool:
        """Yes or no with one key (y or n in English, s or n in Spanish), Enter for the default."""
        from prompt_toolkit import PromptSession
        from prompt_toolkit.formatted_text import StyleAndTextTuples
        from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
        from prompt_toolkit.keys import Keys
        from questionary.styles import merge_styles_default

        say, message = self.say, clean_text(message)
        said: list[str] = []  # "yes" or "no", once answered: shown after the question
        hint = say("yes_no_hint" if default else "no_yes_hint")

        def tokens() -> StyleAndTextTuples:
            if said:
                return [("class:question", f" {message} "), ("class:answer", say(said[0]))]
            return [("class:question", f" {message} "), ("class:instruction", f"{hint} ")]

        def answer(value: bool) -> Callable[[KeyPressEvent], None]:
            def done(event: KeyPressEvent) -> None:
                said.append("yes" if value else "no")
                event.app.exit(result=value)

            return done

        keys = KeyBindings()
        for value, letters in ((True, say("yes_keys")), (False, say("no_keys"))):
            for letter in {*letters.lower(), *letters.upper()}:
                keys.add(letter)(answer(value))
        keys.add(Keys.ControlM, eager=True)(answer(default))

        @keys.add(Keys.ControlC, eager=True)
        def _stop(event: KeyPressEvent) -> None:
            event.app.exit(exception=KeyboardInterrupt, style="class:aborting")

        @keys.add(Keys.Any)
        def _other(event: KeyPressEvent) -> None:
            """Nothing else is typed."""

        style = merge_styles_default([self._style])
        session: PromptSession[bool] = PromptSession(
            tokens, key_bindings=keys, style=style, **self._io
        )
        return bool(self._run_app(session.app))


def fit(text: str, *, indent: int = 0, room: int = 0) -> str:
    """Wrapped at word boundaries to the terminal's width, later lines indented by ``indent``
    (to stay under a choice's pointer); when the last line leaves no ``room`` for what the
    library adds after it (an instruction), that goes on a line of its own."""
    width = max(40, shutil.get_terminal_size((80, 24)).columns - 2) - indent
    lines = [line for para in text.split("\n") for line in (textwrap.wrap(para, width) or [""])]
    if room and len(lines[-1]) + room + 1 > width:
        lines.append("")
    return ("\n" + " " * indent).join(lines)


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

    def _run_app(self, app: Any, extra: Any = None) -> Any:
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

    def __init__(
        self,
        stdin: TextIO,
        stdout: TextIO,
        say: Catalog = ENGLISH,
        *,
        script: bool | None = None,
    ) -> None:
        self._in, self._out = stdin, stdout
        self.say = say
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
            self._refuse(self.say("line_too_long", n=f"{MAX_LINE:,}"))

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
            mark = f"  {self.say('enter_picks_this')}" if cid == default else ""
            self._say(f"  {n}. {_flat(label)}{mark}")
        while True:
            typed = self._line(f"{self.say('type_a_number')}\n> ")
            picked = default if not typed else _number(typed, len(choices))
            if picked is None:
                self._refuse(self.say("number_from_1", n=len(choices)))
                continue
            cid = picked if isinstance(picked, str) else choices[picked - 1][0]
            self._picked(choices, [cid])
            return cid

    def checkbox(
        self, message: str, choices: Choices, *, default: Sequence[str], validate: ValidateMany
    ) -> list[str]:
        self._say(message)
        for n, (cid, label) in enumerate(choices, start=1):
            mark = f"  {self.say('picked')}" if cid in default else ""
            self._say(f"  {n}. {_flat(label)}{mark}")
        while True:
            typed = self._line(f"{self.say('type_numbers')}\n> ")
            if not typed and default:
                typed = ", ".join(str(n) for n, (cid, _) in enumerate(choices, 1) if cid in default)
            numbers = [_number(p, len(choices)) for p in typed.replace(",", " ").split()]
            if None in numbers:
                self._refuse(self.say("numbers_from_1", n=len(choices)))
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
        items = ", ".join(_flat(labels[c]) for c in picked) or self.say("nothing")
        self._say(self.say("picked_line", items=items))

    def confirm(self, message: str, *, default: bool) -> bool:
        hint = self.say("yes_no_hint" if default else "no_yes_hint")
        yes, no = _words(self.say("yes_words")), _words(self.say("no_words"))
        while True:
            typed = without_accents(self._line(f"{message} {hint}\n> ").lower())
            if not typed:
                return default
            if typed in yes:
                return True
            if typed in no:
                return False
            self._refuse(self.say("type_y_or_n"))


def _words(listed: str) -> set[str]:
    """'s, sí, si' as the words a person may type, accents folded."""
    return {without_accents(w.strip().lower()) for w in listed.split(",") if w.strip()}


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
