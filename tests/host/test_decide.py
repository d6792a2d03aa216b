"""The decision about each client frame, made from the room's state, the frame and the facts looked up, with no I/O."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from host.core import decide
from host.core.decide import (
    Decision,
    KnownMessage,
    ModFacts,
    PostFacts,
    PrepareFacts,
    ReactFacts,
    ReportFacts,
    RoomState,
)
from host.core.engine import LiveState
from host.core.flood import Flood, LimitSettings, PostTally, ReactionLimits, ReactionTally, ReportTally
from host.core.identity import Identity
from host.core.moderation import Moderation, Settings, Target, WordFilter
from host.protocol.frames import Mod, Post, Prepare, React, Report, Unprepare
from host.protocol.refusal import Refused
from host.store.interface import StoredEvent
from tests.conftest import T0, make_spec

NOW = T0 + 1000.0
ANA = Identity("ana", "participant")
BOB = Identity("bob", "participant")
GUEST = Identity("genepetrov", "guest")
HOST = Identity("host", "moderator")
VIEWER = Identity("", "viewer")
HEAD = 10
"""The log's head in every room here: the first event decided gets seq 11."""
MESSAGE = KnownMessage(seq=5, author="bob", question=1, public=True)
HIDDEN = KnownMessage(seq=6, author="bob", question=1, public=False)


def room(*, dropped: int = 1, state: str = "live", limits: LimitSettings | None = None, **moderation: Any) -> RoomState:
    """A room with `dropped` questions out (the last a minute ago), moderation settings from `moderation`."""
    live = LiveState(state=state, question=dropped or None, opened=tuple(NOW - 60.0 * (dropped - n) for n in range(dropped)))
    return RoomState(
        spec=make_spec(questions=3),
        live=live,
        moderation=Moderation(settings=Settings(**moderation)),
        head=HEAD,
        flood=Flood(limits or LimitSettings()),
        max_post_chars=280,
        max_links=2,
        now=NOW,
    )


def refusal(decision: Decision) -> str:
    """The refusal's code; fails when the decision is not a refusal or would still write something."""
    assert decision.refused is not None and decision.changes == () and decision.tallies == (), decision
    return decision.refused.code


def counted(state: RoomState, decision: Decision) -> RoomState:
    """The room after the decision's commit: its tallies counted, the log's head moved on."""
    state.flood.count(decision.tallies, state.now)
    return replace(state, head=state.head + len(decision.changes))


def post(body: str = "A1: people who show up", cid: str = "c1", **frame: Any) -> Post:
    return Post(cid=cid, body=body, **frame)


# posts


def test_a_post_is_a_message_acked_with_the_next_seq_and_counted_for_its_author() -> None:
    """A participant's post appends one message, is acked at head + 1 and counts against the author's limits."""
    decision = decide.post(room(), ANA, post(), PostFacts())
    assert [change.kind for change in decision.changes] == ["message"] and decision.ack == HEAD + 1
    assert decision.changes[0].data["message"] == {
        "author": "ana", "role": "participant", "question": 1, "body": "A1: people who show up", "reply_to": None,
    }
    assert decision.tallies == (PostTally("ana", "A1: people who show up"),) and decision.message_key == ("ana", "c1")


def test_a_moderators_post_counts_against_no_limit() -> None:
    """Moderators are not rate-limited: their post has nothing to count."""
    assert decide.post(room(), HOST, post(), PostFacts()).tallies == ()


def test_a_resent_cid_gets_the_first_seq_whatever_happened_since() -> None:
    """A cid already committed is acked with its seq and writes nothing, even once its author is muted."""
    muted = replace(room(), moderation=Moderation(muted=(("ana", "ana", NOW + 60),)))
    decision = decide.post(muted, ANA, post(), PostFacts(earlier=7))
    assert decision == Decision(ack=7)


def test_a_too_long_post_is_refused_even_when_resent() -> None:
    """The text is checked before the cid: a resend never slips a bad body past the check."""
    assert refusal(decide.post(room(), ANA, post("x" * 281), PostFacts(earlier=7))) == "too_long"


def test_an_empty_post_is_refused() -> None:
    """Only invisible characters make no post."""
    assert refusal(decide.post(room(), ANA, post("\u200b "), PostFacts())) == "empty_post"


