"""The guest's prepared answers: written ahead for a question still to come, posted when it drops.

A `prepare` frame appends a `prepared` event and `unprepare` an `unprepared`
one; only the guest and the moderators see either (host/core/audience.py), so the
crowd reads an answer first when its question drops. Then the room posts every
answer still standing for that question as the guest's own message, through
the same path as any post, with the cid `prepared-<seq>`: the cid makes the
posting idempotent, so a server stopped between a drop and its posts makes
them at its next start, once.
"""

from __future__ import annotations

from dataclasses import dataclass

from host.core import engine
from host.core.engine import Change, LiveState
from host.core.identity import Identity
from host.core.session import SessionSpec
from host.protocol.frames import Post, Prepare, Unprepare
from host.protocol.refusal import Refused
from host.store.interface import Storage, StoredEvent

KINDS = ("prepared", "unprepared")


@dataclass(frozen=True)
class PreparedAnswer:
    seq: int
    """The seq of its `prepared` event: how the guest names it to withdraw it."""
    question: int
    body: str

    def as_post(self) -> Post:
        return Post(cid=f"prepared-{self.seq}", body=self.body, question=self.question)


async def standing(storage: Storage, session_id: int) -> list[PreparedAnswer]:
    """Every prepared answer not withdrawn, in the order the guest wrote them."""
    events = await storage.events(session_id, kinds=KINDS)
    return _standing(events)


async def decide(
    frame: Prepare | Unprepare,
    who: Identity,
    spec: SessionSpec,
    state: LiveState,
    storage: Storage,
    session_id: int,
    max_chars: int,
) -> int | Change:
    """The event a prepare or unprepare frame appends, or the seq that already answered its resend."""
    if who.role != "guest":
        raise Refused("forbidden", "Only the guest prepares answers.")
    if state.state == "ended":
        raise Refused("session_ended", "This session has ended; there is nothing left to prepare for.")
    events = await storage.events(session_id, kinds=KINDS)
    dropped = len(state.opened)
    if isinstance(frame, Prepare):
        for event in events:
            if event.kind == "prepared" and event.data["cid"] == frame.cid:
                return event.seq
        engine.check_body(frame.body, max_chars)
        if frame.question > spec.question_count:
            raise Refused("bad_question", f"This session has {spec.question_count} questions; there is no Q{frame.question}.")
        if frame.question <= dropped:
            raise Refused("already_dropped", f"Q{frame.question} has already dropped: post your answer now.")
        return Change("prepared", {"question": frame.question, "body": frame.body, "cid": frame.cid, "by": who.handle})
    for event in events:
        if event.kind == "unprepared" and event.data["target"] == frame.target:
            return event.seq  # withdrawn already: a resend, not a mistake
    answer = next((a for a in _standing(events) if a.seq == frame.target), None)
    if answer is None:
        raise Refused("bad_target", f"There is no prepared answer {frame.target} to withdraw.")
    if answer.question <= dropped:
        raise Refused("already_dropped", f"Q{answer.question} has dropped and that answer is posted.")
    return Change("unprepared", {"target": frame.target, "by": who.handle})


def _standing(events: list[StoredEvent]) -> list[PreparedAnswer]:
    withdrawn = {event.data["target"] for event in events if event.kind == "unprepared"}
    return [
        PreparedAnswer(event.seq, event.data["question"], event.data["body"])
        for event in events
        if event.kind == "prepared" and event.seq not in withdrawn
    ]
