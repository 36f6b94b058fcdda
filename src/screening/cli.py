"""The command line: typer only. Each command parses its options, makes one call into
``app/`` and prints. Errors become messages and exit codes here, and only here."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from screening import __version__
from screening.adapters import locations
from screening.core.errors import EXIT_INTERNAL, BadInputError, ScreeningError

if TYPE_CHECKING:
    from screening.adapters.store import Store


# Click's own errors (a bad option value: exit 2 with the usage line) pass through. Typer
# vendors click from 0.29 on, so the class is found from the one typer exports.
_PASS_THROUGH: tuple[type[BaseException], ...] = (
    typer.Exit,
    typer.Abort,
    KeyboardInterrupt,
    *(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException"),
)


class ScreeningGroup(TyperGroup):
    """Turns the tool's errors into one-line messages and exit codes, for every command."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except ScreeningError as exc:
            for line in exc.lines():
                typer.echo(f"screening: {line}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except _PASS_THROUGH:
            raise
        except Exception as exc:
            if os.environ.get("SCREENING_DEBUG"):
                raise
            # The exception's own text may carry an answer; only its type is shown.
            typer.echo(
                f"screening: internal error ({type(exc).__name__}). This is a bug; "
                "run again with SCREENING_DEBUG=1 for details.",
                err=True,
            )
            raise typer.Exit(EXIT_INTERNAL) from None


class ModeChoice(StrEnum):
    staff = "staff"
    patient = "patient"


class FormatChoice(StrEnum):
    text = "text"
    html = "html"
    md = "md"
    json = "json"


class StatusChoice(StrEnum):
    in_progress = "in_progress"
    complete = "complete"


class ListFormat(StrEnum):
    table = "table"
    json = "json"


class ExportFormat(StrEnum):
    json = "json"


def now() -> dt.datetime:
    """The clock every command reads (tests replace it)."""
    return dt.datetime.now(dt.UTC)


app = typer.Typer(
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
def open_store(given: Path | None, *, create: bool = False) -> Iterator[Store]:
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
        ModeChoice,
        typer.Option(
            "--mode",
            help="staff also asks identifiers "
            "and vital signs; patient asks the patient's "
            "questions only.",
        ),
    ] = ModeChoice.staff,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume", help="Continue a stopped interview: the record ID given, or the latest one."
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
            "--output-dir", metavar="DIR", help="Where to write the summary (text and HTML)."
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
    """Ask the questions one at a time, then write the clinician's summary."""
    from screening.app.interview import InterviewOptions, run_interview

    if record_id is not None and not resume:
        raise BadInputError(f"'{record_id}': a record ID goes with --resume")
    terminal = sys.stdin.isatty()
    run_interview(
        InterviewOptions(
            mode=mode.value,
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

    typer.echo(list_questions(rules or locations.rules_dir()))


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
            "--output", metavar="PATH", help="Write here (owner-only) instead of standard output."
        ),
    ] = None,
    rules: RulesOption = None,
    templates: TemplatesOption = None,
    store: StoreOption = None,
) -> None:
    """Print the clinician's summary: for a stored record (ID) or a file of answers."""
    chosen: Any = fmt.value
    if (record_id is None) == (answers is None):
        raise BadInputError("give a record ID or --answers FILE (one of them)")
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
    if output is None:
        sys.stdout.write(document)
    else:
        from screening.adapters.files import write_private

        write_private(output, document)
        typer.echo(f"Summary written to {output}", err=True)


def main(argv: list[str] | None = None) -> NoReturn:
    """Console entry point."""
    app(args=argv, prog_name="screening")
    raise SystemExit(0)  # pragma: no cover - typer exits itself


records_app = typer.Typer(
    cls=ScreeningGroup,
    no_args_is_help=True,
    rich_markup_mode=None,
    help="Stored screenings: list, show, add, export, delete, purge.",
)
app.add_typer(records_app, name="records")


@records_app.command("list")
def records_list(
    status: Annotated[StatusChoice | None, typer.Option("--status")] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", metavar="DATE", help="Created on or after (YYYY-MM-DD)."),
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
    """List records, oldest first."""
    import json

    from screening.adapters.tables import table
    from screening.app.records import list_records

    with open_store(store) as db:
        rows = list_records(
            db, status=status.value if status else None, since=since, identifiers=not no_identifiers
        )
    typer.echo(
        json.dumps(rows, indent=1, ensure_ascii=False) if fmt is ListFormat.json else table(rows)
    )


@records_app.command("show")
def records_show(
    record_id: Annotated[str, typer.Argument(metavar="ID")], store: StoreOption = None
) -> None:
    """Show one record: answers, status and the definitions it was answered against."""
    from screening.adapters.tables import table

    with open_store(store) as db:
        r = db.get(record_id)
    typer.echo(
        f"id: {r.id}\nstatus: {r.status}\nmode: {r.mode}\ncreated: {r.created}\n"
        f"updated: {r.updated}\nlanguage: {r.language}\ndefinitions: {r.definitions_hash}\n"
    )
    typer.echo(table([{"question": k, "answer": v} for k, v in r.answers.items()]))


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


@records_app.command("export")
def records_export(
    record_id: Annotated[str | None, typer.Argument(metavar="ID", show_default=False)] = None,
    all_records: Annotated[bool, typer.Option("--all", help="Every record.")] = False,
    fmt: Annotated[ExportFormat, typer.Option("--format")] = ExportFormat.json,
    templates: TemplatesOption = None,
    store: StoreOption = None,
) -> None:
    """Answers and points as JSON, one line per record."""
    import json

    from screening.app.records import export_records

    if (record_id is None) == (not all_records):
        raise BadInputError("give a record ID or --all (one of them)")
    with open_store(store) as db:
        for data in export_records(db, record_id, templates or locations.templates_dir()):
            typer.echo(json.dumps(data, ensure_ascii=False))


def _confirmer(yes: bool) -> Any:
    from screening.adapters.prompts import confirm_at_terminal

    return (lambda _question: True) if yes else confirm_at_terminal


def _deleted(removed: int | None) -> str:
    if removed is None:
        return "Nothing deleted."
    return f"Deleted {removed} record{'s' if removed != 1 else ''}."


@records_app.command("delete")
def records_delete(
    record_id: Annotated[str, typer.Argument(metavar="ID")],
    yes: YesOption = False,
    store: StoreOption = None,
) -> None:
    """Delete one record for good."""
    from screening.app.records import delete_record

    with open_store(store) as db:
        typer.echo(_deleted(delete_record(db, record_id, _confirmer(yes))))


@records_app.command("purge")
def records_purge(
    older_than: Annotated[
        str, typer.Option("--older-than", metavar="AGE", help="Like 30d or 6w, counted from now.")
    ],
    yes: YesOption = False,
    store: StoreOption = None,
) -> None:
    """Delete every record created more than AGE ago (the clinic's retention period)."""
    from screening.app.records import purge_records

    with open_store(store) as db:
        typer.echo(_deleted(purge_records(db, older_than, now(), _confirmer(yes))))