def test_a_muted_participant_is_told_until_when() -> None:
    """A mute refuses posts, and says when it ends."""
    muted = replace(room(), moderation=Moderation(muted=(("ana", "ana", NOW + 60),)))
    decision = decide.post(muted, ANA, post(), PostFacts())
    assert refusal(decision) == "muted" and decision.refused is not None and "until" in decision.refused.details


def test_a_mute_that_has_ended_refuses_nothing() -> None:
    """A mute until a moment already past lets the author post again."""
    ended = replace(room(), moderation=Moderation(muted=(("ana", "ana", NOW - 1),)))
    assert decide.post(ended, ANA, post(), PostFacts()).refused is None


def test_a_banned_participant_is_refused_and_closed() -> None:
    """A ban refuses posts with a fatal refusal: the connection is closed."""
    banned = replace(room(), moderation=Moderation(banned=(("ana", frozenset({"ana"})),)))
    decision = decide.post(banned, ANA, post(), PostFacts())
    assert refusal(decision) == "banned" and decision.refused is not None and decision.refused.fatal


def test_a_viewer_cannot_post() -> None:
    """Viewers read along."""
    assert refusal(decide.post(room(), VIEWER, post(), PostFacts())) == "forbidden"


def test_posts_open_with_the_lobby_and_close_with_the_end() -> None:
    """Before the lobby a post is not_open; after the end, session_ended."""
    assert refusal(decide.post(room(dropped=0, state="scheduled"), ANA, post(), PostFacts())) == "not_open"
    assert refusal(decide.post(room(state="ended"), ANA, post(), PostFacts())) == "session_ended"


def test_the_guest_cannot_answer_a_question_that_has_not_dropped() -> None:
    """A post tagged with a later question is refused, for the guest too: that is what prepare is for."""
    assert refusal(decide.post(room(dropped=1), GUEST, post(question=2), PostFacts())) == "bad_question"


def test_a_post_may_answer_an_earlier_question() -> None:
    """With Q2 out, a post tagged Q1 belongs to Q1."""
    decision = decide.post(room(dropped=2), ANA, post(question=1), PostFacts())
    assert decision.changes[0].data["message"]["question"] == 1


def test_slow_mode_refuses_a_second_post_with_the_wait() -> None:
    """With 30 s slow mode, a post 5 s after the last is refused with retry_after 25."""
    slow = room(slow_mode=30.0)
    slow.flood.posts.record("ana", "first", NOW - 5)
    decision = decide.post(slow, ANA, post(), PostFacts())
    assert refusal(decision) == "slow_mode" and decision.refused is not None
    assert decision.refused.details == {"retry_after": 25}


def test_the_burst_after_a_drop_slows_posts_down() -> None:
    """Within the drop window after a question, its slow mode applies though slow mode is off."""
    burst = room(drop_slow_window=120.0, drop_slow_seconds=10.0)
    burst.flood.posts.record("ana", "first", NOW - 5)
    assert refusal(decide.post(burst, ANA, post(), PostFacts())) == "slow_mode"
    calm = room(drop_slow_window=30.0, drop_slow_seconds=10.0)  # the question dropped 60 s ago
    calm.flood.posts.record("ana", "first", NOW - 5)
    assert decide.post(calm, ANA, post(), PostFacts()).refused is None


def test_slow_mode_spares_the_guest() -> None:
    """Only participants are held to the flood limits."""
    slow = room(slow_mode=30.0)
    slow.flood.posts.record(GUEST.key, "first", NOW - 5)
    assert decide.post(slow, GUEST, post(), PostFacts()).refused is None


def test_the_rate_limit_refuses_the_sixth_post_in_ten_seconds() -> None:
    """Five posts in the window are allowed; the sixth is rate_limited."""
    state = room()
    for n in range(5):
        state.flood.posts.record("ana", f"post {n}", NOW - 9 + n)
    assert refusal(decide.post(state, ANA, post(), PostFacts())) == "rate_limited"


def test_the_same_text_again_is_a_duplicate() -> None:
    """The same words, in another case and spacing, within five minutes are refused."""
    state = room()
    state.flood.posts.record("ana", "a1:  People who SHOW up", NOW - 60)
    assert refusal(decide.post(state, ANA, post(), PostFacts())) == "duplicate"


def test_deciding_counts_nothing_until_the_room_counts_it() -> None:
    """The same post decided twice is allowed twice; once counted, the same text is a duplicate."""
    state = room()
    first = decide.post(state, ANA, post(), PostFacts())
    assert decide.post(state, ANA, post(), PostFacts()) == first
    after = counted(state, first)
    assert refusal(decide.post(after, ANA, post(cid="c2"), PostFacts())) == "duplicate"


