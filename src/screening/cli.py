"""The command line: a thin layer over the core. Errors become messages here, and only here."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from screening import __version__, resources
from screening.errors import ScreeningError

INTERNAL_ERROR = 70


class ScreeningGroup(TyperGroup):
    """Turns the tool's errors into one-line messages and exit codes, for every command."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except ScreeningError as exc:
            for line in exc.lines():
                typer.echo(f"screening: {line}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            if os.environ.get("SCREENING_DEBUG"):
                raise
            # The exception's own text may carry an answer; only its type is shown.
            typer.echo(f"screening: internal error ({type(exc).__name__}). This is a bug; "
                       "run again with SCREENING_DEBUG=1 for details.", err=True)
            raise typer.Exit(INTERNAL_ERROR) from None


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
    typer.Option("--rules", metavar="DIR", help="Folder with questionnaire.yaml and rules.yaml "
                 "(default: the packaged ones)."),
]
StoreOption = Annotated[
    Path | None,
    typer.Option("--store", metavar="PATH", help="The record store (default: $SCREENING_STORE, "
                 "or screening.db in the user data folder)."),
]
TemplatesOption = Annotated[
    Path | None,
    typer.Option("--templates", metavar="DIR", help="Folder with the summary templates "
                 "(default: the packaged ones)."),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"screening {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True,
                           help="Show the version and exit.")
    ] = False,
) -> None:
    """Chronic pain pre-screening. Not diagnostic."""


@app.command()
def interview(
    mode: Annotated[str, typer.Option("--mode", metavar="staff|patient",
                                      help="staff (default) also asks identifiers and vital "
                                           "signs; patient asks the patient's questions only.")
                    ] = "staff",
    resume: Annotated[bool, typer.Option("--resume", help="Continue a stopped interview: the "
                                         "record ID given, or the latest one.")] = False,
    file: Annotated[str | None, typer.Argument(metavar="[ID]", show_default=False,
                                               help="With --resume: the record to continue.")
                    ] = None,
    answers: Annotated[Path | None, typer.Option("--answers", metavar="FILE",
                                                 help="Pre-fill answers from a JSON or YAML "
                                                      "file.")] = None,
    plain: Annotated[bool, typer.Option("--plain", help="Line-by-line prompts with numbered "
                                        "choices (screen readers, pipes).")] = False,
    output_dir: Annotated[Path | None, typer.Option("--output-dir", metavar="DIR",
                                                    help="Where to write the summary "
                                                         "(text and HTML).")] = None,
    rules: RulesOption = None,
    templates: TemplatesOption = None,
    store: StoreOption = None,
) -> None:
    """Ask the questions one at a time, then write the clinician's summary."""
    from screening.interview_run import run_interview

    if mode not in ("staff", "patient"):
        from screening.errors import BadInputError

        raise BadInputError(f"--mode: '{mode}' is not one of staff, patient")
    if file is not None and not resume:
        from screening.errors import BadInputError

        raise BadInputError(f"'{file}': a record ID goes with --resume")
    run_interview(
        mode=mode,  # type: ignore[arg-type]
        resume=file if file is not None else (True if resume else None),
        prefill_file=answers,
        plain=plain or not sys.stdin.isatty(),
        plain_reason=None if plain or sys.stdin.isatty() else "not a terminal",
        output_dir=output_dir,
        rules_dir=rules or resources.rules_dir(),
        templates_dir=templates or resources.templates_dir(),
        store_path=resources.store_path(store),
    )


@app.command()
def check(rules: RulesOption = None, templates: TemplatesOption = None) -> None:
    """Check the questionnaire, rules and templates; print each problem as FILE:LINE: message."""
    from screening.definitions import inspect_definitions
    from screening.errors import DefinitionError
    from screening.rendering import check_templates

    rules_dir = rules or resources.rules_dir()
    templates_dir = templates or resources.templates_dir()
    defs, problems = inspect_definitions(rules_dir)
    problems += check_templates(templates_dir)
    if problems or defs is None:
        raise DefinitionError("definitions have problems", problems)
    qn, rs = defs.questionnaire, defs.ruleset
    typer.echo(
        f"OK: {len(qn.questions)} questions, {len(rs.rules)} rules, {len(rs.sources)} sources, "
        f"criteria {', '.join(c.id for c in rs.criteria)} covered ({rules_dir})"
    )


