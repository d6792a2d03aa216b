"""`hashtalk db …`: looking after the database itself: checking it, migrating it, moving it to PostgreSQL."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click

from host.app.cli_common import db_option, run_async, settings_for
from host.protocol.plain_text import clean
from host.store.check import Report, check_database
from host.store.engines import is_postgres, storage_at
from host.store.lock import DatabaseInUse, ServerLock
from host.store.postgres.copy import CopyRefused, copy_sqlite_to_postgres
from host.store.postgres.migrations import MIGRATIONS as POSTGRES_MIGRATIONS
from host.store.sqlite.migrations import MIGRATIONS as SQLITE_MIGRATIONS


@click.group()
def db() -> None:
    """Look after the database: check it, migrate it, copy a SQLite file into PostgreSQL."""


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


@db.command("migrate")
@db_option
def db_migrate(db_path: Path | str | None) -> None:
    """Bring the database's schema up to date (every server also does it as it starts), and say its version.

    Safe while servers run: on PostgreSQL one process at a time migrates, under a lock.
    """
    settings = settings_for(db_path)

    async def migrate() -> None:
        async with storage_at(settings.database):
            pass  # opening migrates

    try:
        run_async(migrate)
    except sqlite3.DatabaseError as error:
        raise click.ClickException(f"{settings.database_name} cannot be used as a hashtalk database: {error}") from None
    version = len(POSTGRES_MIGRATIONS if is_postgres(settings.database) else SQLITE_MIGRATIONS)
    click.echo(f"{settings.database_name}: schema up to date (version {version})")


@db.command("copy")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("target")
def db_copy(source: Path, target: str) -> None:
    """Copy a SQLite file (SOURCE) into an empty PostgreSQL database (TARGET, postgresql://USER@HOST:PORT/DB),
    then check that every table's rows and every session's head `seq` arrived.

    Stop the server on the file first: the copy refuses a file a server holds.
    """
    if not source.is_file():
        raise click.ClickException(f"no database at {source}")
    if not is_postgres(target):
        raise click.ClickException(f"{target!r} is not a PostgreSQL address: postgresql://USER@HOST:PORT/DB")
    printable = storage_at(target).location
    lock = ServerLock(source)
    try:
        lock.acquire("copying it into PostgreSQL")
    except DatabaseInUse as error:
        raise click.ClickException(str(error)) from None

    async def copy() -> None:
        async with storage_at(source):
            pass  # an older file is brought up to date first, so its tables have every column

    try:
        run_async(copy)
        report = run_async(lambda: copy_sqlite_to_postgres(source, target))
    except sqlite3.DatabaseError as error:
        raise click.ClickException(f"{source} cannot be read as a hashtalk database: {error}") from None
    except CopyRefused as error:
        raise click.ClickException(str(error)) from None
    finally:
        lock.release()
    for table, count in report.rows.items():
        click.echo(f"  {table}: {count}")
    click.echo(f"copied {source} into {printable}: every table's rows and {report.sessions} sessions' heads match")
