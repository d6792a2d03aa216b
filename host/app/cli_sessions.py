"""`hashtalk session …`: add, list, show, read the moderation log of, and remove sessions."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from host.app.cli_common import (
    db_option,
    guest_link,
    local_time,
    print_table,
    run_async,
    settings_for,
    state_text,
    url_option,
)
from host.core.moderation import MODERATION_KINDS
from host.core.sessionfile import SessionFileError, load_session_file, refuse_past_start
from host.core.tokens import new_token, token_hash
from host.live.room import load_state
from host.protocol.links import page_url
from host.protocol.plain_text import clean
from host.protocol.times import SystemClock, parse_iso
from host.store.engines import storage_at
from host.store.interface import SessionExists, StoredEvent


@click.group()
def session() -> None:
    """Add, list, inspect and remove sessions."""


@session.command("add")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--start-now", is_flag=True, help='Open the session at once, whatever its starts_at says (as starts_at = "now").')
@db_option
@url_option
def session_add(file: Path, start_now: bool, db_path: Path | str | None, url: str | None) -> None:
    """Schedule the session defined in FILE (TOML); prints its links.

    A starts_at in the past is refused: `starts_at = "now"` in the file, or --start-now, opens it at once on purpose.
    """
    now = SystemClock().now()
    try:
        spec = load_session_file(file.read_text(encoding="utf-8"), now)
        if start_now:
            spec = replace(spec, starts_at=now)
        refuse_past_start(spec, now)
    except SessionFileError as error:
        raise click.ClickException(f"{file}: {error}") from None
    except UnicodeDecodeError:
        raise click.ClickException(f"{file}: not UTF-8 text") from None
    settings = settings_for(db_path, url)
    guest_token = new_token()

    async def add() -> None:
        async with storage_at(settings.database) as storage:
            await storage.add_session(spec, token_hash(guest_token), now)

    try:
        run_async(add)
    except SessionExists:
        raise click.ClickException(f"a session “{spec.slug}” already exists in {settings.database_name}") from None
    click.echo(f"added {spec.slug}: {clean(spec.title)} ({spec.hashtag}), starts {local_time(spec.starts_at)}")
    click.echo(f"  participants: {page_url(settings.printed_url, spec.slug)}")
    click.echo(
        f"  guest link:   {guest_link(settings, spec.slug, guest_token)}  (give it to {clean(spec.guest.name)} only)"
    )


@session.command("list")
@db_option
def session_list(db_path: Path | str | None) -> None:
    """Every session: state, start time, counts."""
    settings = settings_for(db_path, reads=True)

    async def rows() -> list[tuple[str, ...]]:
        async with storage_at(settings.database) as storage:
            result: list[tuple[str, ...]] = []
            for stored in await storage.sessions():
                state = await load_state(storage, stored)
                counts = await storage.counts(stored.id)
                result.append(
                    (
                        stored.spec.slug,
                        state_text(state.state, state.question, stored.spec.question_count),
                        local_time(stored.spec.starts_at),
                        str(counts.participants),
                        str(counts.messages),
                        stored.spec.title,
                    )
                )
            return result

    table = run_async(rows)
    if not table:
        click.echo(f"no sessions in {settings.database_name}; add one with `hashtalk session add FILE.toml`")
        return
    print_table(("SLUG", "STATE", "STARTS", "PEOPLE", "POSTS", "TITLE"), table)


@session.command("show")
@click.argument("slug")
@db_option
def session_show(slug: str, db_path: Path | str | None) -> None:
    """One session: state, current question, next change, counts."""
    settings = settings_for(db_path, reads=True)

    async def show() -> list[tuple[str, str]]:
        async with storage_at(settings.database) as storage:
            stored = await storage.session(slug)
            if stored is None:
                raise click.ClickException(f"no session “{slug}” in {settings.database_name}")
            state = await load_state(storage, stored)
            counts = await storage.counts(stored.id)
            head = await storage.head(stored.id)
        spec = stored.spec
        current = f"Q{state.question}: {spec.questions[state.question - 1]}" if state.question else "none yet"
        next_change = "paused" if state.paused else (local_time(state.next_at) if state.next_at else "by hand")
        return [
            ("title", spec.title),
            ("hashtag", spec.hashtag),
            ("guest", f"{spec.guest.name} (@{spec.guest.handle})"),
            ("starts", local_time(spec.starts_at)),
            ("state", state_text(state.state, state.question, spec.question_count)),
            ("question", current),
            ("next change", next_change),
            ("participants", str(counts.participants)),
            ("messages", str(counts.messages)),
            ("likes", str(counts.reactions)),
            ("events", str(head)),
        ]

    for name, value in run_async(show):
        click.echo(f"{name + ':':<14}{clean(value)}")


@session.command("modlog")
@click.argument("slug")
@db_option
def session_modlog(slug: str, db_path: Path | str | None) -> None:
    """Who did what, when and why: every moderation event of a session."""
    settings = settings_for(db_path, reads=True)

    async def read() -> list[StoredEvent]:
        async with storage_at(settings.database) as storage:
            stored = await storage.session(slug)
            if stored is None:
                raise click.ClickException(f"no session “{slug}” in {settings.database_name}")
            return await storage.events(stored.id, kinds=MODERATION_KINDS)

    events = run_async(read)
    if not events:
        click.echo(f"no moderation in “{slug}” yet")
        return
    print_table(("WHEN", "WHO", "ACTION", "ON", "WHY"), [_modlog_row(event) for event in events])


OPEN_STATES = ("lobby", "live", "wrapup")
"""A session in one of these states has people in it: removing it needs --force."""


@session.command("remove")
@click.argument("slug")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--force", is_flag=True, help="Remove it even while it is open (lobby, live or wrap-up).")
@db_option
def session_remove(slug: str, yes: bool, force: bool, db_path: Path | str | None) -> None:
    """Delete a session for good: its definition, log, participants, recaps and links.

    A running server drops it within seconds; whoever is connected is told and disconnected.
    """
    settings = settings_for(db_path, reads=True)

    async def inspect() -> tuple[str, str, int]:
        async with storage_at(settings.database) as storage:
            stored = await storage.session(slug)
            if stored is None:
                raise click.ClickException(f"no session “{slug}” in {settings.database_name}")
            state = await load_state(storage, stored)
            return stored.spec.title, state.state, (await storage.counts(stored.id)).messages

    title, state, messages = run_async(inspect)
    if state in OPEN_STATES and not force:
        raise click.ClickException(f"“{slug}” is open ({state}): end it first, or pass --force to remove it anyway")
    if not yes:
        click.confirm(f"Remove “{slug}” ({clean(title)}) and its {messages} post(s) for good?", abort=True)

    async def remove() -> bool:
        async with storage_at(settings.database) as storage:
            return await storage.delete_session(slug)

    if not run_async(remove):
        raise click.ClickException(f"no session “{slug}” in {settings.database_name}")
    click.echo(f"removed {slug}")


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
            subject += f" until {local_time(parse_iso(data['until']))}"
    elif event.kind == "held":
        subject = f"#{event.seq} by {message.get('author', '')}"
    elif event.kind == "settings":
        subject = ", ".join(f"{key}={value}" for key, value in data.items() if key not in ("filters", "by"))
        subject += f", {len(data.get('filters', []))} filter(s)"
    else:
        subject = str(data.get("body", ""))[:60]
    if event.kind == "refile":
        subject += f" to Q{data['question']}"
    return (local_time(event.at), who, event.kind, subject, str(data.get("reason", "")))