@app.command()
def questions(rules: RulesOption = None) -> None:
    """List the questions: id, type, who is asked, and the choice ids."""
    from screening.definitions import load_definitions
    from screening.display import number

    defs = load_definitions(rules or resources.rules_dir())
    qn = defs.questionnaire
    for q in qn.questions:
        flags: list[str] = [q.type]
        if q.type in ("number", "integer") and (q.min is not None or q.max is not None):
            low = "" if q.min is None else number(q.min)
            high = "" if q.max is None else number(q.max)
            flags.append(f"{low}..{high}")
        if q.unit:
            flags.append(q.unit)
        if q.required:
            flags.append("required")
        if q.audience == "staff":
            flags.append("staff only")
        if q.when is not None:
            flags.append("conditional")
        if q.choices_from:
            flags.append(f"choices from {q.choices_from}")
        typer.echo(f"{q.id:<22} {', '.join(flags)}")
        if q.choices is not None:
            for c in q.choices:
                typer.echo(f"    {c.id:<28} {c.label}")


@app.command()
def summary(
    record_id: Annotated[str | None, typer.Argument(metavar="[ID]", show_default=False,
                                                    help="Reprint a stored record.")] = None,
    answers: Annotated[Path | None, typer.Option("--answers", metavar="FILE",
                                                 help="JSON or YAML file of answers by "
                                                      "question id.")] = None,
    fmt: Annotated[str, typer.Option("--format", metavar="text|html|md|json",
                                     help="Output format.")] = "text",
    output: Annotated[Path | None, typer.Option("--output", metavar="PATH",
                                                help="Write here (owner-only) instead of "
                                                     "standard output.")] = None,
    rules: RulesOption = None,
    templates: TemplatesOption = None,
    store: StoreOption = None,
) -> None:
    """Print the clinician's summary: for a stored record (ID) or a file of answers."""
    from screening.errors import BadInputError
    from screening.files import write_private

    chosen = _format(fmt)
    today = dt.date.today()
    if (record_id is None) == (answers is None):
        raise BadInputError("give a record ID or --answers FILE (one of them)")
    if record_id is not None:
        from screening.records import Reprinter
        from screening.store import Store

        with Store.open(resources.store_path(store), create=False) as db:
            reprinter = Reprinter(db, templates or resources.templates_dir())
            document = reprinter.summary(db.get(record_id), chosen)
    else:
        from screening.answers_file import read_answers
        from screening.definitions import load_definitions
        from screening.report import make_summary

        assert answers is not None
        defs = load_definitions(rules or resources.rules_dir(), resources.cache_dir())
        given = read_answers(answers, defs.questionnaire, today)
        document = make_summary(defs, given, chosen, templates or resources.templates_dir(),
                                today)
    if output is None:
        sys.stdout.write(document)
    else:
        write_private(output, document)
        typer.echo(f"Summary written to {output}", err=True)


def _format(fmt: str) -> Any:
    from screening.errors import BadInputError
    from screening.rendering import FORMATS

    if fmt not in FORMATS:
        raise BadInputError(f"--format: '{fmt}' is not one of {', '.join(FORMATS)}")
    return fmt


def main(argv: list[str] | None = None) -> NoReturn:
    """Console entry point."""
    app(args=argv, prog_name="screening")
    raise SystemExit(0)  # pragma: no cover - typer exits itself


records_app = typer.Typer(cls=ScreeningGroup, no_args_is_help=True, rich_markup_mode=None,
                          help="Stored screenings: list, show, add, export, delete, purge.")
app.add_typer(records_app, name="records")


@records_app.command("list")
def records_list(
    status: Annotated[str | None, typer.Option("--status", metavar="in_progress|complete")
                      ] = None,
    since: Annotated[str | None, typer.Option("--since", metavar="DATE",
                                              help="Created on or after (YYYY-MM-DD).")] = None,
    fmt: Annotated[str, typer.Option("--format", metavar="table|json")] = "table",
    no_identifiers: Annotated[bool, typer.Option("--no-identifiers",
                                                 help="Hide names and clinic IDs (for a "
                                                      "screen others can see).")] = False,
    store: StoreOption = None,
) -> None:
    """List records, oldest first."""
    import json

    from screening.errors import BadInputError
    from screening.records import list_rows, parse_since, table
    from screening.store import Store

    if status not in (None, "in_progress", "complete"):
        raise BadInputError(f"--status: '{status}' is not one of in_progress, complete")
    if fmt not in ("table", "json"):
        raise BadInputError(f"--format: '{fmt}' is not one of table, json")
    day = parse_since(since) if since is not None else None
    with Store.open(resources.store_path(store), create=False) as db:
        rows = list_rows(db.records(status=status, since=day), identifiers=not no_identifiers)
    typer.echo(json.dumps(rows, indent=1, ensure_ascii=False) if fmt == "json" else table(rows))


