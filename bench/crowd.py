"""Many resuming participants together: started, posting on a timetable, waited on, stopped, summed up.

Shared by the fault benchmarks (bench/kill.py, bench/storm.py). Waits poll
every 20 ms: a callback per client per frame would cost the load core more,
and every figure comes from each client's own timestamps, not from the poll.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from bench.backoff import Policy
from bench.logcheck import AckedPost
from bench.resuming import ResumingClient, client_random

POLL = 0.02
JOIN_TIMEOUT = 60.0


@dataclass(frozen=True)
class Delivery:
    """What every client saw, summed over all of them and all their connections."""

    clients: int
    complete: int
    """Clients that saw every event from 1 to the head exactly once."""
    gaps: int
    duplicates: int
    rewinds: int
    refused: dict[str, int]
    """Clients whose hello was refused for good, by error code."""
    hello_errors: dict[str, int]
    """Every error answering a hello, retried or not."""
    resends: int
    ack_conflicts: int
    errors: dict[str, int]
    unacked: int
    """Posts still waiting for their ack at the end."""
    attempts: int
    failures: dict[str, int]
    """Why connection attempts ended without a welcome (refused while the server was down, timeouts, …)."""

    @property
    def every_event_once(self) -> bool:
        return self.complete == self.clients and not (self.gaps or self.duplicates or self.rewinds)


class Crowd:
    """`count` participants called `{prefix}{n}`, each reconnecting by `policy` with its own jitter."""

    def __init__(self, url: str, count: int, policy: Callable[[], Policy], seed: int, prefix: str = "p") -> None:
        self.clients = [
            ResumingClient(f"{prefix}{n}", url, policy(), client_random(seed, n)) for n in range(count)
        ]
        self._tasks: list[asyncio.Task[None]] = []

    def start(self, concurrency: int = 64) -> None:
        """Every client's task; the first joins go `concurrency` at a time, as a crowd trickles in."""
        gate = asyncio.Semaphore(concurrency)

        async def join(client: ResumingClient) -> None:
            async with gate:
                run = asyncio.ensure_future(client.run())
                answered = asyncio.ensure_future(client.answered.wait())
                await asyncio.wait({run, answered}, timeout=JOIN_TIMEOUT, return_when=asyncio.FIRST_COMPLETED)
                answered.cancel()
            await run

        self._tasks = [asyncio.create_task(join(client)) for client in self.clients]

    async def wait_welcomed(self, after: float, timeout: float) -> int:
        """Until every client has had a welcome at or after `after`; returns how many have."""
        await self._until(lambda: self._welcomed_since(after) == len(self.clients), timeout)
        return self._welcomed_since(after)

    def _welcomed_since(self, after: float) -> int:
        return sum(1 for client in self.clients if client.welcomes and client.welcomes[-1] >= after)

    async def wait_acked(self, timeout: float) -> bool:
        """Until no post waits for its ack."""
        return await self._until(lambda: not any(client.outbox for client in self.clients), timeout)

    async def wait_at(self, head: int, timeout: float) -> bool:
        """Until every client has seen `head`."""
        return await self._until(lambda: all(client.last >= head for client in self.clients), timeout)

    async def stop(self) -> None:
        await asyncio.gather(*(client.stop() for client in self.clients))
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _until(self, done: Callable[[], bool], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not done():
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(POLL)
        return True

    def acked_posts(self) -> list[AckedPost]:
        return [
            AckedPost(client.handle, cid, client.sent[cid], seq)
            for client in self.clients
            for cid, seq in client.acked.items()
        ]

    def delivery(self, head: int) -> Delivery:
        clients = self.clients

        def total(counters: list[Counter[str]]) -> dict[str, int]:
            return dict(sum(counters, Counter()))

        return Delivery(
            clients=len(clients),
            complete=sum(
                1 for c in clients if c.last == head and c.events == head and not (c.gaps or c.duplicates)
            ),
            gaps=sum(c.gaps for c in clients),
            duplicates=sum(c.duplicates for c in clients),
            rewinds=sum(c.rewinds for c in clients),
            refused=dict(Counter(c.refused for c in clients if c.refused is not None)),
            hello_errors=total([c.hello_errors for c in clients]),
            resends=sum(c.resends for c in clients),
            ack_conflicts=sum(c.ack_conflicts for c in clients),
            errors=total([c.errors for c in clients]),
            unacked=sum(len(c.outbox) for c in clients),
            attempts=sum(c.attempts for c in clients),
            failures=total([c.failures for c in clients]),
        )


async def post_on_timetable(
    posters: list[ResumingClient], rate: float, stop: asyncio.Event, prefix: str = "post"
) -> int:
    """`rate` posts a second, taken in turn by `posters`, until `stop`; returns how many were made.

    A poster that is down keeps its posts in its outbox, as the page does,
    and sends them after its next welcome.
    """
    start = time.monotonic()
    number = 0
    while not stop.is_set():
        due = start + number / rate
        if (wait := due - time.monotonic()) > 0:
            try:
                await asyncio.wait_for(stop.wait(), wait)
                break
            except TimeoutError:
                pass
        poster = posters[number % len(posters)]
        poster.post(f"c{number}", f"{prefix} {number} from {poster.handle}")
        number += 1
    return number
