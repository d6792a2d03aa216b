"""What every `hashtalk` command shares: the --db and --url options, settings, running a coroutine, printing."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TypeVar

import click
import psycopg

from host.app.database_file import DatabaseFileProblem, check_database_file
from host.app.running_server import running_server_url
from host.core.settings import Settings, parse_database
from host.protocol.links import guest_url
from host.protocol.plain_text import clean
from host.store.engines import DatabaseUnreachable
from host.store.interface import DatabaseUnavailable, NewerSchema
from host.store.postgres.connections import reason

T = TypeVar("T")

def _database(context: click.Context, parameter: click.Parameter, value: str | None) -> Path | str | None:
    if value is None:
        return None
    try:
        return parse_database(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


db_option = click.option(
    "--db",
    "db_path",
    default=None,
    callback=_database,
    metavar="PATH|URL",
    help="The SQLite file (a path or sqlite:///PATH), or a PostgreSQL database (postgresql://USER@HOST:PORT/DB) "
    "[default: HASHTALK_DB, or hashtalk.db in the user data directory].",
)
url_option = click.option(
    "--url",
    default=None,
    help="Where people reach the server, for printed links [default: HASHTALK_URL, else the running server's "
    "address, else http://127.0.0.1:8000].",
)

public_url_option = click.option(
    "--url",
    default=None,
    help="The public base URL people open, behind a proxy most often, like https://chat.example.org; every "
    "link the server prints or stores starts with it [default: HASHTALK_URL, else the listening address].",
)


def settings_for(db_path: Path | str | None, url: str | None = None, *, reads: bool = False) -> Settings:
    """The settings a command runs with, with the database `--db` names (a file or a PostgreSQL address),
    once a database file is known to be usable.

    `reads`: the command only reads the database, so a missing file is a mistake, not a file to create.
    """
    try:
        settings = Settings.from_env(public_url=url)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    if isinstance(db_path, str):
        settings = replace(settings, db_url=db_path)
    elif db_path is not None:
        settings = replace(settings, db_path=db_path, db_url=None)
    if settings.db_url is not None:
        return settings  # PostgreSQL answers for itself when the command connects
    # Beside a running server, links carry the address it listens on (when no public URL says otherwise).
    settings = replace(settings, listening_url=running_server_url(settings.db_path))
    # A path the operator named has its folder checked; the default one's folder is made on first use.
    named = db_path is not None or bool(os.environ.get("HASHTALK_DB"))
    try:
        check_database_file(settings.db_path, must_exist=reads, folder_must_exist=named)
    except DatabaseFileProblem as error:
        raise click.ClickException(str(error)) from None
    return settings


def run_async(make: Callable[[], Awaitable[T]], *, database: str = "the database") -> T:
    """Run a command's coroutine; Ctrl-C ends it with a word, not a traceback, and so does a database that
    cannot be used (`database` names it in the sentence)."""

    async def main() -> T:
        return await make()

    try:
        return asyncio.run(main())
    except sqlite3.DatabaseError as error:
        # The file passed the checks up front but SQLite found it damaged further in.
        raise click.ClickException(
            f"{database} cannot be used as a hashtalk database: {error}; `hashtalk db check` says more"
        ) from None
    except (DatabaseUnreachable, DatabaseUnavailable, NewerSchema) as error:
        raise click.ClickException(str(error)) from None
    except psycopg.OperationalError as error:
        # The server went away mid-command (a restart, a network cut): what it said, not a traceback.
        raise click.ClickException(f"the PostgreSQL database stopped answering: {reason(error)}") from None
    except KeyboardInterrupt:
        # Ctrl-C is how a server is stopped: the lifespan has closed the database.
        click.echo("stopped.", err=True)
        sys.exit(0)


def this_command() -> str:
    """How the user ran hashtalk (`.venv/bin/hashtalk` under `make run`), to print commands they can paste."""
    ran = sys.argv[0]
    return ran if Path(ran).name == "hashtalk" else "hashtalk"


def guest_link(settings: Settings, slug: str, guest_token: str) -> str:
    return guest_url(settings.printed_url, slug, guest_token)


def state_text(state: str, question: int | None, count: int) -> str:
    return f"live Q{question}/{count}" if state == "live" else state


def local_time(ts: float | None) -> str:
    if ts is None:
        return "-"
    return datetime.fromtimestamp(ts).astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")


def print_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    # Cells hold what people typed (titles, handles, report reasons): a terminal must show them, not obey them.
    rows = [tuple(clean(cell) for cell in row) for row in rows]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
