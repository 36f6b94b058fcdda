"""The command line: typer only. Each command parses its options, makes one call into
``app/`` and prints. Errors become messages and exit codes here, and only here."""

# Annotations stay real (no __future__ import): typer reads every command's options at each
# start, and would otherwise compile and evaluate each annotation from its text.
import gc

# A short-lived command makes many objects at start-up and frees few: collecting them only
# costs time. Collection comes back, with what exists so far frozen, when a command runs.
gc.disable()

import contextlib
import datetime as dt
import errno
import io
import os
import sys
import warnings
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from typer.core import TyperCommand, TyperGroup

from screening import __version__
from screening.adapters import locations
from screening.core.errors import (
    EXIT_BROKEN_PIPE,
    EXIT_INPUT_ENDED,
    EXIT_INTERNAL,
    EXIT_STOPPED,
    BadInputError,
    OutputError,
    ScreeningError,
)
from screening.core.sanitize import clean_text

if TYPE_CHECKING:
    from screening.adapters.store import Store


F = TypeVar("F", bound=Callable[..., Any])
# Click's own classes, found from those typer exports: typer vendors click from 0.29 on.
_CLICK = {c.__name__: c for c in typer.BadParameter.__mro__}
_ClickException: Any = _CLICK["ClickException"]
_UsageError: Any = _CLICK["UsageError"]


def _debug() -> bool:
    return bool(os.environ.get("SCREENING_DEBUG"))


def report(exc: BaseException) -> int:
    """The one way out: print what went wrong (each line cleaned of control characters) and
    return the exit code. Every error of every command, and click's own, passes here."""
    from screening.adapters import streams

    if isinstance(exc, BrokenPipeError) or getattr(exc, "errno", None) == errno.EPIPE:
        streams.silence_stdout()  # the reader went away: stop quietly, like other tools
        return EXIT_BROKEN_PIPE
    if isinstance(exc, OSError) and exc.filename is None and exc.strerror:
        # Not a file this tool named (those are caught where they are opened): a stream.
        exc = OutputError(f"could not write the output ({exc.strerror})")
    if isinstance(exc, ScreeningError):
        lines, code = [f"screening: {line}" for line in exc.lines()], exc.exit_code
    elif isinstance(exc, _ClickException):  # usage errors: click's usage line and message
        shown = io.StringIO()
        exc.show(file=shown)
        lines, code = shown.getvalue().rstrip("\n").split("\n"), exc.exit_code
    elif isinstance(exc, typer.Abort | EOFError):
        lines, code = ["screening: input ended"], EXIT_INPUT_ENDED
    elif isinstance(exc, KeyboardInterrupt):
        lines, code = [], EXIT_STOPPED
    else:
        if _debug():
            raise exc
        # The exception's own text may carry an answer; only its type is shown.
        lines = [
            f"screening: internal error ({type(exc).__name__}). This is a bug; "
            "run again with SCREENING_DEBUG=1 for details."
        ]
        code = EXIT_INTERNAL
    _to_stderr(lines)
    return code


def _to_stderr(lines: list[str]) -> None:
    with contextlib.suppress(OSError, ValueError, AttributeError):
        for line in lines:
            sys.stderr.write(clean_text(line) + "\n")
        sys.stderr.flush()


