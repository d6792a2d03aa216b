"""The log and its projections: append in `seq` order, the reads over it, messages, reactions and counts."""

from __future__ import annotations

import asyncio

import pytest

from host.core.handles import handle_key
from host.store.interface import NewEvent, SeqTaken, Storage
from tests.conftest import T0, make_spec
from tests.host.store.conftest import keys_of, message, reaction


async def _session(storage: Storage) -> int:
    return await storage.add_session(make_spec(), "guest-hash", T0)


def _announcement(seq: int, body: str = "hi") -> NewEvent:
    return NewEvent(seq, "announcement", T0 + seq, {"body": body, "by": "host"})


async def test_appended_events_come_back_in_seq_order_with_their_data(storage: Storage) -> None:
    """Events appended in batches read back in `seq` order, each with its kind, time and data, and the head follows."""
    session_id = await _session(storage)
    assert await storage.head(session_id) == 0 and await storage.events(session_id) == []
    await storage.append(session_id, [_announcement(1, "één"), _announcement(2)])
    await storage.append(session_id, [NewEvent(3, "state", T0 + 3, {"state": "live", "question": 1, "nested": [1]})])
    events = await storage.events(session_id)
    assert [(e.seq, e.kind, e.at) for e in events] == [(1, "announcement", T0 + 1), (2, "announcement", T0 + 2),
                                                       (3, "state", T0 + 3)]
    assert events[0].data == {"body": "één", "by": "host"} and events[2].data["nested"] == [1]
    assert await storage.head(session_id) == 3


async def test_events_are_read_since_until_of_kinds_and_up_to_a_limit(storage: Storage) -> None:
    """`since` is exclusive, `until` inclusive, `kinds` filters and `limit` keeps the first ones, all together."""
    session_id = await _session(storage)
    other = await storage.add_session(make_spec("other"), "g", T0)
    await storage.append(session_id, [
        _announcement(1), NewEvent(2, "state", T0, {}), _announcement(3), NewEvent(4, "state", T0, {}), _announcement(5),
    ])
    await storage.append(other, [_announcement(1)])

    async def seqs(**query: object) -> list[int]:
        return [e.seq for e in await storage.events(session_id, **query)]  # type: ignore[arg-type]

    assert await seqs(since=2) == [3, 4, 5]
    assert await seqs(since=1, until=4) == [2, 3, 4]
    assert await seqs(kinds=["announcement"]) == [1, 3, 5]
    assert await seqs(kinds=iter(["state"]), since=2) == [4]
    assert await seqs(kinds=[]) == []
    assert await seqs(limit=2, since=1) == [2, 3]
    assert await seqs(since=1, until=5, kinds=("announcement",), limit=1) == [3]
    assert await seqs(since=5) == []


async def test_an_append_is_all_or_nothing(storage: Storage) -> None:
    """A batch with a `seq` already in the log is refused whole: none of its events or projection rows is stored."""
    session_id = await _session(storage)
    await storage.append(session_id, [_announcement(1)])
    with pytest.raises(Exception):  # noqa: B017 (each engine raises its own integrity error)
        await storage.append(session_id, [message(2, T0, "ana", "A1: hi"), _announcement(1)])
    assert [e.seq for e in await storage.events(session_id)] == [1]
    assert await storage.message(session_id, 2) is None and (await storage.counts(session_id)).messages == 0


async def test_a_resent_cid_finds_the_message_it_stored(storage: Storage) -> None:
    """The (author, cid) of a message finds its `seq`; another author or cid, or another session, finds nothing."""
    session_id = await _session(storage)
    other = await storage.add_session(make_spec("other"), "g", T0)
    await storage.append(session_id, [message(1, T0, "Ana", "A1: hi", cid="abc"), message(2, T0, "bo", "x", cid="abc")])
    assert await storage.message_seq_for_cid(session_id, handle_key("Ana"), "abc") == 1
    assert await storage.message_seq_for_cid(session_id, handle_key("bo"), "abc") == 2
    assert await storage.message_seq_for_cid(session_id, handle_key("Ana"), "abd") is None
    assert await storage.message_seq_for_cid(other, handle_key("Ana"), "abc") is None