def test_a_reply_to_an_unknown_or_hidden_message_is_refused() -> None:
    """A reply needs a published parent: unknown, hidden (or held) parents give bad_reply."""
    assert refusal(decide.post(room(), ANA, post(reply_to=99), PostFacts())) == "bad_reply"
    assert refusal(decide.post(room(), ANA, post(reply_to=6), PostFacts(parent=HIDDEN))) == "bad_reply"


def test_a_reply_belongs_with_the_question_of_what_it_answers() -> None:
    """Untagged, a reply takes its parent's question, not the current one."""
    decision = decide.post(room(dropped=2), ANA, post(reply_to=5), PostFacts(parent=MESSAGE))
    assert decision.changes[0].data["message"] == {
        "author": "ana", "role": "participant", "question": 1, "body": "A1: people who show up", "reply_to": 5,
    }


def test_the_word_filter_holds_hides_or_rejects() -> None:
    """hold writes a held post; hide writes the message and its hiding, by the filter; reject refuses."""
    def with_filter(verdict: str) -> Decision:
        state = room(filters=(WordFilter("course", verdict),))
        return decide.post(state, ANA, post("A1: buy my course"), PostFacts())

    held = with_filter("hold")
    assert [c.kind for c in held.changes] == ["held"] and held.changes[0].data["reason"] == "word filter: course"
    hidden = with_filter("hide")
    assert [c.kind for c in hidden.changes] == ["message", "hide"] and hidden.ack == HEAD + 1
    assert hidden.changes[1].data == {"target": HEAD + 1, "author": "ana", "reason": "word filter: course", "by": "filter"}
    assert refusal(with_filter("reject")) == "filtered"


def test_the_strictest_filter_wins() -> None:
    """A post matching a hold and a reject filter is rejected."""
    state = room(filters=(WordFilter("buy", "hold"), WordFilter("course", "reject")))
    assert refusal(decide.post(state, ANA, post("A1: buy my course"), PostFacts())) == "filtered"


def test_premoderation_holds_participants_and_spares_the_guest() -> None:
    """With pre-moderation on, a participant's post waits for review; the guest's is published."""
    premoderated = room(premoderation=True)
    assert [c.kind for c in decide.post(premoderated, ANA, post(), PostFacts()).changes] == ["held"]
    assert [c.kind for c in decide.post(premoderated, GUEST, post(), PostFacts()).changes] == ["message"]


def test_a_post_with_too_many_links_is_held() -> None:
    """More than `max_links` links hold a participant's post for review."""
    links = "A1: http://a.example http://b.example http://c.example"
    decision = decide.post(room(), ANA, post(links), PostFacts())
    assert [c.kind for c in decision.changes] == ["held"] and decision.changes[0].data["reason"] == "more than 2 links"


# reactions


def like(target: int = 5, cid: str | None = None) -> React:
    return React(target=target, emoji="like", cid=cid)


def test_a_like_toggles_on_and_off_with_the_count() -> None:
    """Not liked yet: on, count + 1; liked already: off, count − 1."""
    on = decide.react(room(), ANA, like(), "10.0.0.1", ReactFacts(MESSAGE, mine=False, count=2))
    off = decide.react(room(), ANA, like(), "10.0.0.1", ReactFacts(MESSAGE, mine=True, count=3))
    assert on.changes[0].data == {"target": 5, "emoji": "like", "by": "ana", "on": True, "count": 3}
    assert off.changes[0].data == {"target": 5, "emoji": "like", "by": "ana", "on": False, "count": 2}
    assert on.reaction_by == "ana" and on.ack == HEAD + 1
    assert on.tallies == (ReactionTally("ana", "10.0.0.1", 5, "like"),)


def test_a_reaction_needs_a_published_target() -> None:
    """Reacting to an unknown or hidden message is bad_target."""
    assert refusal(decide.react(room(), ANA, like(99), "a", ReactFacts())) == "bad_target"
    assert refusal(decide.react(room(), ANA, like(6), "a", ReactFacts(HIDDEN))) == "bad_target"


def test_a_viewer_or_a_muted_participant_cannot_react() -> None:
    """Reacting is open to whoever may post."""
    assert refusal(decide.react(room(), VIEWER, like(), "a", ReactFacts(MESSAGE))) == "forbidden"
    muted = replace(room(), moderation=Moderation(muted=(("ana", "ana", NOW + 60),)))
    assert refusal(decide.react(muted, ANA, like(), "a", ReactFacts(MESSAGE))) == "muted"


