"""`hashtalk db …`: looking after the database itself: checking it, migrating it, moving it to PostgreSQL."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

import click

from host.app.cli_common import db_option, run_async, settings_for
from host.core.settings import POSTGRES_SCHEMES, printable_database
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
    settings = settings_for(db_path, reads=True)
    database, path = settings.database, settings.database_name

    async def check() -> Report:
        async with storage_at(database) as storage:
            return await check_database(storage)

    report = run_async(check, database=str(path))
    read = f"{report.sessions} session{'s' if report.sessions != 1 else ''}, {report.events} events"
    for problem in report.problems:
        # Slugs and handles are what people typed: a terminal must show them, not obey them.
        click.echo(clean(problem))
    if report.problems:
        count = len(report.problems)
        click.echo(f"{path}: {count} problem{'s' if count != 1 else ''} ({read} read)", err=True)
        raise SystemExit(1)
    click.echo(f"{path}: no problems ({read} read)")


@db.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@db_option
def db_backup(file: Path, db_path: Path | str | None) -> None:
    """Copy the database to FILE, consistent even while a server writes to it. Safe beside a running server.

    Uses SQLite's online backup, never a file copy: a copied file can catch a
    transaction half written, or miss what still sits in the write-ahead log.
    Restore by stopping the server and putting FILE in the database's place (docs/deploy.md).
    """
    settings = settings_for(db_path, reads=True)
    if isinstance(settings.database, str):
        raise click.ClickException(
            "db backup copies a SQLite file; back up a PostgreSQL database with pg_dump (docs/deploy.md)"
        )
    path = settings.db_path
    if file.exists():
        raise click.ClickException(f"{file} already exists: name a new file (a backup never overwrites one)")
    if not file.parent.is_dir():
        raise click.ClickException(f"the folder {file.parent} does not exist: create it first")
    try:
        sessions = back_up(path, file)
    except sqlite3.Error as error:
        raise click.ClickException(f"{path} could not be backed up: {error}") from None
    click.echo(f"backed up {path} to {file} ({sessions} session{'s' if sessions != 1 else ''})")


def back_up(source: Path, target: Path) -> int:
    """Copy `source` to `target` with SQLite's online backup, and return how many sessions the copy holds.

    Written beside the target and renamed into place, so an interrupted backup never leaves a file
    that looks whole.
    """
    partial = target.with_name(target.name + ".partial")
    try:
        # Read-only: a backup must never migrate, or otherwise write to, the database it copies.
        with (
            closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)) as origin,
            closing(sqlite3.connect(partial)) as copy,
        ):
            origin.execute("PRAGMA busy_timeout = 10000")
            # All pages in one step: a step holds a read snapshot, which in WAL mode never blocks the server's writes.
            origin.backup(copy)
            (sessions,) = copy.execute("SELECT count(*) FROM sessions").fetchone()
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return int(sessions)


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

    run_async(migrate, database=settings.database_name)
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
    # Read as --db reads it: a bare path is a file, whatever string it is.
    if not target.startswith(POSTGRES_SCHEMES):
        raise click.ClickException(f"{target!r} is not a PostgreSQL address: postgresql://USER@HOST:PORT/DB")
    printable = printable_database(target)
    lock = ServerLock(source)
    try:
        lock.acquire("copying it into PostgreSQL")
    except DatabaseInUse as error:
        raise click.ClickException(str(error)) from None

    async def copy() -> None:
        async with storage_at(source):
            pass  # an older file is brought up to date first, so its tables have every column

    try:
        run_async(copy, database=str(source))
        report = run_async(lambda: copy_sqlite_to_postgres(source, target), database=str(source))
    except CopyRefused as error:
        raise click.ClickException(str(error)) from None
    finally:
        lock.release()
    for table, count in report.rows.items():
        click.echo(f"  {table}: {count}")
    click.echo(f"copied {source} into {printable}: every table's rows and {report.sessions} sessions' heads match")
