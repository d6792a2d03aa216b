"""`hashtalk db …`: looking after the database file itself."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
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
def db_check(db_path: Path | None) -> None:
    """Check the database: SQLite's own integrity check, each session's log numbered without gaps, and the
    messages, reactions and participants tables agreeing with the log.

    Prints a sentence per problem and exits with status 1 when there is one. Safe beside a running server.
    """
    # Reads only: opening a missing file would create an empty database, and find nothing wrong with it.
    path = settings_for(db_path, reads=True).db_path

    async def check() -> Report:
        async with storage_at(path) as storage:
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


@db.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@db_option
def db_backup(file: Path, db_path: Path | None) -> None:
    """Copy the database to FILE, consistent even while a server writes to it. Safe beside a running server.

    Uses SQLite's online backup, never a file copy: a copied file can catch a
    transaction half written, or miss what still sits in the write-ahead log.
    Restore by stopping the server and putting FILE in the database's place (docs/deploy.md).
    """
    path = settings_for(db_path, reads=True).db_path
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
