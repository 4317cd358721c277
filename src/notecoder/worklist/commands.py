"""`notecoder worklist ...` and `notecoder users ...`: thin commands over the worklist's library. The database is
--db, else NOTECODER_WORKLIST_URL, else ./notecoder-worklist.db (SQLite). Actions from the command line are audited
as the machine's login ("cli:NAME"): whoever runs them has the database already."""

import getpass
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from notecoder.exits import ExitCode, fail
from notecoder.extras import install_extra

Db = Annotated[
    str | None,
    typer.Option("--db", help="The worklist's database URL (default: $NOTECODER_WORKLIST_URL, else SQLite file "
                 "./notecoder-worklist.db; postgresql+psycopg://... for a team)."),
]  # fmt: skip

worklist = typer.Typer(
    no_args_is_help=True,
    rich_markup_mode=None,
    help="The team worklist's database: migrate it, import batches, print figures, export decisions.",
)
users = typer.Typer(no_args_is_help=True, rich_markup_mode=None, help="The worklist's users and their tokens.")


def actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


@contextmanager
def opened(db: str | None, *, migrated: bool = True) -> Iterator:
    """A session on the database, with the worklist's errors as the CLI's."""
    try:
        from sqlalchemy.orm import Session

        from notecoder.worklist.database import DatabaseError, database_url, engine_for, open_database
        from notecoder.worklist.errors import WorklistError
    except ImportError:
        raise fail(ExitCode.USAGE, f"the worklist needs the [worklist] extra: {install_extra('worklist')}") from None
    url = database_url(db)
    try:
        engine = open_database(url) if migrated else engine_for(url)
        with Session(engine) as session:
            yield session
        engine.dispose()
    except DatabaseError as error:
        raise fail(ExitCode.INPUT, str(error)) from None
    except WorklistError as error:
        raise fail(ExitCode.USAGE, str(error)) from None


def _migrate(db: str | None, revision: str, *, down: bool) -> None:
    from notecoder.worklist.database import DatabaseError, current, database_url, engine_for, migrate, shown

    url = database_url(db)
    try:
        engine = engine_for(url)
        migrate(engine, revision, down=down)
        typer.echo(f"{shown(url)} is at schema {current(engine) or 'base'}")
    except DatabaseError as error:
        raise fail(ExitCode.INPUT, str(error)) from None


@worklist.command("upgrade")
def upgrade(db: Db = None, revision: Annotated[str, typer.Option(help="The schema to reach.")] = "head") -> None:
    """Create the worklist's tables, or bring them to this notecoder's schema (Alembic migrations)."""
    _migrate(db, revision, down=False)


@worklist.command("downgrade")
def downgrade(revision: Annotated[str, typer.Argument(help="The schema to go back to ('base': none).")],
              db: Db = None) -> None:  # fmt: skip
    """Take the schema back to REVISION (what a rollback of notecoder needs). 'base' drops the worklist."""
    _migrate(db, revision, down=True)


@worklist.command("import")
def import_command(
    results: Annotated[Path, typer.Argument(help="A batch's JSONL results.")],
    db: Db = None,
    keep_text: Annotated[
        bool, typer.Option(help="Store the note text the batch kept (--include-text): PHI at rest in the database.")
    ] = False,  # fmt: skip
    notes: Annotated[
        Path | None,
        typer.Option(help="The export the batch coded, recorded as where the text lives (the text is not read)."),
    ] = None,  # fmt: skip
) -> None:
    """Queue a batch's results on the worklist. A note already queued takes the new result only while nobody has
    decided on it or queried it."""
    from notecoder.batch.sources import SourceError
    from notecoder.worklist.imports import import_results

    if not results.is_file():
        raise fail(ExitCode.INPUT, f"no such results file: {results}")
    with opened(db) as session:
        try:
            summary = import_results(session, results, actor=actor(), keep_text=keep_text,
                                     notes_path=notes.resolve() if notes else None)  # fmt: skip
        except SourceError as error:
            raise fail(ExitCode.INPUT, str(error)) from None
    kept = f"; {len(summary.kept)} already decided or queried, kept as they were" if summary.kept else ""
    typer.echo(f"{summary.added} notes added, {summary.replaced} replaced, {summary.unchanged} unchanged, "
               f"{summary.failed} failed rows queued{kept}")  # fmt: skip


@worklist.command("stats")
def stats_command(db: Db = None) -> None:
    """Queries issued, answered and closed, the agreement rate, and coders' decisions per code family (JSON)."""
    from notecoder.worklist.stats import stats

    with opened(db) as session:
        typer.echo(json.dumps(stats(session), indent=2))


@worklist.command("export")
def export_command(
    output: Annotated[Path, typer.Option("--output", "-o", help="decisions.csv or decisions.json")], db: Db = None
) -> None:
    """The decisions, in the review report's export columns (what `notecoder train --feedback` reads)."""
    from notecoder.batch.csv_cells import write_rows
    from notecoder.batch.paths import private_open
    from notecoder.worklist.export import COLUMNS, decision_records

    with opened(db) as session:
        records = decision_records(session)
    try:
        with private_open(output, "w") as handle:
            if output.suffix.lower() == ".json":
                handle.write(json.dumps(records, indent=2) + "\n")
            else:
                write_rows(handle, COLUMNS, records)
    except OSError as error:
        raise fail(ExitCode.OUTPUT, f"{output} cannot be written ({error.strerror or type(error).__name__})") from None
    typer.echo(f"{len(records)} decisions written to {output}")


@users.command("add")
def add(name: Annotated[str, typer.Argument(help="The user's name, as the audit will show it.")],
        role: Annotated[str, typer.Option(help="coder, cdi or admin (policy.json says what each may do).")],
        db: Db = None) -> None:  # fmt: skip
    """Add a user and print their token, once: only its hash is kept."""
    from notecoder.worklist.users import add_user

    with opened(db) as session:
        token = add_user(session, name, role, actor())
    typer.echo(f"{name} ({role}) added. Their token, shown this once:\n{token}")


@users.command("list")
def list_command(db: Db = None) -> None:
    """The users, their roles and whether they are active (never their tokens)."""
    from notecoder.worklist.users import list_users

    with opened(db) as session:
        for user in list_users(session):
            typer.echo(f"{user.name}\t{user.role}\t{'active' if user.active else 'inactive'}")


@users.command("deactivate")
def deactivate_command(name: Annotated[str, typer.Argument(help="The user whose token stops working.")],
                       db: Db = None) -> None:  # fmt: skip
    """Stop a user's token at once (their decisions stay, under their name)."""
    from notecoder.worklist.users import deactivate

    with opened(db) as session:
        deactivate(session, name, actor())
    typer.echo(f"{name} deactivated")


@users.command("token")
def token_command(name: Annotated[str, typer.Argument(help="The user who needs a new token.")],
                  db: Db = None) -> None:  # fmt: skip
    """Give a user a new token (the old one stops working) and print it, once."""
    from notecoder.worklist.users import new_token

    with opened(db) as session:
        token = new_token(session, name, actor())
    typer.echo(f"{name}'s new token, shown this once:\n{token}")
