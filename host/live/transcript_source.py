"""Reading a stored session into the inputs of `transcripts` (which knows nothing of storage)."""

from __future__ import annotations

from host.core.session import SessionSpec
from host.store.interface import Storage, StoredSession
from transcripts.model import GuestInfo, LogEvent, Person, SessionInfo, Source, folded_handle


def session_info(spec: SessionSpec) -> SessionInfo:
    """What the transcript and the recap need of a session's definition."""
    guest = GuestInfo(spec.guest.handle, spec.guest.name, spec.guest.bio)
    return SessionInfo(spec.slug, spec.title, spec.hashtag, guest, spec.questions, spec.starts_at, spec.format)


async def load_source(storage: Storage, stored: StoredSession) -> Source:
    """A session's whole log, its people and who was seen in its hashtag's earlier sessions."""
    events = await storage.events(stored.id)
    people = await storage.participants(stored.id)
    return Source(
        session=session_info(stored.spec),
        events=tuple(LogEvent(event.seq, event.kind, event.at, event.data) for event in events),
        people=tuple(Person(person.handle, person.quote, person.joined_at) for person in people),
        # Compared as the transcript compares the people in it.
        seen_before=frozenset(folded_handle(handle) for handle in await storage.handles_seen_before(stored.id)),
    )
