"""Admission: turning a hello into an identity, or a refusal that closes the connection."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from host.core.handles import handle_key, handle_keys, handle_problem
from host.core.identity import MODERATOR_HANDLE, VIEWER, Identity
from host.core.settings import Settings
from host.core.tokens import new_token, token_hash
from host.live.room import Room
from host.protocol.frames import Hello
from host.protocol.refusal import Refused
from host.store.interface import HandleTaken, Storage

JOIN_RETRY_SECONDS = 600.0
"""How long after joining a hello with the same join id still gets the participant back.

A client retries a join whose welcome was lost within seconds; after ten
minutes a join id would only be a second, forgotten credential.
"""


@dataclass(frozen=True)
class Admission:
    identity: Identity
    token: str | None = None
    """A participant's resume token, sent back in the welcome."""


async def admit(hello: Hello, room: Room, storage: Storage, settings: Settings, address: str = "") -> Admission:
    """Who this hello says it is, checked against the server's records; `address` is the client's."""
    if hello.role == "viewer":
        return Admission(VIEWER)
    if hello.role == "moderator":
        if hello.token and await is_moderator_token(hello.token, storage, settings):
            return Admission(Identity(MODERATOR_HANDLE, "moderator"))
        raise Refused("bad_token", "That moderator token is not valid.", fatal=True)
    if hello.role == "guest":
        if hello.token and await storage.guest_token_matches(room.id, token_hash(hello.token)):
            return Admission(Identity(room.spec.guest.handle, "guest"))
        raise Refused("bad_token", "That guest link is not valid for this session.", fatal=True)
    if hello.token is not None:
        participant = await storage.participant_by_token(room.id, token_hash(hello.token))
        if participant is None:
            raise Refused("bad_token", "That token does not belong to this session; join with a handle.", fatal=True)
        if not room.admits(handle_keys(participant.handle) | {participant.handle_key}):
            raise Refused("banned", "You have been removed from this session.", fatal=True)
        return Admission(Identity(participant.handle, "participant"), hello.token)
    if hello.handle is None:
        raise Refused("bad_hello", "A participant joins with a handle or resumes with a token.", fatal=True)
    return await _join(hello, hello.handle, room, storage, settings, address)


async def is_moderator_token(token: str, storage: Storage, settings: Settings) -> bool:
    if settings.moderator_token and hmac.compare_digest(token.encode(), settings.moderator_token.encode()):
        return True
    return await storage.moderator_token_matches(token_hash(token))


async def _join(
    hello: Hello, handle: str, room: Room, storage: Storage, settings: Settings, address: str = ""
) -> Admission:
    if problem := handle_problem(handle):
        raise Refused("bad_handle", problem, fatal=True)
    keys = handle_keys(handle)
    if not room.admits(keys):
        raise Refused("banned", f"“{handle}” has been removed from this session.", fatal=True)
    if keys & handle_keys(room.spec.guest.handle):
        raise Refused("handle_taken", f"“{handle}” is this session's guest.", fatal=True)
    room.count_new_handle(address)  # fresh handles must not reset the per-handle limits
    token = new_token()
    join_hash = token_hash(hello.join) if hello.join else None
    try:
        await storage.add_participant(
            room.id, handle, (handle_key(handle), keys), token_hash(token), settings.clock.now(), hello.quote, join_hash
        )
    except HandleTaken:
        if rejoined := await _rejoin(hello, handle, room, storage, settings, token):
            return rejoined
        raise Refused(
            "handle_taken", f"Someone in this session already goes by “{handle}”; pick another.", fatal=True
        ) from None
    return Admission(Identity(handle, "participant"), token)


async def _rejoin(
    hello: Hello, handle: str, room: Room, storage: Storage, settings: Settings, token: str
) -> Admission | None:
    """The participant this same join made a moment ago, whose welcome never arrived, with `token` as their new one.

    The join id travelled only from that client, like a token would, so it
    proves the same person; the token they never received is replaced.
    """
    if hello.join is None:
        return None
    since = settings.clock.now() - JOIN_RETRY_SECONDS
    participant = await storage.rejoin_participant(
        room.id, handle_key(handle), token_hash(hello.join), token_hash(token), since
    )
    if participant is None:
        return None
    return Admission(Identity(participant.handle, "participant"), token)