def test_toggling_one_like_stops_at_its_limit() -> None:
    """After `reaction_toggles` flips of one like, the next is too_many_toggles; another message is fine."""
    state = room(limits=LimitSettings(reaction_toggles=2))
    for _ in range(2):
        state = counted(state, decide.react(state, ANA, like(), "a", ReactFacts(MESSAGE)))
    assert refusal(decide.react(state, ANA, like(), "a", ReactFacts(MESSAGE))) == "too_many_toggles"
    other = KnownMessage(seq=8, author="bob", question=1, public=True)
    assert decide.react(state, ANA, like(8), "a", ReactFacts(other)).refused is None


def test_reactions_have_a_rate_per_identity_and_per_address() -> None:
    """A second handle from the same address stops at the address's rate; another address does not."""
    state = room(limits=LimitSettings(rate_reactions=3, reactions_per_address=4, reaction_toggles=0))
    for n in range(3):
        state = counted(state, decide.react(state, ANA, like(n + 1), "10.0.0.1", ReactFacts(replace(MESSAGE, seq=n + 1))))
    assert refusal(decide.react(state, ANA, like(), "10.0.0.9", ReactFacts(MESSAGE))) == "too_many_reactions"
    state = counted(state, decide.react(state, BOB, like(), "10.0.0.1", ReactFacts(MESSAGE)))
    refused = decide.react(state, BOB, like(), "10.0.0.1", ReactFacts(MESSAGE))
    assert refusal(refused) == "too_many_reactions" and "address" in str(refused.refused)
    assert decide.react(state, BOB, like(), "10.0.0.9", ReactFacts(MESSAGE)).refused is None


def test_moderators_react_without_limits() -> None:
    """A moderator's reaction counts against nothing."""
    assert decide.react(room(), HOST, like(), "a", ReactFacts(MESSAGE)).tallies == ()


def test_the_flip_counts_are_bounded() -> None:
    """Past its bound, the least recently flipped count is forgotten, so the table cannot grow without end."""
    limits = ReactionLimits(LimitSettings(reaction_toggles=1, rate_reactions=0, reactions_per_address=0), 3)
    for target in (1, 2, 3):
        limits.record("ana", "a", target, "like", NOW)
    limits.record("ana", "a", 1, "like", NOW)  # flipped again: now the most recent
    limits.record("ana", "a", 4, "like", NOW)
    assert limits.toggle_counts() == 3
    limits.check("ana", "a", 2, "like", NOW)  # forgotten: no refusal
    for kept in (1, 3, 4):
        with pytest.raises(Refused, match="times"):
            limits.check("ana", "a", kept, "like", NOW)


# reports


def test_a_report_names_the_author_and_counts_for_reporter_and_address() -> None:
    """A report carries the reported author and counts against its reporter and address."""
    decision = decide.report(room(), ANA, Report(target=5, reason="spam"), "10.0.0.1", ReportFacts(MESSAGE))
    assert decision.changes[0].data == {"target": 5, "author": "bob", "by": "ana", "reason": "spam"}
    assert decision.tallies == (ReportTally("ana", "10.0.0.1"),)


def test_a_report_is_refused_to_viewers_for_long_reasons_and_hidden_targets() -> None:
    """Viewers cannot report; a reason over 280 characters is bad_field; a hidden message is bad_target."""
    assert refusal(decide.report(room(), VIEWER, Report(target=5), "a", ReportFacts(MESSAGE))) == "forbidden"
    assert refusal(decide.report(room(), ANA, Report(target=5, reason="x" * 281), "a", ReportFacts(MESSAGE))) == "bad_field"
    assert refusal(decide.report(room(), ANA, Report(target=6), "a", ReportFacts(HIDDEN))) == "bad_target"


def test_a_message_is_reported_once_per_person() -> None:
    """A second report of one message by one person is already_reported; another person may."""
    reported = replace(room(), moderation=Moderation(reports=((5, "ana", "spam"),)))
    assert refusal(decide.report(reported, ANA, Report(target=5), "a", ReportFacts(MESSAGE))) == "already_reported"
    assert decide.report(reported, BOB, Report(target=5), "a", ReportFacts(MESSAGE)).refused is None


