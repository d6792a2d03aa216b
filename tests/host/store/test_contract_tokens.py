"""Moderator tokens for every session, and writer links per session that add up or replace the earlier ones."""

from __future__ import annotations

from host.store.interface import Storage
from tests.conftest import T0, make_spec


async def test_moderator_tokens_are_stored_and_matched(storage: Storage) -> None:
    """A store starts with no moderator token; each one added matches, and nothing else does."""
    assert not await storage.has_moderator_token()
    await storage.add_moderator_token("m1", T0)
    await storage.add_moderator_token("m2", T0)
    assert await storage.has_moderator_token()
    assert await storage.moderator_token_matches("m1") and await storage.moderator_token_matches("m2")
    assert not await storage.moderator_token_matches("m3")


async def test_writer_tokens_add_up_or_replace_per_session(storage: Storage) -> None:
    """Writer tokens match in their own session only; with `replace` the session's earlier ones stop matching."""
    one = await storage.add_session(make_spec("one"), "g", T0)
    two = await storage.add_session(make_spec("two"), "g", T0)
    await storage.add_writer_token(one, "h1", T0)
    await storage.add_writer_token(one, "h2", T0)
    await storage.add_writer_token(two, "h9", T0)
    assert await storage.writer_token_matches(one, "h1") and await storage.writer_token_matches(one, "h2")
    assert not await storage.writer_token_matches(two, "h1")
    await storage.add_writer_token(one, "h3", T0, replace=True)
    assert not await storage.writer_token_matches(one, "h1") and await storage.writer_token_matches(one, "h3")
    assert await storage.writer_token_matches(two, "h9")
