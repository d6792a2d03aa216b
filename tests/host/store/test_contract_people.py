"""Participants: handles unique per session by every look-alike key, found by token, and a retried join."""

from __future__ import annotations

import pytest

from host.core.handles import handle_key
from host.store.interface import HandleTaken, Participant, Storage
from tests.conftest import T0, make_spec
from tests.host.store.conftest import keys_of


async def test_participants_are_found_by_token_and_listed_in_the_order_they_joined(storage: Storage) -> None:
    """Each participant's token finds them in their session only; the list is in order of joining, with quote choices."""
    session_id = await storage.add_session(make_spec(), "g", T0)
    other = await storage.add_session(make_spec("other"), "g", T0)
    await storage.add_participant(session_id, "Bo", keys_of("Bo"), "t-bo", T0 + 5, "anonymous")
    await storage.add_participant(session_id, "ana", keys_of("ana"), "t-ana", T0 + 1)
    assert await storage.participant_by_token(session_id, "t-bo") == Participant("Bo", handle_key("Bo"), "anonymous", T0 + 5)
    assert await storage.participant_by_token(other, "t-bo") is None
    assert await storage.participant_by_token(session_id, "t-nobody") is None
    assert [p.handle for p in await storage.participants(session_id)] == ["ana", "Bo"]
    assert await storage.participants(other) == []


async def test_a_handle_is_taken_by_any_of_its_look_alike_keys(storage: Storage) -> None:
    """Another case, or a confusable spelling, of a handle in use is HandleTaken; in another session it is free."""
    session_id = await storage.add_session(make_spec(), "g", T0)
    other = await storage.add_session(make_spec("other"), "g", T0)
    await storage.add_participant(session_id, "paypal", keys_of("paypal"), "t1", T0)
    for look_alike in ("PayPal", "paypa1"):
        with pytest.raises(HandleTaken):
            await storage.add_participant(session_id, look_alike, keys_of(look_alike), f"t-{look_alike}", T0)
    assert [p.handle for p in await storage.participants(session_id)] == ["paypal"]
    await storage.add_participant(other, "PayPal", keys_of("PayPal"), "t2", T0)


async def test_a_join_retried_with_its_join_id_gets_a_new_token_while_the_id_is_fresh(storage: Storage) -> None:
    """The same handle and join id, joined since `joined_since`, get the new token (the old one stops); else None."""
    session_id = await storage.add_session(make_spec(), "g", T0)
    await storage.add_participant(session_id, "ana", keys_of("ana"), "t-old", T0 + 10, join_hash="j1")
    await storage.add_participant(session_id, "bo", keys_of("bo"), "t-bo", T0 + 10)
    key = handle_key("ana")
    assert await storage.rejoin_participant(session_id, key, "j2", "t-new", T0) is None
    assert await storage.rejoin_participant(session_id, key, "j1", "t-new", T0 + 11) is None  # joined too long ago
    assert await storage.rejoin_participant(session_id, handle_key("bo"), "j1", "t-new", T0) is None
    again = await storage.rejoin_participant(session_id, key, "j1", "t-new", T0 + 10)
    assert again == Participant("ana", key, "handle", T0 + 10)
    assert await storage.participant_by_token(session_id, "t-old") is None
    assert await storage.participant_by_token(session_id, "t-new") == again