def test_reports_have_a_rate() -> None:
    """The reporter's rate is checked before the target."""
    state = room(limits=LimitSettings(rate_reports=1))
    state = counted(state, decide.report(state, ANA, Report(target=5), "a", ReportFacts(MESSAGE)))
    assert refusal(decide.report(state, ANA, Report(target=99), "a", ReportFacts())) == "too_many_reports"


# prepared answers


def prepared_log(*events: tuple[int, str, dict[str, Any]]) -> PrepareFacts:
    return PrepareFacts(tuple(StoredEvent(seq, kind, NOW, data) for seq, kind, data in events))


KEPT = (4, "prepared", {"question": 2, "body": "Start small.", "cid": "p1", "by": "genepetrov"})


def test_the_guest_prepares_an_answer_for_a_question_to_come() -> None:
    """A prepare for Q2 while Q1 is out appends a prepared event."""
    decision = decide.prepare(room(), GUEST, Prepare(cid="p1", question=2, body="Start small."), PrepareFacts())
    assert [c.kind for c in decision.changes] == ["prepared"] and decision.ack == HEAD + 1


def test_only_the_guest_prepares_and_not_after_the_end() -> None:
    """A participant's prepare is forbidden; after the end it is session_ended."""
    frame = Prepare(cid="p1", question=2, body="Start small.")
    assert refusal(decide.prepare(room(), ANA, frame, PrepareFacts())) == "forbidden"
    assert refusal(decide.prepare(room(state="ended"), GUEST, frame, PrepareFacts())) == "session_ended"


def test_a_prepare_for_a_dropped_or_missing_question_is_refused() -> None:
    """Q1 has dropped: post now; Q4 does not exist in three questions."""
    assert refusal(decide.prepare(room(), GUEST, Prepare(cid="p", question=1, body="x"), PrepareFacts())) == "already_dropped"
    assert refusal(decide.prepare(room(), GUEST, Prepare(cid="p", question=4, body="x"), PrepareFacts())) == "bad_question"


def test_a_resent_prepare_gets_its_first_seq() -> None:
    """The same cid again is acked with the seq of the prepared event, and writes nothing."""
    frame = Prepare(cid="p1", question=2, body="Start small.")
    assert decide.prepare(room(), GUEST, frame, prepared_log(KEPT)) == Decision(ack=4)


def test_withdrawing_a_prepared_answer() -> None:
    """unprepare writes an unprepared event; again, it gets that event's seq; once its question drops, it is too late."""
    decision = decide.prepare(room(), GUEST, Unprepare(target=4), prepared_log(KEPT))
    assert [(c.kind, c.data) for c in decision.changes] == [("unprepared", {"target": 4, "by": "genepetrov"})]
    withdrawn = prepared_log(KEPT, (7, "unprepared", {"target": 4, "by": "genepetrov"}))
    assert decide.prepare(room(), GUEST, Unprepare(target=4), withdrawn) == Decision(ack=7)
    assert refusal(decide.prepare(room(dropped=2), GUEST, Unprepare(target=4), prepared_log(KEPT))) == "already_dropped"
    assert refusal(decide.prepare(room(), GUEST, Unprepare(target=9), prepared_log(KEPT))) == "bad_target"


# moderator actions


def test_only_a_moderator_moderates_and_only_known_actions() -> None:
    """A participant's mod frame is forbidden; an unknown action is bad_action."""
    assert refusal(decide.mod(room(), ANA, Mod("next", {}), ModFacts())) == "forbidden"
    assert refusal(decide.mod(room(), HOST, Mod("explode", {}), ModFacts())) == "bad_action"


def test_a_drop_by_hand_is_acked_with_its_last_seq() -> None:
    """next writes the question and the state change; the ack is the last of them."""
    decision = decide.mod(room(), HOST, Mod("next", {}), ModFacts())
    assert [c.kind for c in decision.changes] == ["question", "state"] and decision.ack == HEAD + 2


def test_hiding_needs_a_message() -> None:
    """hide without a message found is bad_target; with one, it names its author and the moderator."""
    assert refusal(decide.mod(room(), HOST, Mod("hide", {"target": 99}), ModFacts())) == "bad_target"
    target = Target(5, "bob", "participant", "visible", {})
    decision = decide.mod(room(), HOST, Mod("hide", {"target": 5, "reason": "rude"}), ModFacts(target))
    assert decision.changes[0].data == {"target": 5, "author": "bob", "reason": "rude", "by": "host"}
