"""The wrap-up question “How was today's chat?”: validated at the door, decided purely, kept once in the log."""

from __future__ import annotations

import pytest

from host.core import decide
from host.core.decide import SatisfactionFacts
from host.core.engine import LiveState
from host.core.identity import Identity
from host.protocol.frames import Satisfaction, parse_frame
from host.protocol.refusal import Refused
from tests.conftest import Harness
from tests.host.test_decide import ANA, GUEST, HEAD, HOST, VIEWER, refusal, room


def wrapup() -> decide.RoomState:
    state = room(dropped=3)
    return decide.RoomState(**{**state.__dict__, "live": LiveState(state="wrapup", opened=state.live.opened)})


def test_the_frame_takes_a_score_from_1_to_5_and_an_optional_comment() -> None:
    """A score outside 1 to 5, a non-string or an overlong comment is refused at the door; spaces are trimmed."""
    frame = parse_frame('{"type":"satisfaction","score":5,"comment":"  Great chat  ","cid":"s1"}', max_bytes=16384)
    assert frame == Satisfaction(score=5, comment="Great chat", cid="s1")
    assert parse_frame('{"type":"satisfaction","score":1}', max_bytes=16384) == Satisfaction(score=1)
    for bad in ('"score":0', '"score":6', '"score":true', '"score":4.5', '"score":3,"comment":7',
                '"score":3,"comment":"' + "x" * 501 + '"'):
        with pytest.raises(Refused) as refused:
            parse_frame('{"type":"satisfaction",' + bad + "}", max_bytes=16384)
        assert refused.value.code == "bad_field", bad


def test_a_participant_answers_once_from_the_wrapup_on() -> None:
    """In wrap-up a participant's answer is one event acked with the next seq; a second one, or one during the chat, is refused."""
    decision = decide.satisfaction(wrapup(), ANA, Satisfaction(4, "Good"), SatisfactionFacts())
    assert [(c.kind, c.data) for c in decision.changes] == [
        ("satisfaction", {"by": "ana", "score": 4, "comment": "Good"})
    ]
    assert decision.ack == HEAD + 1
    assert refusal(decide.satisfaction(wrapup(), ANA, Satisfaction(4), SatisfactionFacts(answered=True))) == (
        "already_answered"
    )
    assert refusal(decide.satisfaction(room(), ANA, Satisfaction(4), SatisfactionFacts())) == "not_wrapup"


@pytest.mark.parametrize("who", [GUEST, HOST, VIEWER])
def test_only_participants_are_asked(who: Identity) -> None:
    """The guest, moderators and viewers are not asked how the chat was."""
    assert refusal(decide.satisfaction(wrapup(), who, Satisfaction(5), SatisfactionFacts())) == "forbidden"


async def test_an_answer_reaches_moderators_and_its_author_only(live: Harness) -> None:
    """Over the wire: the author and moderators get the event, another participant does not; a second answer is refused."""
    async with live.moderator() as moderator, live.participant("ana") as ana, live.participant("bob") as bob:
        for _ in range(3):
            assert (await moderator.mod("next"))["type"] == "ack"
        await ana.recv_until(lambda f: f.get("kind") == "state" and f["state"] == "wrapup")
        await ana.send(type="satisfaction", score=2, comment="Too fast", cid="s1")
        ack = await ana.recv_until(lambda f: f.get("cid") == "s1")
        assert ack["type"] == "ack"
        seen = await moderator.recv_until(lambda f: f.get("kind") == "satisfaction")
        assert (seen["by"], seen["score"], seen["comment"]) == ("ana", 2, "Too fast")
        mine = await ana.recv_until(lambda f: f.get("kind") == "satisfaction")
        assert mine["seq"] == ack["seq"]
        await bob.send(type="satisfaction", score=5, cid="s2")
        await bob.recv_until(lambda f: f.get("cid") == "s2" and f["type"] == "ack")
        # bob saw his own answer but never ana's
        theirs = await bob.recv_until(lambda f: f.get("kind") == "satisfaction")
        assert theirs["by"] == "bob"
        await ana.send(type="satisfaction", score=5, cid="s3")
        again = await ana.recv_until(lambda f: f.get("cid") == "s3")
        assert (again["type"], again["code"]) == ("error", "already_answered")