class _UsageLine:
    """Every usage error of a command carries the command, so click prints its usage line
    (click leaves it out for an option given without its value)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            result: list[str] = super().parse_args(ctx, args)  # type: ignore[misc]
        except _UsageError as exc:
            if exc.ctx is None:
                exc.ctx, exc.cmd = ctx, ctx.command
            raise
        return result


class ScreeningCommand(_UsageLine, TyperCommand):
    """A command of the tool."""


class ScreeningGroup(_UsageLine, TyperGroup):
    """Runs every command through ``report``: one path from any error to its exit code."""

    def invoke(self, ctx: Any) -> Any:
        gc.freeze()
        gc.enable()
        try:
            return super().invoke(ctx)
        except (typer.Exit, _ClickException, KeyboardInterrupt):
            raise  # click's own: shown by main
        except Exception as exc:
            raise typer.Exit(report(exc)) from None

    def main(  # type: ignore[override]
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        from screening.adapters import streams

        streams.prepare()
        with warnings.catch_warnings():
            if not _debug():
                warnings.simplefilter("ignore")  # a library's warning may quote a file
            try:
                result = super().main(args, prog_name, complete_var, False, **extra)
                code = result if isinstance(result, int) else 0
                streams.flush_stdout()
            except SystemExit:
                raise
            except BaseException as exc:
                code = report(exc)
        note = streams.replaced_note()
        if note:
            _to_stderr([f"screening: {note}"])
        if standalone_mode:
            sys.exit(code)
        return code


class ScreeningTyper(typer.Typer):
    """A typer app whose commands are ScreeningCommands."""

    def command(self, name: str | None = None, **kwargs: Any) -> Callable[[F], F]:
        kwargs.setdefault("cls", ScreeningCommand)
        return super().command(name, **kwargs)


def _records() -> Any:
    """The record filters, imported only by the commands that take them (start-up time)."""
    from screening.core import records

    return records


def _kiosk() -> Any:
    """The kiosk's rules, imported only by the kiosk command (start-up time)."""
    from screening.core import kiosk

    return kiosk


def _checked(parse: Callable[[str], object]) -> Callable[[str | None], str | None]:
    """An option callback: the value as given once ``parse`` takes it, else a usage error."""

    def check(value: str | None) -> str | None:
        if value is not None:
            try:
                parse(value)
            except BadInputError as exc:
                raise _UsageError(exc.message) from None
        return value

    return check


class ModeChoice(StrEnum):
    staff = "staff"
    patient = "patient"


class FormatChoice(StrEnum):
    text = "text"
    html = "html"
    md = "md"
    json = "json"
    pdf = "pdf"


class PaperChoice(StrEnum):
    a4 = "a4"
    letter = "letter"


class StatusChoice(StrEnum):
    in_progress = "in_progress"
    complete = "complete"


class ListFormat(StrEnum):
    table = "table"
    json = "json"


class ExportFormat(StrEnum):
    json = "json"
    fhir = "fhir"


def now() -> dt.datetime:
    """The clock every command reads (tests replace it)."""
    return dt.datetime.now(dt.UTC)


app = ScreeningTyper(
    cls=ScreeningGroup,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Chronic pain pre-screening. Not diagnostic: every summary ends with "
    "'Discuss with a specialist.'",
)

RulesOption = Annotated[
    Path | None,
    typer.Option(
        "--rules",
        metavar="DIR",
        help="Folder with questionnaire.yaml and rules.yaml (default: the packaged ones).",
    ),
]
StoreOption = Annotated[
    Path | None,
    typer.Option(
        "--store",
        metavar="PATH",
        help="The record store (default: $SCREENING_STORE, "
        "or screening.db in the user data folder).",
    ),
]
TemplatesOption = Annotated[
    Path | None,
    typer.Option(
        "--templates",
        metavar="DIR",
        help="Folder with the summary templates (default: the packaged ones).",
    ),
]
YesOption = Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")]


@contextlib.contextmanager
def open_store(given: Path | None, *, create: bool = False) -> "Iterator[Store]":
    """The record store the options name; reading commands never create one."""
    from screening.adapters.store import Store

    with Store.open(locations.store_path(given), create=create) as store:
        yield store


