"""Storing a generated chat in a real SQLite file, as an ended session with its whole log."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from host.core.handles import handle_key, handle_keys
from host.core.session import Guest, Pacing, SessionSpec
from host.core.tokens import new_token, token_hash
from host.store.engines import storage_at
from host.store.interface import ImportedParticipant, NewEvent
from tests.transcripts.chatgen import Chat


def chat_spec(chat: Chat, **overrides: object) -> SessionSpec:
    session = chat.source.session
    spec = SessionSpec(
        slug=session.slug,
        title=session.title,
        hashtag=session.hashtag,
        starts_at=session.starts_at,
        guest=Guest(session.guest.handle, session.guest.name, session.guest.bio),
        questions=session.questions,
        format=session.format,
        pacing=Pacing(lobby=600.0, question=360.0, wrapup=300.0),
    )
    return replace(spec, **overrides)  # type: ignore[arg-type]


async def store_chat(db_path: Path, chat: Chat, **overrides: object) -> int:
    """Store `chat` (its log, its people and their quote choices); returns the session's id."""
    spec = chat_spec(chat, **overrides)
    events = [
        NewEvent(
            event.seq, event.kind, event.at, dict(event.data),
            message_key=(handle_key(event.data["message"]["author"]), f"c{event.seq}")
            if event.kind == "message" else None,
        )
        for event in chat.source.events
    ]
    people = [
        ImportedParticipant(p.handle, (handle_key(p.handle), handle_keys(p.handle)), p.joined_at, p.quote)
        for p in chat.source.people
    ]
    async with storage_at(db_path) as storage:
        return await storage.import_session(
            spec, token_hash(new_token()), spec.starts_at, events, people, [token_hash(new_token()) for _ in people]
        )
