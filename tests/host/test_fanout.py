"""The fan-out queue on its own: order, independence from a slow client, and the cut-off."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from host.fanout import Hub, Outbox

WAIT = 5.0


async def test_frames_go_out_in_order_to_everyone() -> None:
    """Every connection's sender delivers every published frame, in publishing order."""
    received: list[list[str]] = [[], []]
    done = asyncio.Event()

    def sender(into: list[str]) -> Callable[[str], Awaitable[None]]:
        async def send(text: str) -> None:
            into.append(text)
            if all(len(r) == 3 for r in received):
                done.set()

        return send

    hub = Hub()
    outboxes = [Outbox(sender(into), limit=10) for into in received]
    tasks = []
    for outbox in outboxes:
        hub.join(outbox)
        tasks.append(outbox.start())
    for text in ("a", "b", "c"):
        hub.publish(text)
    await asyncio.wait_for(done.wait(), WAIT)
    assert received == [["a", "b", "c"], ["a", "b", "c"]]
    for task in tasks:
        task.cancel()


async def test_a_client_that_stops_reading_is_cut_off_without_holding_up_the_rest() -> None:
    """A sender stuck on one client overflows only its own queue: it is cut off and dropped, the others go on."""
    stuck = asyncio.Event()
    fast: list[str] = []
    limit = 3

    async def never_returns(text: str) -> None:
        stuck.set()
        await asyncio.Event().wait()

    async def records(text: str) -> None:
        fast.append(text)

    hub = Hub()
    slow_box, fast_box = Outbox(never_returns, limit), Outbox(records, limit)
    hub.join(slow_box)
    hub.join(fast_box)
    slow_task, fast_task = slow_box.start(), fast_box.start()
    hub.publish("0")
    await asyncio.wait_for(stuck.wait(), WAIT)  # the slow sender holds frame 0; its queue is empty
    for n in range(1, limit + 2):
        hub.publish(str(n))
        await asyncio.sleep(0)  # let the fast sender keep up, as it would between events
    assert slow_box.cut_off
    assert len(hub) == 1
    await asyncio.wait_for(asyncio.gather(slow_task, return_exceptions=True), WAIT)
    assert slow_task.cancelled()
    assert not fast_box.cut_off
    assert fast == [str(n) for n in range(limit + 2)]
    assert not slow_box.offer("late")
    fast_task.cancel()