def _version(value: bool) -> None:
    if value:
        typer.echo(f"screening {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Chronic pain pre-screening. Not diagnostic."""


@app.command()
def interview(
    mode: Annotated[
        ModeChoice | None,
        typer.Option(
            "--mode",
            help="staff (the default) also asks identifiers and vital signs; patient asks "
            "the patient's questions only. With --resume: the record's own mode unless given.",
            show_default=False,
        ),
    ] = None,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume",
            help="Continue a stopped interview: the record ID given, or (staff) a choice of them. "
            "With --mode staff, also a patient's finished record: the staff questions still open.",
        ),
    ] = False,
    record_id: Annotated[
        str | None,
        typer.Argument(
            metavar="[ID]", show_default=False, help="With --resume: the record to continue."
        ),
    ] = None,
    answers: Annotated[
        Path | None,
        typer.Option(
            "--answers", metavar="FILE", help="Pre-fill answers from a JSON or YAML file."
        ),
    ] = None,
    plain: Annotated[
        bool,
        typer.Option(
            "--plain", help="Line-by-line prompts with numbered choices (screen readers, pipes)."
        ),
    ] = False,
    output_dir: Annotated[
        Path | None,
        typer.Option(
            "--output-dir",
            metavar="DIR",
            help="Also write the summary here (text and HTML). Without it no file is written, "
            "unless staff ask for one at the end.",
        ),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            metavar="LANG",
            help="The language the patient reads: en or es (default: $SCREENING_LANG, a "
            "resumed record's own, or asked on the opening screen in patient mode). The "
            "summary stays in English.",
        ),
    ] = None,
    rules: RulesOption = None,
    templates: TemplatesOption = None,
    store: StoreOption = None,
) -> None:
    """Ask the questions one at a time, then show the clinician's summary (staff)."""
    if record_id is not None and not resume:
        raise BadInputError(f"'{record_id}': a record ID goes with --resume")
    # Loading the interview (its modules, the prompts, the definitions) makes objects that
    # live as long as it does: no collection until the interview freezes them and starts.
    gc.disable()
    try:
        from screening.app.interview import InterviewOptions, run_interview

        terminal = sys.stdin.isatty()
        run_interview(
            InterviewOptions(
                mode=mode.value if mode else None,
                resume=record_id if record_id is not None else (True if resume else None),
                prefill_file=answers,
                plain=plain or not terminal,
                plain_reason=None if plain or terminal else "not a terminal",
                output_dir=output_dir,
                rules_dir=rules or locations.rules_dir(),
                templates_dir=templates or locations.templates_dir(),
                store_path=locations.store_path(store),
                language=lang,
            ),
            now,
        )
    finally:
        gc.enable()


@app.command()
def kiosk(
    idle: Annotated[
        str,
        typer.Option(
            "--idle",
            metavar="SECONDS|5m",
            help="A form left untouched this long asks 'Are you still there?'; with no answer "
            "in a minute it is saved as timed out and the screen cleared.",
            callback=_checked(lambda text: _kiosk().parse_duration(text)),
        ),
    ] = "5m",
    rules: RulesOption = None,
    templates: TemplatesOption = None,
    store: StoreOption = None,
) -> None:
    """Patient after patient on this terminal, each form saved as its own record. Staff set
    a passphrase first; only it leaves the kiosk (type 'staff' at the start screen)."""
    from screening.app.kiosk import KioskOptions, run_kiosk

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise BadInputError("the kiosk needs a terminal (standard input and output)")
    run_kiosk(
        KioskOptions(
            idle=_kiosk().parse_duration(idle),
            rules_dir=rules or locations.rules_dir(),
            templates_dir=templates or locations.templates_dir(),
            store_path=locations.store_path(store),
        ),
        now,
    )
    typer.echo("The kiosk is closed.")


@app.command()
def check(rules: RulesOption = None, templates: TemplatesOption = None) -> None:
    """Check the questionnaire, rules and templates; print each problem as FILE:LINE: message."""
    from screening.app.definitions import check_definitions

    typer.echo(
        check_definitions(rules or locations.rules_dir(), templates or locations.templates_dir())
    )


@app.command()
def questions(rules: RulesOption = None) -> None:
    """List the questions: id, type, who is asked, and the choice ids."""
    from screening.app.definitions import list_questions

    typer.echo(list_questions(rules or locations.rules_dir(), locations.cache_dir()))


