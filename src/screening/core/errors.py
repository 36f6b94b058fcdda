"""The one error hierarchy, each error with its exit code; the CLI turns them into messages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from screening.core.values import Value

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_INPUT_ENDED = 3
EXIT_INTERNAL = 70
EXIT_TRY_AGAIN = 75
EXIT_STOPPED = 130
EXIT_BROKEN_PIPE = 141  # as a shell reports a tool whose reader went away (128 + SIGPIPE)


@dataclass(frozen=True, eq=False, repr=False)
class Problem(Value):
    """One thing wrong, and where: a file and line, or a question or rule id."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class ScreeningError(Exception):
    """Base of every error the tool reports to a person instead of a traceback."""

    exit_code = 1

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = tuple(problems)

    def lines(self) -> list[str]:
        """The lines to print: one per problem, or the message alone."""
        if self.problems:
            return [str(p) for p in self.problems]
        return [self.message]


class BadInputError(ScreeningError):
    """Something a person or a clinic supplied is wrong (exit 2)."""

    exit_code = EXIT_BAD_INPUT


class DefinitionError(BadInputError):
    """The questionnaire, rules or templates are invalid."""


class AnswersError(BadInputError):
    """An answers file, or an answer, does not fit the questionnaire."""


class DecisionLanguageError(BadInputError):
    """A summary would carry decision language; it is refused, not emitted."""


class OutputError(ScreeningError):
    """The summary could not be written where asked."""

    exit_code = EXIT_BAD_INPUT


class StoreError(BadInputError):
    """The record store cannot be used as it is (exit 2)."""


class StoreBusy(ScreeningError):
    """Another program holds the store longer than the wait allows; try again (exit 75)."""

    exit_code = EXIT_TRY_AGAIN


class RecordOpenElsewhere(BadInputError):
    """Another desk has the record open (exit 2): finish or stop it there first."""


class RecordTaken(BadInputError):
    """This desk lost the record to another one; nothing more was saved (exit 2)."""


class RecordDeleted(BadInputError):
    """The record was deleted while it was open; nothing more was saved (exit 2)."""


class WipePending(ScreeningError):
    """Records were deleted, but a reader kept their old copy in the store's log (exit 75);
    the next time the store is opened clears it."""

    exit_code = EXIT_TRY_AGAIN


class InterviewStopped(ScreeningError):
    """The person chose to stop; what they answered is saved (exit 130, as for Ctrl-C)."""

    exit_code = EXIT_STOPPED


class InputRefused(BadInputError):
    """A line of scripted input (plain mode from a pipe) was refused: the interview stops
    there, rather than put every later line under the wrong question; answers are saved."""


class InputEnded(ScreeningError):
    """Input ended (Ctrl-D, a closed terminal or pipe) before the end; answers are saved."""

    exit_code = EXIT_INPUT_ENDED


class MissingDependency(ScreeningError):
    """A feature needs something that is not installed; the message says what (exit 2)."""

    exit_code = EXIT_BAD_INPUT