async def test_a_message_row_follows_approvals_hides_and_refiles(storage: Storage) -> None:
    """A held post turns visible when approved; hide, unhide, reject and refile change the row their target names."""
    session_id = await _session(storage)
    await storage.append(session_id, [
        message(1, T0, "ana", "A1: first", role="guest"),
        message(2, T0 + 1, "bo", "held one", kind="held", reply_to=1, question=None),
    ])
    first = await storage.message(session_id, 1)
    held = await storage.message(session_id, 2)
    assert first is not None and (first.author, first.author_key, first.role, first.body) == (
        "ana", handle_key("ana"), "guest", "A1: first")
    assert first.is_public and (first.status, first.hidden, first.question, first.at) == ("visible", False, 1, T0)
    assert held is not None and held.status == "held" and not held.is_public and held.reply_to == 1
    await storage.append(session_id, [
        NewEvent(3, "approve", T0, {"target": 2}),
        NewEvent(4, "hide", T0, {"target": 1}),
        NewEvent(5, "refile", T0, {"target": 2, "question": 3}),
    ])
    first, held = await storage.message(session_id, 1), await storage.message(session_id, 2)
    assert first is not None and first.hidden and not first.is_public
    assert held is not None and held.is_public and held.question == 3
    await storage.append(session_id, [NewEvent(6, "unhide", T0, {"target": 1}), NewEvent(7, "reject", T0, {"target": 2})])
    first, held = await storage.message(session_id, 1), await storage.message(session_id, 2)
    assert first is not None and first.is_public
    assert held is not None and held.status == "rejected"
    assert await storage.message(session_id, 3) is None  # an approval is no message


async def test_reactions_toggle_per_person_and_count_everyone(storage: Storage) -> None:
    """A like on, another person's like, and one taken back: each person sees their own, the count sees all."""
    session_id = await _session(storage)
    await storage.append(session_id, [message(1, T0, "ana", "A1: hi")])
    await storage.append(session_id, [reaction(2, T0, 1, "bo"), reaction(3, T0, 1, "cy")])
    assert await storage.reaction(session_id, 1, "like", handle_key("bo")) == (True, 2)
    assert await storage.reaction(session_id, 1, "like", handle_key("ana")) == (False, 2)
    await storage.append(session_id, [reaction(4, T0, 1, "bo", on=False)])
    assert await storage.reaction(session_id, 1, "like", handle_key("bo")) == (False, 1)
    assert await storage.reaction(session_id, 1, "other", handle_key("cy")) == (False, 0)


async def test_counts_are_of_this_session_only(storage: Storage) -> None:
    """Participants, messages (held ones too) and reactions are counted per session."""
    session_id = await _session(storage)
    other = await storage.add_session(make_spec("other"), "g", T0)
    await storage.add_participant(session_id, "ana", keys_of("ana"), "t1", T0)
    await storage.add_participant(other, "ana", keys_of("ana"), "t2", T0)
    await storage.append(session_id, [message(1, T0, "ana", "a"), message(2, T0, "ana", "b", kind="held")])
    await storage.append(session_id, [reaction(3, T0, 1, "bo")])
    counts = await storage.counts(session_id)
    assert (counts.participants, counts.messages, counts.reactions) == (1, 2, 1)
    assert (await storage.counts(other)).messages == 0


async def test_a_commit_is_visible_to_the_next_read_while_lookups_run_concurrently(storage: Storage) -> None:
    """A replay right after a commit finds the new event even while other lookups share the reader.

    A single-row lookup used to be three calls on the reader's thread
    (execute, fetchone, close); between them its unfinished statement held a
    read transaction open, and any other query on the reader in that window
    read that older snapshot. Under load a resuming client's replay then found
    no event up to the room's head and the connection died (IndexError in
    `_replay`), and a `cid` lookup could miss a post committed a moment before.
    """
    session_id = await storage.add_session(make_spec(), "guest-hash", T0)
    lookups_running = True

    async def lookups() -> None:
        while lookups_running:
            await asyncio.gather(*(storage.session("chat") for _ in range(20)))  # each finds its row
            await asyncio.gather(*(storage.head(session_id) for _ in range(5)))

    busy = asyncio.create_task(lookups())
    unseen = []
    try:
        for seq in range(1, 201):
            await storage.append(session_id, [NewEvent(seq, "announcement", T0, {"body": "hi", "by": "host"})])
            if not await storage.events(session_id, since=seq - 1, until=seq):
                unseen.append(seq)
    finally:
        lookups_running = False
        await busy
    assert unseen == []


async def test_a_taken_seq_is_refused_as_seq_taken(storage: Storage) -> None:
    """Every engine refuses an append whose `seq` is in the log already with the same SeqTaken, never its driver's error."""
    session_id = await _session(storage)
    await storage.append(session_id, [_announcement(1)])
    with pytest.raises(SeqTaken):
        await storage.append(session_id, [_announcement(1)])
    assert [e.seq for e in await storage.events(session_id)] == [1]