@app.command()
def schema(
    output: Annotated[
        Path,
        typer.Option("--output", metavar="DIR", help="Where to write the two schema files."),
    ] = Path("schemas"),
) -> None:
    """Write the JSON Schemas of questionnaire.yaml and rules.yaml, for editors."""
    from screening.app.definitions import write_schemas

    for path in write_schemas(output):
        typer.echo(f"Schema written to {path}")
    typer.echo("Editors check keys with these; 'screening check' is the authority.")


@app.command()
def summary(
    record_id: Annotated[
        str | None,
        typer.Argument(metavar="[ID]", show_default=False, help="Reprint a stored record."),
    ] = None,
    answers: Annotated[
        Path | None,
        typer.Option(
            "--answers", metavar="FILE", help="JSON or YAML file of answers by question id."
        ),
    ] = None,
    fmt: Annotated[
        FormatChoice, typer.Option("--format", help="Output format.")
    ] = FormatChoice.text,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            metavar="PATH",
            help="Write to this file (a regular file, owner-only) instead of standard output; "
            "- means standard output.",
        ),
    ] = None,
    paper: Annotated[
        PaperChoice | None,
        typer.Option("--paper", help="With --format pdf: the paper size (default a4)."),
    ] = None,
    rules: RulesOption = None,
    templates: TemplatesOption = None,
    store: StoreOption = None,
) -> None:
    """Print the clinician's summary: for a stored record (ID) or a file of answers."""
    printed = fmt is FormatChoice.pdf
    # A PDF is the HTML summary, printed.
    chosen: Any = "html" if printed else fmt.value
    if (record_id is None) == (answers is None):
        raise BadInputError("give a record ID or --answers FILE (one of them)")
    if printed and output is None:
        raise BadInputError("--format pdf writes a file: add --output FILE")
    if paper is not None and not printed:
        raise BadInputError("--paper goes with --format pdf")
    if printed:
        from screening.app.printing import check_printing

        check_printing()
    templates_dir = templates or locations.templates_dir()
    if record_id is not None:
        from screening.app.summaries import reprint

        with open_store(store) as db:
            document = reprint(db, record_id, chosen, templates_dir)
    else:
        from screening.app.summaries import summary_from_file

        assert answers is not None
        document = summary_from_file(
            answers,
            chosen,
            rules_dir=rules or locations.rules_dir(),
            templates_dir=templates_dir,
            cache_dir=locations.cache_dir(),
            today=now().astimezone().date(),
        )
    if output is None or str(output) == "-":
        sys.stdout.write(document)
        return
    from screening.adapters.files import write_private

    if printed:
        from screening.app.printing import print_summary

        write_private(output, print_summary(document, (paper or PaperChoice.a4).value))
    else:
        write_private(output, document)
    typer.echo(f"Summary written to {output}", err=True)


def main(argv: list[str] | None = None) -> NoReturn:
    """Console entry point."""
    app(args=argv, prog_name="screening")
    raise SystemExit(0)  # pragma: no cover - typer exits itself


records_app = ScreeningTyper(
    cls=ScreeningGroup,
    no_args_is_help=True,
    rich_markup_mode=None,
    help="Stored screenings: list, show, add, amend, history, export, delete, purge.",
)
app.add_typer(records_app, name="records")


