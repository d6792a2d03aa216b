"""`hashtalk`: one click group for every sub-command."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import replace
from pathlib import Path

import click

from host.app.cli_common import (
    db_option,
    guest_link,
    public_url_option,
    run_async,
    settings_for,
    this_command,
    url_option,
)
from host.app.cli_db import db
from host.app.cli_insights import insights
from host.app.cli_sessions import session
from host.app.cli_transcripts import import_archive, recap, transcript
from host.app.moderator_token import issue_moderator_token, moderator_token_line
from host.app.server import (
    SharedDatabase,
    StartupFailed,
    http_url,
    server_lock,
    start_server,
    tune_garbage_collector,
)
from host.app.workers import reserve_port, serve_workers
from host.core.settings import Settings
from host.core.tokens import new_token, token_hash
from host.http.writer_links import issue_writer_token, writer_link
from host.net.own_address import LOCAL_NAMES
from host.protocol.links import guest_url, page_url
from host.protocol.saved_tokens import token_file_for
from host.protocol.times import SystemClock
from host.store.engines import storage_at
from host.store.lock import DatabaseInUse, ServerLock


@click.group()
@click.version_option(package_name="hashtalk")
def main() -> None:
    """hashtalk hosts Twitter-chat-style live sessions."""


@main.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port (0 picks a free one).")
@public_url_option
@click.option(
    "--workers", default=1, show_default=True, type=click.IntRange(1, 256),
    help="Processes serving the port together (a PostgreSQL database only).",
)
def serve(db_path: Path | str | None, host: str, port: int, url: str | None, workers: int) -> None:
    """Run the server: the websocket protocol, the API and the scheduler."""
    settings = settings_for(db_path, url)
    if workers > 1:
        serve_several(settings, host, port, workers)
        return

    async def run() -> None:
        lock = hold_database(settings, host, port)
        # Warnings and errors only: at "info" uvicorn logs every websocket it accepts,
        # a tenth of the server's time while a restarted crowd reconnects.
        server = await start_server(settings, host, port, log_level="warning", lock=lock)
        # Once it listens: the console's token is saved under the address it really has (port 0 picks one).
        async with storage_at(settings.database) as storage:
            token_line = await moderator_token_line(storage, server.settings)
        tune_garbage_collector()
        click.echo(f"hashtalk serving {server.url} (database {settings.database_name})")
        click.echo(f"links point at {server.settings.printed_url}")
        if word := unset_url_word(settings, host):
            click.echo(word, err=True)
        click.echo(token_line)
        await server.wait()

    # A server that cannot start exits non-zero with a sentence, never lingers half-started.
    try:
        run_async(run, database=settings.database_name)
    except (DatabaseInUse, StartupFailed, OSError) as error:
        raise click.ClickException(str(error)) from None


@main.command()
@click.argument("kind", type=click.Choice(["moderator", "guest", "writer"]), default="moderator")
@click.argument("slug", required=False)
@click.option("--replace", is_flag=True, help="writer: the session's earlier writer links stop working.")
@db_option
@url_option
def token(kind: str, slug: str | None, replace: bool, db_path: Path | str | None, url: str | None) -> None:
    """Print a fresh token: `hashtalk token` for a moderator, `hashtalk token guest SLUG` for a new guest link,
    `hashtalk token writer SLUG` for a link to the session's recap editor.

    A new moderator token is added to the valid ones and saved for this user's
    console; a new guest link replaces the session's old one; a new writer link
    is added to the session's (with --replace, it replaces them).
    """
    settings = settings_for(db_path, url, reads=kind != "moderator")
    if kind in ("guest", "writer") and not slug:
        raise click.UsageError(f"`hashtalk token {kind}` needs the session's SLUG")
    if kind == "moderator" and slug:
        raise click.UsageError("a moderator token is for every session; leave out the SLUG")
    if replace and kind != "writer":
        raise click.UsageError("--replace is for writer links")

    async def issue() -> str:
        async with storage_at(settings.database) as storage:
            if kind == "moderator":
                return await issue_moderator_token(storage, settings, SystemClock().now())
            stored = await storage.session(slug or "")
            if stored is None:
                raise click.ClickException(f"no session “{slug}” in {settings.database_name}")
            if kind == "writer":
                writer_token = await issue_writer_token(storage, stored.id, SystemClock().now(), replace=replace)
                return writer_link(settings.printed_url, stored.spec.slug, writer_token)
            guest_token = new_token()
            await storage.set_guest_token(stored.spec.slug, token_hash(guest_token))
            return guest_link(settings, stored.spec.slug, guest_token)

    click.echo(run_async(issue))


@main.command()
@click.argument("url", default="http://127.0.0.1:8000")
@click.option("--token", default=None, help="The moderator token [default: HASHTALK_MODERATOR_TOKEN, or the one saved by `hashtalk serve`].")
@click.option("--session", "slug", default=None, help="Open this session live at once, instead of the session list.")
def console(url: str, token: str | None, slug: str | None) -> None:
    """Run sessions from the terminal: the session list, and a live screen per session."""
    # Imported here: the server never needs Textual, and `hashtalk serve` should not load it.
    from tui.app import create_app
    from tui.config import ConsoleConfig, find_token, saved_token
    from tui.http_api import ApiError, check_access

    if not url.startswith(("http://", "https://")):
        raise click.UsageError(f"URL must start with http:// or https://, like http://127.0.0.1:8000 (got {url!r})")
    found = find_token(url, token)
    saved = saved_token(url)
    # The exact command that prints a fresh token for this server: its database, when the saved file names it.
    fresh = f"`{this_command()} token{f' --db {saved.db}' if saved and saved.db else ' --db DATABASE'} --url {url}`"
    if not found:
        raise click.ClickException(
            f"no moderator token for {url}: pass --token, set HASHTALK_MODERATOR_TOKEN, or run `hashtalk serve` "
            f"(it saves one in {token_file_for(url)}), or print one with {fresh} on the server's machine"
        )
    try:
        check_access(url, found)
    except ApiError as error:
        if error.code == "bad_token":
            raise click.ClickException(
                f"{url} refused the moderator token: pass the right one with --token, or print a fresh one "
                f"with {fresh} on the server's machine"
            ) from None
        raise click.ClickException(error.message) from None
    create_app(ConsoleConfig(url=url, token=found), slug).run()


@main.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port (0 picks a free one).")
@public_url_option
def demo(db_path: Path | str | None, host: str, port: int, url: str | None) -> None:
    """Serve a demo session that opens now, with a simulated guest and crowd."""
    from host.app.demo_crowd import DEMO_SLUG, demo_spec, run_crowd

    settings = settings_for(db_path, url)

    async def run() -> None:
        spec = demo_spec(settings.clock.now())
        guest_token = new_token()
        lock = hold_database(settings, host, port)  # before the demo session is replaced: it may be in use
        async with storage_at(settings.database) as storage:
            await storage.delete_session(DEMO_SLUG)  # each run starts the demo afresh
            await storage.add_session(spec, token_hash(guest_token), settings.clock.now())
        server = await start_server(settings, host, port, lock=lock)
        async with storage_at(settings.database) as storage:
            token_line = await moderator_token_line(storage, server.settings, issue_if_unsaved=True)
        tune_garbage_collector()
        base = server.settings.printed_url
        click.echo(f"hashtalk demo: “{spec.title}” ({spec.hashtag}) with {spec.guest.name}")
        click.echo(f"  Q1 drops in {int(spec.pacing.lobby)} s, then a question every {int(spec.pacing.question)} s")
        click.echo(f"  participants:  {page_url(base, spec.slug)}")
        click.echo(f"  guest link:    {guest_url(base, spec.slug, guest_token)}")
        click.echo(f"  live log:      {base}/api/sessions/{spec.slug}/events")
        click.echo(f"  console:       {this_command()} console {base} --session {spec.slug}")
        click.echo(f"  {token_line}")
        click.echo(f"  database:      {settings.database_name}")
        if word := unset_url_word(settings, host):
            click.echo(word, err=True)
        click.echo("Ctrl-C stops.")
        crowd = asyncio.create_task(run_crowd(server.ws_url, spec, guest_token))
        try:
            await server.wait()
        finally:
            crowd.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await crowd

    try:
        run_async(run)
    except (DatabaseInUse, StartupFailed, OSError) as error:
        raise click.ClickException(str(error)) from None


def unset_url_word(settings: Settings, host: str) -> str | None:
    """A warning when no public URL is set and the server listens beyond this machine, else None.

    Links (recaps, guest and writer links, the calendar) are then built from the listening address,
    which people elsewhere cannot open (0.0.0.0, or a private address behind a proxy).
    """
    if settings.public_url or host in LOCAL_NAMES:
        return None
    return (
        f"warning: no public URL set, so links point at this server's listening address ({host}), "
        "which people elsewhere may not reach: pass --url https://chat.example.org "
        "(or set HASHTALK_URL) with the address people open (docs/deploy.md)"
    )


def serve_several(settings: Settings, host: str, port: int, workers: int) -> None:
    """`serve --workers N`: refused with a sentence on SQLite, else N processes on one port."""
    if not isinstance(settings.database, str):
        raise click.ClickException(
            "--workers needs a PostgreSQL database (--db postgresql://USER@HOST:PORT/DB): a SQLite file is "
            "served by one process, the only one that numbers its sessions' logs and wakes their clients"
        )

    try:
        port = reserve_port(host, port)
    except OSError as error:
        raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror}") from None
    # Once the port is known: the console's token is saved under the address the workers really have.
    running = replace(settings, listening_url=http_url(host, port))

    async def token_line() -> str:
        async with storage_at(settings.database) as storage:
            return await moderator_token_line(storage, running)

    lines = [run_async(token_line), f"links point at {running.printed_url}"]
    if word := unset_url_word(settings, host):
        lines.append(word)
    try:
        serve_workers(settings, host, port, workers, lines)
    except OSError as error:
        raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror}") from None


def hold_database(settings: Settings, host: str, port: int) -> ServerLock | SharedDatabase:
    """The database's server lock, taken before a serving command touches the database."""
    lock = server_lock(settings)
    lock.acquire(f"starting on http://{host}:{port}")
    return lock


for command in (session, transcript, import_archive, recap, db, insights):
    main.add_command(command)
