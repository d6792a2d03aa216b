"""Storage for recaps: versions in the recaps table, and who was seen in a hashtag's earlier sessions."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from host.handles import handle_key, handle_keys
from host.storage import MIGRATIONS, Storage
from host.transcript_source import load_source
from tests.conftest import T0, make_spec


async def _join(storage: Storage, session_id: int, *handles: str) -> None:
    for n, handle in enumerate(handles):
        keys = (handle_key(handle), handle_keys(handle))
        await storage.add_participant(session_id, handle, keys, f"t-{session_id}-{n}", T0)


async def test_handles_seen_before_are_from_earlier_sessions_of_the_same_hashtag(db_path: Path) -> None:
    """Only people who joined an earlier session with the same hashtag (in any case) count as returning."""
    async with Storage(db_path) as storage:
        earlier = await storage.add_session(replace(make_spec("a"), hashtag="#testchat"), "g", T0)
        other_tag = await storage.add_session(replace(make_spec("b"), hashtag="#Other"), "g", T0)
        this = await storage.add_session(make_spec("c", starts_in=86400.0), "g", T0)
        later = await storage.add_session(make_spec("d", starts_in=2 * 86400.0), "g", T0)
        await _join(storage, earlier, "Ana", "bo")
        await _join(storage, other_tag, "cy")
        await _join(storage, this, "ana", "dee")
        await _join(storage, later, "eve")
        assert await storage.handles_seen_before(this) == frozenset({"Ana", "bo"})
        assert await storage.handles_seen_before(earlier) == frozenset()
        stored = await storage.session("c")
        assert stored is not None
        source = await load_source(storage, stored)
    assert [p.handle for p in source.people] == ["ana", "dee"] and source.seen_before == {"ana", "bo"}


async def test_recap_versions_and_the_first_draft_only_once(db_path: Path) -> None:
    """Versions are kept in order; the generated first draft is not added twice; kinds are checked."""
    async with Storage(db_path) as storage:
        session_id = await storage.add_session(make_spec(), "g", T0)
        assert not await storage.has_recap(session_id)
        first = await storage.add_first_recap(session_id, "# Draft", "hashtalk", T0)
        assert first is not None and await storage.add_first_recap(session_id, "# Again", "hashtalk", T0) is None
        await storage.add_recap(session_id, "# Edited", "edited", "writer", T0 + 60)
        versions = await storage.recaps(session_id)
        assert [(v.kind, v.author, v.body_md) for v in versions] == [
            ("generated", "hashtalk", "# Draft"), ("edited", "writer", "# Edited")
        ]
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            await storage.add_recap(session_id, "# x", "published", "writer", T0)
        await storage.delete_session("chat")
        assert await storage.recaps(session_id) == []
    assert len(MIGRATIONS) == 2