@records_app.command("show")
def records_show(record_id: Annotated[str, typer.Argument(metavar="ID")],
                 store: StoreOption = None) -> None:
    """Show one record: answers, status and the definitions it was answered against."""
    from screening.records import table
    from screening.store import Store

    with Store.open(resources.store_path(store), create=False) as db:
        r = db.get(record_id)
    typer.echo(f"id: {r.id}\nstatus: {r.status}\nmode: {r.mode}\ncreated: {r.created}\n"
               f"updated: {r.updated}\ndefinitions: {r.definitions_hash}\n")
    typer.echo(table([{"question": k, "answer": v} for k, v in r.answers.items()]))


@records_app.command("add")
def records_add(
    answers: Annotated[Path, typer.Option("--answers", metavar="FILE")],
    rules: RulesOption = None,
    templates: TemplatesOption = None,
    store: StoreOption = None,
) -> None:
    """Check a complete answers file and keep it as a complete record; print its id."""
    from screening.records import add_record
    from screening.store import Store

    with Store.open(resources.store_path(store)) as db:
        record = add_record(db, answers, rules or resources.rules_dir(),
                            templates or resources.templates_dir(), resources.cache_dir(),
                            dt.date.today())
    typer.echo(record.id)


@records_app.command("export")
def records_export(
    record_id: Annotated[str | None, typer.Argument(metavar="ID", show_default=False)] = None,
    all_records: Annotated[bool, typer.Option("--all", help="Every record.")] = False,
    fmt: Annotated[str, typer.Option("--format", metavar="json")] = "json",
    templates: TemplatesOption = None,
    store: StoreOption = None,
) -> None:
    """Answers and points as JSON, one line per record."""
    import json

    from screening.errors import BadInputError
    from screening.records import Reprinter
    from screening.store import Store

    if fmt != "json":
        raise BadInputError(f"--format: '{fmt}' is not one of json")
    if (record_id is None) == (not all_records):
        raise BadInputError("give a record ID or --all (one of them)")
    with Store.open(resources.store_path(store), create=False) as db:
        chosen = db.records() if all_records else [db.get(str(record_id))]
        reprinter = Reprinter(db, templates or resources.templates_dir())
        lines = [json.dumps(reprinter.export(r), ensure_ascii=False) for r in chosen]
    for line in lines:
        typer.echo(line)


def _confirmed(question: str, yes: bool) -> bool:
    if yes:
        return True
    if not sys.stdin.isatty():
        from screening.errors import BadInputError

        raise BadInputError("no terminal to confirm on: add --yes")
    return typer.confirm(question, default=False)


@records_app.command("delete")
def records_delete(
    record_id: Annotated[str, typer.Argument(metavar="ID")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    store: StoreOption = None,
) -> None:
    """Delete one record for good."""
    from screening.store import Store

    with Store.open(resources.store_path(store), create=False) as db:
        db.get(record_id)
        if not _confirmed(f"Delete record {record_id} for good?", yes):
            typer.echo("Nothing deleted.")
            return
        removed = db.delete([record_id])
    typer.echo(f"Deleted {removed} record{'s' if removed != 1 else ''}.")


@records_app.command("purge")
def records_purge(
    older_than: Annotated[str, typer.Option("--older-than", metavar="AGE",
                                            help="Like 30d or 6w, counted from now.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    store: StoreOption = None,
) -> None:
    """Delete every record created more than AGE ago (the clinic's retention period)."""
    from screening.records import parse_age
    from screening.store import Store

    before = dt.datetime.now(dt.UTC) - parse_age(older_than)
    with Store.open(resources.store_path(store), create=False) as db:
        count = db.count_before(before)
        if count == 0:
            typer.echo("Deleted 0 records.")
            return
        if not _confirmed(f"Delete {count} record{'s' if count != 1 else ''} created before "
                          f"{before:%Y-%m-%d %H:%M} UTC?", yes):
            typer.echo("Nothing deleted.")
            return
        removed = db.purge(before)
    typer.echo(f"Deleted {removed} record{'s' if removed != 1 else ''}.")
