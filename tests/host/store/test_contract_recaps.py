"""Recaps: versions kept in order, the first draft once, saves on the latest only, autosaves folded, publications."""

from __future__ import annotations

import pytest

from host.store.interface import StaleBase, Storage
from tests.conftest import T0, make_spec


async def test_recap_versions_and_the_first_draft_only_once(storage: Storage) -> None:
    """Versions are kept in order; the generated first draft is not added twice; kinds are checked."""
    session_id = await storage.add_session(make_spec(), "g", T0)
    other = await storage.add_session(make_spec("other"), "g", T0)
    assert not await storage.has_recap(session_id)
    first = await storage.add_first_recap(session_id, "# Draft", "hashtalk", T0)
    assert first is not None and await storage.add_first_recap(session_id, "# Again", "hashtalk", T0) is None
    assert await storage.has_recap(session_id) and not await storage.has_recap(other)
    edited = await storage.add_recap(session_id, "# Edited", "edited", "writer", T0 + 60)
    versions = await storage.recaps(session_id)
    assert [(v.kind, v.author, v.body_md, v.created_at) for v in versions] == [
        ("generated", "hashtalk", "# Draft", T0), ("edited", "writer", "# Edited", T0 + 60)
    ]
    assert await storage.recap(session_id, edited) == versions[1]
    assert await storage.recap(other, edited) is None  # another session's version
    with pytest.raises(ValueError):
        await storage.add_recap(session_id, "# x", "published", "writer", T0)
    assert len(await storage.recaps(session_id)) == 2


async def test_a_save_on_an_old_version_is_refused_with_the_newest(storage: Storage) -> None:
    """save_recap stores on the latest version only; otherwise StaleBase carries the latest, and nothing is written."""
    session_id = await storage.add_session(make_spec(), "g", T0)
    with pytest.raises(StaleBase) as nothing_yet:
        await storage.save_recap(session_id, 7, "# x", "ana", T0)
    assert nothing_yet.value.head is None
    first, replaced = await storage.save_recap(session_id, None, "# First", "ana", T0)
    assert replaced is None and (first.kind, first.author, first.autosave) == ("edited", "ana", False)
    second, _ = await storage.save_recap(session_id, first.id, "# Second", "bo", T0 + 1)
    with pytest.raises(StaleBase) as stale:
        await storage.save_recap(session_id, first.id, "# Late", "cy", T0 + 2)
    assert stale.value.head == second
    assert [v.body_md for v in await storage.recaps(session_id)] == ["# First", "# Second"]


async def test_autosaves_fold_within_their_window_and_never_over_a_published_version(storage: Storage) -> None:
    """An autosave replaces the same writer's autosave before it while the run is young; a published one is kept."""
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
    # Another writer's autosave never folds into this one's.
    e, folded = await storage.save_recap(session_id, d.id, "abcde", "bo", T0 + 604, autosave=True, fold_window=600)
    assert folded is None
    assert [v.body_md for v in await storage.recaps(session_id)] == ["ab", "abc", "abcd", "abcde"]
    assert await storage.published_recap_ids(session_id) == {c.id}
    assert d.autosave and e.autosave


async def test_the_last_publication_is_the_one_readers_see(storage: Storage) -> None:
    """The last publication is the one readers see, with the first one's date; the list is newest first, up to a limit."""
    one = await storage.add_session(make_spec("one"), "g", T0)
    two = await storage.add_session(make_spec("two"), "g", T0)
    v1 = await storage.add_recap(one, "# One", "generated", "hashtalk", T0)
    v2 = await storage.add_recap(one, "# One, edited", "edited", "ana", T0 + 5)
    w1 = await storage.add_recap(two, "# Two", "generated", "hashtalk", T0)
    assert await storage.publish_recap(one, w1, "ana", T0) is None  # another session's version
    assert await storage.published_recap(one) is None and await storage.published_recaps(10) == []
    await storage.publish_recap(one, v1, "ana", T0 + 10)
    await storage.publish_recap(two, w1, "bo", T0 + 20)
    published = await storage.publish_recap(one, v2, "cy", T0 + 30)
    current = await storage.published_recap(one)
    assert current is not None and current == published
    assert current.version.id == v2 and current.version.body_md == "# One, edited" and current.published_by == "cy"
    assert (current.published_at, current.first_published_at) == (T0 + 30, T0 + 10)
    assert [(p.session_id, p.version.id) for p in await storage.published_recaps(10)] == [(one, v2), (two, w1)]
    assert [p.session_id for p in await storage.published_recaps(1)] == [one]
    assert await storage.published_recap_ids(one) == {v1, v2}

    assert await storage.delete_session("one")  # its versions and publications go with it
    assert await storage.published_recaps(10) != [] and await storage.published_recap(one) is None
    assert await storage.integrity_ok()
