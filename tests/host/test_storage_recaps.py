"""Storage for recaps: versions in the recaps table, and who was seen in a hashtag's earlier sessions."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from host.core.handles import handle_key, handle_keys
from host.live.transcript_source import load_source
from host.store.sqlite import MIGRATIONS, StaleBase, Storage
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
    assert len(MIGRATIONS) == 4


async def test_a_save_on_an_old_version_is_refused_with_the_newest(db_path: Path) -> None:
    """save_recap stores on the latest version only; otherwise StaleBase carries the latest, and nothing is written."""
    async with Storage(db_path) as storage:
        session_id = await storage.add_session(make_spec(), "g", T0)
        with pytest.raises(StaleBase) as nothing_yet:
            await storage.save_recap(session_id, 7, "# x", "ana", T0)
        assert nothing_yet.value.head is None
        first, _ = await storage.save_recap(session_id, None, "# First", "ana", T0)
        second, _ = await storage.save_recap(session_id, first.id, "# Second", "bo", T0 + 1)
        with pytest.raises(StaleBase) as stale:
            await storage.save_recap(session_id, first.id, "# Late", "cy", T0 + 2)
        assert stale.value.head == second
        assert [v.body_md for v in await storage.recaps(session_id)] == ["# First", "# Second"]


async def test_autosaves_fold_within_their_window_and_never_over_a_published_version(db_path: Path) -> None:
    """An autosave replaces the same writer's autosave before it while the run is young; a published one is kept."""
    async with Storage(db_path) as storage:
        session_id = await storage.add_session(make_spec(), "g", T0)
        a, _ = await storage.save_recap(session_id, None, "a", "ana", T0, autosave=True, fold_window=600)
        b, folded = await storage.save_recap(session_id, a.id, "ab", "ana", T0 + 300, autosave=True, fold_window=600)
        assert folded == a.id
        # The run began at T0: ten minutes on, the next autosave starts a new version.
        c, folded = await storage.save_recap(session_id, b.id, "abc", "ana", T0 + 601, autosave=True, fold_window=600)
        assert folded is None
        assert await storage.publish_recap(session_id, c.id, "ana", T0 + 602) is not None
        d, folded = await storage.save_recap(session_id, c.id, "abcd", "ana", T0 + 603, autosave=True, fold_window=600)
        assert folded is None
        assert [v.body_md for v in await storage.recaps(session_id)] == ["ab", "abc", "abcd"]
        assert await storage.published_recap_ids(session_id) == {c.id}
        assert d.autosave


async def test_publications_and_writer_tokens(db_path: Path) -> None:
    """The last publication is the one readers see, with the first one's date; writer tokens add up, or replace."""
    async with Storage(db_path) as storage:
        one = await storage.add_session(make_spec("one"), "g", T0)
        two = await storage.add_session(make_spec("two"), "g", T0)
        v1 = await storage.add_recap(one, "# One", "generated", "hashtalk", T0)
        v2 = await storage.add_recap(one, "# One, edited", "edited", "ana", T0 + 5)
        w1 = await storage.add_recap(two, "# Two", "generated", "hashtalk", T0)
        assert await storage.publish_recap(one, w1, "ana", T0) is None  # another session's version
        assert await storage.published_recap(one) is None
        await storage.publish_recap(one, v1, "ana", T0 + 10)
        await storage.publish_recap(two, w1, "bo", T0 + 20)
        await storage.publish_recap(one, v2, "cy", T0 + 30)
        current = await storage.published_recap(one)
        assert current is not None and current.version.id == v2 and current.published_by == "cy"
        assert (current.published_at, current.first_published_at) == (T0 + 30, T0 + 10)
        assert [(p.session_id, p.version.id) for p in await storage.published_recaps(10)] == [(one, v2), (two, w1)]

        await storage.add_writer_token(one, "h1", T0)
        await storage.add_writer_token(one, "h2", T0)
        assert await storage.writer_token_matches(one, "h1") and await storage.writer_token_matches(one, "h2")
        assert not await storage.writer_token_matches(two, "h1")
        await storage.add_writer_token(one, "h3", T0, replace=True)
        assert not await storage.writer_token_matches(one, "h1") and await storage.writer_token_matches(one, "h3")

        assert await storage.delete_session("one")  # its versions, publications and tokens go with it
        assert await storage.published_recaps(10) != [] and await storage.published_recap(one) is None
        assert not await storage.writer_token_matches(one, "h3")
        assert await storage.integrity_ok()