@records_app.command("list")
def records_list(
    status: Annotated[StatusChoice | None, typer.Option("--status")] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="DAY",
            help="Created on or after this local day: today, yesterday or YYYY-MM-DD.",
            callback=_checked(lambda text: _records().parse_since(text, now())),
        ),
    ] = None,
    fmt: Annotated[ListFormat, typer.Option("--format")] = ListFormat.table,
    no_identifiers: Annotated[
        bool,
        typer.Option(
            "--no-identifiers", help="Hide names and clinic IDs (for a screen others can see)."
        ),
    ] = False,
    store: StoreOption = None,
) -> None:
    """List records, oldest first, in local time."""
    from screening.adapters.tables import stream_table
    from screening.app.records import list_records

    with open_store(store) as db:
        listing = list_records(
            db,
            status=status.value if status else None,
            since=since,
            identifiers=not no_identifiers,
            now=now(),
            for_people=fmt is ListFormat.table,
        )
        if fmt is ListFormat.json:
            _write_lines(_json_array(listing.heads, listing.rows))
        else:
            _write_lines(stream_table(listing.heads, listing.widths, listing.rows))


def _json_array(heads: tuple[str, ...], rows: Iterator[tuple[Any, ...]]) -> Iterator[str]:
    """A JSON array, one object a line, made as the rows come."""
    import json

    yield "["
    previous = None
    for row in rows:
        if previous is not None:
            yield previous + ","
        previous = " " + json.dumps(dict(zip(heads, row, strict=True)), ensure_ascii=False)
    if previous is not None:
        yield previous
    yield "]"


def _write_lines(lines: Iterator[str]) -> None:
    """Print line by line, in blocks: a long list never sits in memory."""
    out = sys.stdout
    block: list[str] = []
    for line in lines:
        block.append(line)
        if len(block) >= 1000:
            out.write("\n".join(block) + "\n")
            block.clear()
    if block:
        out.write("\n".join(block) + "\n")
    out.flush()


@records_app.command("show")
def records_show(
    record_id: Annotated[str, typer.Argument(metavar="ID")], store: StoreOption = None
) -> None:
    """Show one record: answers, status, local times and the definitions it was answered
    against."""
    from screening.adapters.tables import table
    from screening.app.records import show_record

    with open_store(store) as db:
        facts, record = show_record(db, record_id)
    typer.echo("\n".join(f"{name}: {value}" for name, value in facts) + "\n")
    typer.echo(table([{"question": k, "answer": v} for k, v in record.answers.items()]))


@records_app.command("add")
def records_add(
    answers: Annotated[Path, typer.Option("--answers", metavar="FILE")],
    rules: RulesOption = None,
    templates: TemplatesOption = None,
    store: StoreOption = None,
) -> None:
    """Check a complete answers file and keep it as a complete record; print its id."""
    from screening.app.records import add_record

    with open_store(store, create=True) as db:
        record = add_record(
            db,
            answers,
            rules_dir=rules or locations.rules_dir(),
            templates_dir=templates or locations.templates_dir(),
            cache_dir=locations.cache_dir(),
            now=now(),
        )
    typer.echo(record.id)


@records_app.command("amend")
def records_amend(
    record_id: Annotated[str, typer.Argument(metavar="ID")],
    plain: Annotated[
        bool,
        typer.Option("--plain", help="Line-by-line prompts with numbered choices."),
    ] = False,
    templates: TemplatesOption = None,
    store: StoreOption = None,
) -> None:
    """Change a complete record (staff): its review screen, and the staff questions still
    open. Every change is kept in its history."""
    from screening.app.interview import amend_record

    terminal = sys.stdin.isatty()
    amend_record(
        locations.store_path(store),
        record_id,
        now,
        templates_dir=templates or locations.templates_dir(),
        plain=plain or not terminal,
        plain_reason=None if plain or terminal else "not a terminal",
    )


@records_app.command("history")
def records_history(
    record_id: Annotated[str, typer.Argument(metavar="ID")], store: StoreOption = None
) -> None:
    """Every change to a complete record: when (local time), who, old and new answer."""
    from screening.adapters.tables import table
    from screening.app.records import history

    with open_store(store) as db:
        rows = history(db, record_id)
    typer.echo(table(rows) if rows else f"Record {record_id} has not been changed.")


