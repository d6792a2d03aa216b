"""Sessions: stored and found by slug, redefined, their guest tokens, archive imports, and deleting one with all of it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from host.core.handles import handle_key
from host.store.interface import ImportedParticipant, SessionExists, Storage
from tests.conftest import T0, make_spec
from tests.host.store.conftest import keys_of, message, reaction


async def test_sessions_are_found_by_slug_in_the_order_they_were_added(storage: Storage) -> None:
    """A stored session reads back with its whole definition; the lists keep the order of adding; a slug is taken once."""
    first = await storage.add_session(make_spec("b-first", notes=("a note",)), "g", T0)
    second = await storage.add_session(make_spec("a-second"), "g", T0)
    stored = await storage.session("b-first")
    assert stored is not None and stored.id == first and stored.spec == make_spec("b-first", notes=("a note",))
    assert await storage.session("nobody") is None
    assert [s.id for s in await storage.sessions()] == [first, second]
    assert await storage.slugs() == ["b-first", "a-second"]
    ids = await storage.session_ids()
    assert list(ids) == ["b-first", "a-second"] and len(set(ids.values())) == 2
    with pytest.raises(SessionExists):
        await storage.add_session(make_spec("a-second"), "g", T0)
    assert len(await storage.sessions()) == 2


async def test_a_session_can_be_redefined(storage: Storage) -> None:
    """update_session_spec replaces the stored definition."""
    session_id = await storage.add_session(make_spec(), "g", T0)
    changed = replace(make_spec(), title="Another title", questions=("Only one?",))
    await storage.update_session_spec(session_id, changed)
    stored = await storage.session("chat")
    assert stored is not None and stored.spec == changed


async def test_a_new_guest_token_replaces_the_old_one(storage: Storage) -> None:
    """Only the current guest token matches, in its own session; a new one for an unknown slug changes nothing."""
    one = await storage.add_session(make_spec("one"), "g1", T0)
    two = await storage.add_session(make_spec("two"), "g2", T0)
    assert await storage.guest_token_matches(one, "g1") and not await storage.guest_token_matches(two, "g1")
    assert await storage.set_guest_token("one", "g3")
    assert not await storage.guest_token_matches(one, "g1") and await storage.guest_token_matches(one, "g3")
    assert not await storage.set_guest_token("nobody", "g4")


async def test_an_import_stores_the_log_its_projections_and_the_people_at_once(storage: Storage) -> None:
    """import_session stores events, messages, reactions and participants together; a taken slug stores nothing."""
    events = [message(1, T0, "ana", "A1: hi", cid="x"), reaction(2, T0, 1, "bo")]
    people = [ImportedParticipant("ana", keys_of("ana"), T0, "anonymous"), ImportedParticipant("bo", keys_of("bo"), T0)]
    session_id = await storage.import_session(make_spec(), "g", T0, events, people, ["t-ana", "t-bo"])
    assert [e.seq for e in await storage.events(session_id)] == [1, 2]
    assert await storage.message_seq_for_cid(session_id, handle_key("ana"), "x") == 1
    assert await storage.reaction(session_id, 1, "like", handle_key("bo")) == (True, 1)
    ana = await storage.participant_by_token(session_id, "t-ana")
    assert ana is not None and (ana.handle, ana.quote) == ("ana", "anonymous")
    assert await storage.guest_token_matches(session_id, "g")
    with pytest.raises(SessionExists):
        await storage.import_session(make_spec(), "g", T0, events, people, ["t-1", "t-2"])
    assert len(await storage.sessions()) == 1


async def test_deleting_a_session_takes_everything_of_it_and_nothing_else(storage: Storage) -> None:
    """Its log, messages, reactions, people, recaps and writer tokens go; another session's stay; a second delete is False."""
    gone = await storage.add_session(make_spec("gone"), "g", T0)
    kept = await storage.add_session(make_spec("kept"), "g", T0)
    for session_id in (gone, kept):
        await storage.add_participant(session_id, "ana", keys_of("ana"), f"t-{session_id}", T0)
        await storage.append(session_id, [message(1, T0, "ana", "A1: hi"), reaction(2, T0, 1, "ana")])
        await storage.add_recap(session_id, "# Recap", "generated", "hashtalk", T0)
        await storage.add_writer_token(session_id, f"w-{session_id}", T0)
    assert await storage.delete_session("gone")
    assert not await storage.delete_session("gone")
    assert await storage.session("gone") is None and await storage.slugs() == ["kept"]
    assert await storage.events(gone) == [] and await storage.head(gone) == 0
    assert await storage.counts(gone) == type(await storage.counts(gone))(0, 0, 0)
    assert await storage.participants(gone) == [] and await storage.recaps(gone) == []
    assert not await storage.writer_token_matches(gone, f"w-{gone}")
    kept_counts = await storage.counts(kept)
    assert (kept_counts.participants, kept_counts.messages, kept_counts.reactions) == (1, 1, 1)
    assert await storage.has_recap(kept) and await storage.writer_token_matches(kept, f"w-{kept}")
    assert await storage.integrity_ok()


async def test_handles_seen_before_are_from_earlier_sessions_of_the_same_hashtag(storage: Storage) -> None:
    """Only people who joined an earlier session with the same hashtag (in any case) count as returning."""
    earlier = await storage.add_session(replace(make_spec("a"), hashtag="#testchat"), "g", T0)
    other_tag = await storage.add_session(replace(make_spec("b"), hashtag="#Other"), "g", T0)
    this = await storage.add_session(make_spec("c", starts_in=86400.0), "g", T0)
    later = await storage.add_session(make_spec("d", starts_in=2 * 86400.0), "g", T0)
    for session_id, handles in ((earlier, ("Ana", "bo")), (other_tag, ("cy",)), (this, ("ana", "dee")), (later, ("eve",))):
        for n, handle in enumerate(handles):
            await storage.add_participant(session_id, handle, keys_of(handle), f"t-{session_id}-{n}", T0)
    assert await storage.handles_seen_before(this) == frozenset({"Ana", "bo"})
    assert await storage.handles_seen_before(earlier) == frozenset()


async def test_a_removed_sessions_id_is_never_given_again(storage: Storage) -> None:
    """A session removed and added again under its slug gets a new id, so nobody takes it for the old one."""
    first = await storage.add_session(make_spec("again"), "guest-hash", T0)
    assert await storage.delete_session("again")
    second = await storage.add_session(make_spec("again"), "guest-hash", T0)
    assert second != first and (await storage.session_ids())["again"] == second
