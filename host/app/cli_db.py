"""`hashtalk db …`: looking after the database file itself."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click

from host.app.cli_common import db_option, run_async, settings_for
from host.protocol.plain_text import clean
from host.store.check import Report, check_database
from host.store.engines import storage_at


@click.group()
def db() -> None:
    """Look after the database file."""


@db.command("check")
@db_option
def db_check(db_path: Path | str | None) -> None:
    """Check the database: SQLite's own integrity check, each session's log numbered without gaps, and the
    messages, reactions and participants tables agreeing with the log.

    Prints a sentence per problem and exits with status 1 when there is one. Safe beside a running server.
    """
    settings = settings_for(db_path)
    database, path = settings.database, settings.database_name
    if isinstance(database, Path) and not database.is_file():
        # Opening a missing file would create an empty database, and find nothing wrong with it.
        raise click.ClickException(f"no database at {path}")

    async def check() -> Report:
        async with storage_at(database) as storage:
            return await check_database(storage)

    try:
        report = run_async(check)
    except sqlite3.DatabaseError as error:
        raise click.ClickException(f"{path} cannot be read as a hashtalk database: {error}") from None
    read = f"{report.sessions} session{'s' if report.sessions != 1 else ''}, {report.events} events"
    for problem in report.problems:
        # Slugs and handles are what people typed: a terminal must show them, not obey them.
        click.echo(clean(problem))
    if report.problems:
        count = len(report.problems)
        click.echo(f"{path}: {count} problem{'s' if count != 1 else ''} ({read} read)", err=True)
        raise SystemExit(1)
    click.echo(f"{path}: no problems ({read} read)")
