"""`hashtalk`: one click group for every sub-command."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import TypeVar

import click

from host.clock import SystemClock, parse_iso
from host.db_lock import DatabaseInUse
from host.moderation import MODERATION_KINDS
from host.moderator_token import issue_moderator_token, moderator_token_line
from host.plain_text import clean
from host.room import load_state
from host.server import StartupFailed, start_server, tune_garbage_collector
from host.sessionfile import SessionFileError, load_session_file
from host.settings import Settings, default_db_path
from host.storage import SessionExists, Storage, StoredEvent
from host.tokens import new_token, token_hash
from host.writer_links import issue_writer_token, writer_link

T = TypeVar("T")

db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The SQLite file [default: HASHTALK_DB, or hashtalk.db in the user data directory].",
)
url_option = click.option(
    "--url",
    default=None,
    help="Where people reach the server, for printed links [default: HASHTALK_URL or http://127.0.0.1:8000].",
)


@click.group()
@click.version_option(package_name="hashtalk")
def main() -> None:
    """hashtalk hosts Twitter-chat-style live sessions."""


@main.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port (0 picks a free one).")
def serve(db_path: Path | None, host: str, port: int) -> None:
    """Run the server: the websocket protocol, the API and the scheduler."""
    settings = _settings(db_path)

    async def run() -> None:
        async with Storage(settings.db_path) as storage:
            token_line = await moderator_token_line(storage, settings)
        # Warnings and errors only: at "info" uvicorn logs every websocket it accepts,
        # a tenth of the server's time while a restarted crowd reconnects.
        server = await start_server(settings, host, port, log_level="warning")
        tune_garbage_collector()
        click.echo(f"hashtalk serving {server.url} (database {settings.db_path})")
        click.echo(token_line)
        await server.wait()

    # A server that cannot start exits non-zero with a sentence, never lingers half-started.
    try:
        _run(run)
    except sqlite3.DatabaseError as error:
        raise click.ClickException(f"{settings.db_path} cannot be used as a hashtalk database: {error}") from None
    except (DatabaseInUse, StartupFailed, OSError) as error:
        raise click.ClickException(str(error)) from None


@main.group()
def session() -> None:
    """Add, list, inspect and remove sessions."""


@session.command("add")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@db_option
@url_option
def session_add(file: Path, db_path: Path | None, url: str | None) -> None:
    """Schedule the session defined in FILE (TOML); prints its links."""
    try:
        spec = load_session_file(file.read_text(encoding="utf-8"))
    except SessionFileError as error:
        raise click.ClickException(f"{file}: {error}") from None
    except UnicodeDecodeError:
        raise click.ClickException(f"{file}: not UTF-8 text") from None
    settings = _settings(db_path, url)
    guest_token = new_token()

    async def add() -> None:
        async with Storage(settings.db_path) as storage:
            await storage.add_session(spec, token_hash(guest_token), SystemClock().now())

    try:
        _run(add)
    except SessionExists:
        raise click.ClickException(f"a session “{spec.slug}” already exists in {settings.db_path}") from None
    click.echo(f"added {spec.slug}: {clean(spec.title)} ({spec.hashtag}), starts {_local(spec.starts_at)}")
    click.echo(f"  participants: {settings.printed_url}/s/{spec.slug}")
    click.echo(
        f"  guest link:   {_guest_link(settings, spec.slug, guest_token)}  (give it to {clean(spec.guest.name)} only)"
    )


@session.command("list")
@db_option
def session_list(db_path: Path | None) -> None:
    """Every session: state, start time, counts."""
    settings = _settings(db_path)

    async def rows() -> list[tuple[str, ...]]:
        async with Storage(settings.db_path) as storage:
            result = []
            for stored in await storage.sessions():
                state = await load_state(storage, stored)
                counts = await storage.counts(stored.id)
                result.append(
                    (
                        stored.spec.slug,
                        _state_text(state.state, state.question, stored.spec.question_count),
                        _local(stored.spec.starts_at),
                        str(counts.participants),
                        str(counts.messages),
                        stored.spec.title,
                    )
                )
            return result

    table = _run(rows)
    if not table:
        click.echo(f"no sessions in {settings.db_path}; add one with `hashtalk session add FILE.toml`")
        return
    _print_table(("SLUG", "STATE", "STARTS", "PEOPLE", "POSTS", "TITLE"), table)


@session.command("show")
@click.argument("slug")
@db_option
def session_show(slug: str, db_path: Path | None) -> None:
    """One session: state, current question, next change, counts."""
    settings = _settings(db_path)

    async def show() -> list[tuple[str, str]]:
        async with Storage(settings.db_path) as storage:
            stored = await storage.session(slug)
            if stored is None:
                raise click.ClickException(f"no session “{slug}” in {settings.db_path}")
            state = await load_state(storage, stored)
            counts = await storage.counts(stored.id)
            head = await storage.head(stored.id)
        spec = stored.spec
        current = f"Q{state.question}: {spec.questions[state.question - 1]}" if state.question else "none yet"
        next_change = "paused" if state.paused else (_local(state.next_at) if state.next_at else "by hand")
        return [
            ("title", spec.title),
            ("hashtag", spec.hashtag),
            ("guest", f"{spec.guest.name} (@{spec.guest.handle})"),
            ("starts", _local(spec.starts_at)),
            ("state", _state_text(state.state, state.question, spec.question_count)),
            ("question", current),
            ("next change", next_change),
            ("participants", str(counts.participants)),
            ("messages", str(counts.messages)),
            ("likes", str(counts.reactions)),
            ("events", str(head)),
        ]

    for name, value in _run(show):
        click.echo(f"{name + ':':<14}{clean(value)}")


@session.command("modlog")
@click.argument("slug")
@db_option
def session_modlog(slug: str, db_path: Path | None) -> None:
    """Who did what, when and why: every moderation event of a session."""
    settings = _settings(db_path)

    async def read() -> list[StoredEvent]:
        async with Storage(settings.db_path) as storage:
            stored = await storage.session(slug)
            if stored is None:
                raise click.ClickException(f"no session “{slug}” in {settings.db_path}")
            return await storage.events(stored.id, kinds=MODERATION_KINDS)

    events = _run(read)
    if not events:
        click.echo(f"no moderation in “{slug}” yet")
        return
    _print_table(("WHEN", "WHO", "ACTION", "ON", "WHY"), [_modlog_row(event) for event in events])


OPEN_STATES = ("lobby", "live", "wrapup")
"""A session in one of these states has people in it: removing it needs --force."""


@session.command("remove")
@click.argument("slug")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--force", is_flag=True, help="Remove it even while it is open (lobby, live or wrap-up).")
@db_option
def session_remove(slug: str, yes: bool, force: bool, db_path: Path | None) -> None:
    """Delete a session for good: its definition, log, participants, recaps and links.

    A running server drops it within seconds; whoever is connected is told and disconnected.
    """
    settings = _settings(db_path)

    async def inspect() -> tuple[str, str, int]:
        async with Storage(settings.db_path) as storage:
            stored = await storage.session(slug)
            if stored is None:
                raise click.ClickException(f"no session “{slug}” in {settings.db_path}")
            state = await load_state(storage, stored)
            return stored.spec.title, state.state, (await storage.counts(stored.id)).messages

    title, state, messages = _run(inspect)
    if state in OPEN_STATES and not force:
        raise click.ClickException(f"“{slug}” is open ({state}): end it first, or pass --force to remove it anyway")
    if not yes:
        click.confirm(f"Remove “{slug}” ({clean(title)}) and its {messages} post(s) for good?", abort=True)

    async def remove() -> bool:
        async with Storage(settings.db_path) as storage:
            return await storage.delete_session(slug)

    if not _run(remove):
        raise click.ClickException(f"no session “{slug}” in {settings.db_path}")
    click.echo(f"removed {slug}")


@main.command()
@click.argument("kind", type=click.Choice(["moderator", "guest", "writer"]), default="moderator")
@click.argument("slug", required=False)
@click.option("--replace", is_flag=True, help="writer: the session's earlier writer links stop working.")
@db_option
@url_option
def token(kind: str, slug: str | None, replace: bool, db_path: Path | None, url: str | None) -> None:
    """Print a fresh token: `hashtalk token` for a moderator, `hashtalk token guest SLUG` for a new guest link,
    `hashtalk token writer SLUG` for a link to the session's recap editor.

    A new moderator token is added to the valid ones and saved for this user's
    console; a new guest link replaces the session's old one; a new writer link
    is added to the session's (with --replace, it replaces them).
    """
    settings = _settings(db_path, url)
    if kind in ("guest", "writer") and not slug:
        raise click.UsageError(f"`hashtalk token {kind}` needs the session's SLUG")
    if kind == "moderator" and slug:
        raise click.UsageError("a moderator token is for every session; leave out the SLUG")
    if replace and kind != "writer":
        raise click.UsageError("--replace is for writer links")

    async def issue() -> str:
        async with Storage(settings.db_path) as storage:
            if kind == "moderator":
                return await issue_moderator_token(storage, SystemClock().now())
            stored = await storage.session(slug or "")
            if stored is None:
                raise click.ClickException(f"no session “{slug}” in {settings.db_path}")
            if kind == "writer":
                writer_token = await issue_writer_token(storage, stored.id, SystemClock().now(), replace=replace)
                return writer_link(settings.printed_url, stored.spec.slug, writer_token)
            guest_token = new_token()
            await storage.set_guest_token(stored.spec.slug, token_hash(guest_token))
            return _guest_link(settings, stored.spec.slug, guest_token)

    click.echo(_run(issue))


@main.command()
@click.argument("url", default="http://127.0.0.1:8000")
@click.option("--token", default=None, help="The moderator token [default: HASHTALK_MODERATOR_TOKEN, or the one saved by `hashtalk serve`].")
@click.option("--session", "slug", default=None, help="Open this session live at once, instead of the session list.")
def console(url: str, token: str | None, slug: str | None) -> None:
    """Run sessions from the terminal: the session list, and a live screen per session."""
    # Imported here: the server never needs Textual, and `hashtalk serve` should not load it.
    from tui.app import create_app
    from tui.config import ConsoleConfig, find_token, saved_token_path
    from tui.http_api import ApiError, check_access

    if not url.startswith(("http://", "https://")):
        raise click.UsageError(f"URL must start with http:// or https://, like http://127.0.0.1:8000 (got {url!r})")
    found = find_token(token)
    if not found:
        raise click.ClickException(
            f"no moderator token: pass --token, set HASHTALK_MODERATOR_TOKEN, or run `hashtalk serve` once "
            f"(it saves one in {saved_token_path()})"
        )
    try:
        check_access(url, found)
    except ApiError as error:
        if error.code == "bad_token":
            raise click.ClickException(
                f"{url} refused the moderator token: pass the right one with --token, or print a fresh one "
                "with `hashtalk token` on the server's machine"
            ) from None
        raise click.ClickException(error.message) from None
    create_app(ConsoleConfig(url=url, token=found), slug).run()


@main.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port (0 picks a free one).")
def demo(db_path: Path | None, host: str, port: int) -> None:
    """Serve a demo session that opens now, with a simulated guest and crowd."""
    from host.demo import DEMO_SLUG, demo_spec, run_crowd

    settings = _settings(db_path)

    async def run() -> None:
        spec = demo_spec(settings.clock.now())
        guest_token = new_token()
        async with Storage(settings.db_path) as storage:
            await storage.delete_session(DEMO_SLUG)  # each run starts the demo afresh
            await storage.add_session(spec, token_hash(guest_token), settings.clock.now())
            token_line = await moderator_token_line(storage, settings, issue_if_unsaved=True)
        server = await start_server(settings, host, port)
        tune_garbage_collector()
        base = f"http://{host}:{server.port}"
        click.echo(f"hashtalk demo: “{spec.title}” ({spec.hashtag}) with {spec.guest.name}")
        click.echo(f"  Q1 drops in {int(spec.pacing.lobby)} s, then a question every {int(spec.pacing.question)} s")
        click.echo(f"  participants:  {base}/s/{spec.slug}")
        click.echo(f"  guest link:    {base}/s/{spec.slug}#guest={guest_token}")
        click.echo(f"  live log:      {base}/api/sessions/{spec.slug}/events")
        click.echo(f"  console:       {_this_command()} console {base} --session {spec.slug}")
        click.echo(f"  {token_line}")
        click.echo(f"  database:      {settings.db_path}")
        click.echo("Ctrl-C stops.")
        crowd = asyncio.create_task(run_crowd(server.ws_url, spec, guest_token))
        try:
            await server.wait()
        finally:
            crowd.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await crowd

    _run(run)


def _modlog_row(event: StoredEvent) -> tuple[str, ...]:
    data = event.data
    message = data.get("message") or {}
    who = str(data.get("by") or ("filter" if event.kind == "held" else message.get("author", "")))
    if "target" in data:
        subject = f"#{data['target']}" if data["target"] is not None else "(none)"
        if data.get("author"):
            subject += f" by {data['author']}"
    elif "handle" in data:
        subject = str(data["handle"])
        if data.get("until"):
            subject += f" until {_local(parse_iso(data['until']))}"
    elif event.kind == "held":
        subject = f"#{event.seq} by {message.get('author', '')}"
    elif event.kind == "settings":
        subject = ", ".join(f"{key}={value}" for key, value in data.items() if key not in ("filters", "by"))
        subject += f", {len(data.get('filters', []))} filter(s)"
    else:
        subject = str(data.get("body", ""))[:60]
    if event.kind == "refile":
        subject += f" to Q{data['question']}"
    return (_local(event.at), who, event.kind, subject, str(data.get("reason", "")))


def _settings(db_path: Path | None, url: str | None = None) -> Settings:
    try:
        return Settings.from_env(db_path=db_path or default_db_path(), public_url=url)
    except ValueError as error:
        raise click.ClickException(str(error)) from None


def _run(make: Callable[[], Awaitable[T]]) -> T:
    async def run() -> T:
        return await make()

    try:
        return asyncio.run(run())
    except KeyboardInterrupt:
        # Ctrl-C is how a server is stopped: the lifespan has closed the database.
        click.echo("stopped.", err=True)
        sys.exit(0)


def _this_command() -> str:
    """How the user ran hashtalk (`.venv/bin/hashtalk` under `make run`), to print commands they can paste."""
    ran = sys.argv[0]
    return ran if Path(ran).name == "hashtalk" else "hashtalk"


def _guest_link(settings: Settings, slug: str, guest_token: str) -> str:
    # In the fragment, so the token never reaches a server log.
    return f"{settings.printed_url}/s/{slug}#guest={guest_token}"


def _state_text(state: str, question: int | None, count: int) -> str:
    return f"live Q{question}/{count}" if state == "live" else state


def _local(ts: float | None) -> str:
    if ts is None:
        return "-"
    return datetime.fromtimestamp(ts).astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")


def _print_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    # Cells hold what people typed (titles, handles, report reasons): a terminal must show them, not obey them.
    rows = [tuple(clean(cell) for cell in row) for row in rows]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())


# The transcript, import and recap commands live in their own module and register on `main` as it loads.
import host.cli_transcripts  # noqa: E402,F401
