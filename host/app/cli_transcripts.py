"""`hashtalk transcript`, `hashtalk import` and `hashtalk recap`: the commands around the log's afterlife.

Registered on the `hashtalk` group by `host.app.cli`; they share its options and helpers.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from host.app.cli_common import db_option, run_async, settings_for, url_option
from host.core.handles import handle_key, handle_keys
from host.core.sessionfile import SessionFileError, load_session_file
from host.core.tokens import new_token, token_hash
from host.live.recap_drafts import DRAFT_AUTHOR
from host.live.transcript_source import load_source, session_info
from host.protocol.plain_text import clean, clean_lines
from host.protocol.times import SystemClock
from host.store.engines import storage_at
from host.store.interface import ImportedParticipant, NewEvent, SessionExists
from transcripts.archive import ArchiveError, read_archive
from transcripts.export import FORMATS, export
from transcripts.model import Source
from transcripts.recap import build_recap
from transcripts.render import recap_page
from transcripts.transcript import build_transcript

PROGRESS_FROM = 1000
"""Transcripts with at least this many posts get a progress bar while their recap is written."""

out_option = click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Write to this file instead of standard output.",
)


@click.command()
@click.argument("slug")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="md", show_default=True)
@out_option
@click.option(
    "--include-hidden", is_flag=True, help="Keep hidden posts and banned authors, marked (a moderator's copy)."
)
@db_option
def transcript(slug: str, fmt: str, out: Path | None, include_hidden: bool, db_path: Path | str | None) -> None:
    """Print a session's transcript: each question with its answers, replies and likes."""
    source = _source(slug, db_path)
    emit(export(build_transcript(source, include_hidden=include_hidden), fmt), out)


@click.command("import")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--questions",
    "questions_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A session file (TOML, as for `session add`) with the chat's title, hashtag, guest and questions.",
)
@db_option
@url_option
def import_archive(archive: Path, questions_file: Path, db_path: Path | str | None, url: str | None) -> None:
    """Turn ARCHIVE (a TAGS-style CSV of an old Twitter chat) into an ended session with its transcript and recap.

    Rows that cannot be read are reported by line; the rest is imported.
    """
    try:
        spec = load_session_file(questions_file.read_text(encoding="utf-8"))
    except SessionFileError as error:
        raise click.ClickException(f"{questions_file}: {error}") from None
    except UnicodeDecodeError:
        raise click.ClickException(f"{questions_file}: not UTF-8 text") from None
    try:
        chat = read_archive(archive.read_text(encoding="utf-8"), session_info(spec))
    except ArchiveError as error:
        raise click.ClickException(f"{archive}: {error}") from None
    except UnicodeDecodeError:
        raise click.ClickException(f"{archive}: not UTF-8 text (export the sheet as UTF-8 CSV)") from None
    for problem in chat.problems:
        click.echo(f"{archive}: {clean(str(problem))}; skipped", err=True)
    if not chat.messages:
        raise click.ClickException(f"{archive}: no tweet could be imported")
    settings = settings_for(db_path, url)
    events = [
        NewEvent(
            event.seq, event.kind, event.at, dict(event.data),
            message_key=(
                (handle_key(event.data["message"]["author"]), f"import:{chat.tweet_ids[event.seq]}")
                if event.kind == "message" else None
            ),
        )
        for event in chat.events
    ]
    people = [
        ImportedParticipant(p.handle, (handle_key(p.handle), handle_keys(p.handle)), p.joined_at, p.quote)
        for p in chat.people
    ]

    async def store() -> None:
        now = SystemClock().now()
        async with storage_at(settings.database) as storage:
            # Tokens nobody holds: an imported participant cannot resume a session that is over.
            tokens = [token_hash(new_token()) for _ in people]
            session_id = await storage.import_session(spec, token_hash(new_token()), now, events, people, tokens)
            stored = await storage.session(spec.slug)
            assert stored is not None and stored.id == session_id
            recap = build_recap(await load_source(storage, stored), settings.printed_url)
            await storage.add_first_recap(session_id, recap.markdown, DRAFT_AUTHOR, now)

    try:
        run_async(store)
    except SessionExists:
        raise click.ClickException(f"a session “{spec.slug}” already exists in {settings.database_name}") from None
    skipped = f"; {len(chat.problems)} row{'s' if len(chat.problems) != 1 else ''} skipped" if chat.problems else ""
    retweets = f"; {chat.retweets} retweet{'s' if chat.retweets != 1 else ''} left out" if chat.retweets else ""
    click.echo(f"imported {chat.messages} tweets into “{spec.slug}” ({len(people)} people){skipped}{retweets}")
    click.echo(f"  transcript: hashtalk transcript {spec.slug}    recap: hashtalk recap {spec.slug}")


@click.command()
@click.argument("slug")
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default="md", show_default=True)
@out_option
@db_option
@url_option
def recap(slug: str, fmt: str, out: Path | None, db_path: Path | str | None, url: str | None) -> None:
    """Write the recap of a session from its transcript (Markdown, or HTML with a chart of answers per minute)."""
    settings = settings_for(db_path, url, reads=True)
    source = _source(slug, db_path)
    posts = sum(1 for event in source.events if event.kind in ("message", "approve"))
    if posts >= PROGRESS_FROM:
        with click.progressbar(length=100, label=f"Writing the recap of {posts} posts", file=sys.stderr) as bar:
            done = 0

            def progress(step: int, total: int) -> None:
                nonlocal done
                target = step * 100 // total
                bar.update(target - done)
                done = target

            written = build_recap(source, settings.printed_url, progress=progress)
    else:
        written = build_recap(source, settings.printed_url)
    emit(recap_page(written) if fmt == "html" else written.markdown, out)


def _source(slug: str, db_path: Path | str | None) -> Source:
    settings = settings_for(db_path, reads=True)
    loaded: list[Source] = []

    async def load() -> None:
        async with storage_at(settings.database) as storage:
            stored = await storage.session(slug)
            if stored is None:
                raise click.ClickException(f"no session “{slug}” in {settings.database_name}")
            loaded.append(await load_source(storage, stored))

    # Not the coroutine's return value: as asyncio.run (Python 3.11) closes, it may take the repr of its
    # task, result included, and the repr of a 10,000-message log costs a second.
    run_async(load)
    return loaded[0]


def emit(text: str, out: Path | None) -> None:
    """Print `text`, or write it to `out` and say so."""
    if out is None:
        # Printed, a participant's escape sequence would act on the operator's terminal; a file keeps the text whole.
        click.echo(clean_lines(text), nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as error:
        raise click.ClickException(f"cannot write {out}: {error.strerror}") from None
    click.echo(f"wrote {out}", err=True)