@records_app.command("export")
def records_export(
    record_id: Annotated[str | None, typer.Argument(metavar="ID", show_default=False)] = None,
    all_records: Annotated[bool, typer.Option("--all", help="Every record.")] = False,
    fmt: Annotated[ExportFormat, typer.Option("--format")] = ExportFormat.json,
    identifiers: Annotated[
        bool,
        typer.Option(
            "--identifiers",
            help="With --format fhir: add the name and clinic ID, as a contained Patient.",
        ),
    ] = False,
    templates: TemplatesOption = None,
    store: StoreOption = None,
) -> None:
    """Answers and points as JSON, or a FHIR R4 Bundle; one line per record."""
    import json

    if (record_id is None) == (not all_records):
        raise BadInputError("give a record ID or --all (one of them)")
    if identifiers and fmt is not ExportFormat.fhir:
        raise BadInputError("--identifiers goes with --format fhir")
    fallback = templates or locations.templates_dir()
    if fmt is ExportFormat.fhir:
        from screening.app.fhir import fhir, fhir_bundles

        fhir()  # says what to install before the store is opened
        with open_store(store) as db:
            for bundle in fhir_bundles(db, record_id, fallback, identifiers=identifiers):
                typer.echo(json.dumps(bundle, ensure_ascii=False))
        return
    from screening.app.records import export_records

    with open_store(store) as db:
        records = export_records(db, record_id, fallback)
        _write_lines(json.dumps(data, ensure_ascii=False) for data in records)


def _confirmer(yes: bool) -> Any:
    from screening.adapters.prompts import confirm_at_terminal

    return (lambda _question: True) if yes else confirm_at_terminal


def _report(removal: Any, db: "Store") -> None:
    """Say what a delete or purge did; exit 75 if the deleted data still waits in the log."""
    from screening.core.errors import WipePending

    if removal.removed is None:
        typer.echo("Nothing deleted.")
        return
    n = removal.removed
    typer.echo(f"Deleted {n} record{'s' if n != 1 else ''}.")
    if not removal.wiped:
        raise WipePending(
            f"{db.path}: the deleted data is not yet cleared from the store's file and log, "
            "because another program is reading the store. Close it, then run any screening "
            "command on this store (like 'screening records list'): that clears it"
        )


@records_app.command("delete")
def records_delete(
    record_id: Annotated[str, typer.Argument(metavar="ID")],
    yes: YesOption = False,
    store: StoreOption = None,
) -> None:
    """Delete one record for good, with its history and any copy the tool made of it."""
    from screening.app.records import delete_record

    with open_store(store) as db:
        _report(delete_record(db, record_id, _confirmer(yes), _copies()), db)


@records_app.command("purge")
def records_purge(
    older_than: Annotated[
        str,
        typer.Option(
            "--older-than",
            metavar="AGE",
            help="Like 30d or 6w, counted from now.",
            callback=_checked(lambda text: _records().parse_age(text)),
        ),
    ],
    yes: YesOption = False,
    store: StoreOption = None,
) -> None:
    """Delete every record created more than AGE ago (the clinic's retention period)."""
    from screening.app.records import purge_records

    with open_store(store) as db:
        _report(purge_records(db, older_than, now(), _confirmer(yes), _copies()), db)


def _copies() -> Path:
    """Where earlier versions wrote summaries on their own, to remove with their record."""
    return locations.data_dir() / "summaries"


fhir_app = typer.Typer(
    cls=ScreeningGroup,
    no_args_is_help=True,
    rich_markup_mode=None,
    help="FHIR R4: the questionnaire as a Questionnaire (records export --format fhir "
    "writes responses).",
)
app.add_typer(fhir_app, name="fhir")


@fhir_app.command("questionnaire")
def fhir_questionnaire(rules: RulesOption = None) -> None:
    """Print the questionnaire as a FHIR R4 Questionnaire (JSON)."""
    import json

    from screening.app.fhir import fhir_questionnaire as make

    typer.echo(json.dumps(make(rules or locations.rules_dir()), indent=2, ensure_ascii=False))
