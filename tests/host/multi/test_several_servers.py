"""Three servers on one PostgreSQL database behave as one: one order per session, one clock, limits and counts for all."""

from __future__ import annotations

import asyncio
from typing import Any

from host.core.flood import LimitSettings
from host.protocol.times import ManualClock
from host.store.engines import storage_at
from tests.conftest import WAIT, Harness, add_session, make_spec
from tests.host.multi.conftest import start_servers
from tests.pg import Cluster


async def started(servers: list[Harness], **pacing: Any) -> None:
    """A session "chat" stored, and started by a moderator on the first server (Q1 is live)."""
    await add_session(servers[0].db_path, make_spec(**pacing))
    async with servers[0].moderator() as moderator:
        assert (await moderator.mod("start"))["type"] == "ack"


async def log_of(server: Harness) -> list[tuple[int, str]]:
    async with storage_at(str(server.db_path)) as storage:
        stored = await storage.session("chat")
        assert stored is not None
        return [(e.seq, e.kind) for e in await storage.events(stored.id)]


async def test_a_post_through_one_server_reaches_the_others_clients_with_its_seq(trio: list[Harness]) -> None:
    """Ana posts through A; Bo on B and Cy on C receive it as the same event with the same `seq`."""
    a, b, c = trio
    await started(trio)
    async with a.participant("ana") as ana, b.participant("bo") as bo, c.participant("cy") as cy:
        ack = await ana.post("A1: hello from A", cid="x1")
        assert ack["type"] == "ack"
        for client in (bo, cy):
            event = await client.recv_until(lambda f: f.get("kind") == "message")
            assert (event["seq"], event["message"]["body"]) == (ack["seq"], "A1: hello from A")


async def test_a_mute_through_one_server_holds_for_a_post_through_another_at_once(trio: list[Harness]) -> None:
    """A moderator on B mutes Ana; her very next post, through A, is refused as muted."""
    a, b, _ = trio
    await started(trio)
    async with a.participant("ana") as ana, b.moderator() as moderator:
        assert (await ana.post("A1: before", cid="p1"))["type"] == "ack"
        assert (await moderator.mod("mute", handle="ana", seconds=600, reason="cool down"))["type"] == "ack"
        refused = await ana.post("A1: after", cid="p2")
        assert refused["type"] == "error" and refused["code"] == "muted"


async def test_posts_racing_through_three_servers_make_one_log_every_client_sees_whole(trio: list[Harness]) -> None:
    """Forty posts each through A, B and C at once: one log numbered 1, 2, 3…, seen whole and in order by every client."""
    await started(trio)
    handles = ("ana", "bo", "cy")
    async with trio[0].participant("ana") as ana, trio[1].participant("bo") as bo, trio[2].participant("cy") as cy:
        clients = (ana, bo, cy)
        head = (await ana.post("A1: first", cid="f"))["seq"]
        # Each client sends without waiting for its acks: the three servers race for every seq.
        for n in range(40):
            for handle, client in zip(handles, clients, strict=True):
                await client.send(type="post", cid=f"{handle}{n}", body=f"A1: {handle} {n}")
        for handle, client in zip(handles, clients, strict=True):
            for n in range(40):
                answer = await client.recv_until(lambda f, cid=f"{handle}{n}": f.get("cid") == cid)
                assert answer["type"] == "ack", answer
        last = head + 120
        for client in clients:
            seen: list[int] = []
            while not seen or seen[-1] < last:
                frame = await client.recv_until(lambda f: f.get("type") == "event" and f.get("seq", 0) > head)
                seen.append(frame["seq"])
            assert seen == list(range(head + 1, last + 1))
    assert [seq for seq, _ in await log_of(trio[0])] == list(range(1, last + 1))


async def test_each_question_drops_once_and_another_server_takes_the_clock_over(database: str) -> None:
    """Three servers on one clock: every drop is in the log once; with the clock's server stopped, another drops the next."""
    clock = ManualClock(make_spec().starts_at - 600)
    servers = await start_servers(database, clock, 3)
    try:
        await add_session(database, make_spec(questions=4))  # type: ignore[arg-type]
        async with servers[1].participant("ana") as ana:
            for number in (1, 2):
                clock.advance(600 if number == 1 else 60)
                await ana.recv_until(lambda f, n=number: f.get("kind") == "question" and f["number"] == n)
            await servers[0].server.stop()  # the first started holds the lease
            clock.advance(60)
            await ana.recv_until(lambda f: f.get("kind") == "question" and f["number"] == 3, timeout=3 * WAIT)
        questions = [kind for _, kind in await log_of(servers[1]) if kind == "question"]
        assert questions == ["question"] * 3
    finally:
        for server in servers[1:]:
            await server.server.stop()


async def test_the_posting_rate_and_repeated_text_hold_across_servers(database: str, clock: ManualClock) -> None:
    """Two posts through A use up a limit of two: the third, through B, is refused; so is A's text repeated via B."""
    limits = LimitSettings(rate_posts=2, rate_seconds=10.0, duplicate_seconds=300.0)
    a, b = await start_servers(database, clock, 2, limits=limits)
    try:
        await started([a, b])
        async with a.participant("ana") as on_a, b.client(role="participant", token=on_a.welcome["token"]) as on_b:
            assert (await on_a.post("A1: one", cid="1"))["type"] == "ack"
            assert (await on_b.post("A1: one", cid="2"))["code"] == "duplicate"
            assert (await on_a.post("A1: two", cid="3"))["type"] == "ack"
            assert (await on_b.post("A1: three", cid="4"))["code"] == "rate_limited"
    finally:
        for server in (a, b):
            await server.server.stop()


async def test_people_online_are_counted_on_every_server(trio: list[Harness]) -> None:
    """Two people on A and one on C: a viewer arriving on B is told four are online (itself included)."""
    a, b, c = trio
    await started(trio)
    async with a.participant("ana"), a.participant("bo"), c.participant("cy"):
        async with asyncio.timeout(3 * WAIT):
            while True:
                async with b.client(role="viewer") as viewer:
                    if viewer.welcome["session"]["online"] == 4:
                        break
                # Each server reports its connections every 2 s: ask again after the next report.
                await asyncio.sleep(0.5)


async def test_postgres_restarted_under_load_loses_no_acknowledged_post(
    database: str, clock: ManualClock, postgres_cluster: Cluster
) -> None:
    """Posts keep coming through A and B while PostgreSQL restarts: each is acked or refused as `unavailable`, and
    every acked post is in the log, numbered without a gap."""
    a, b = await start_servers(database, clock, 2)
    acked: list[int] = []
    refusals: set[str] = set()
    try:
        await started([a, b])
        async with a.participant("ana") as ana, b.participant("bo") as bo:
            under_load = asyncio.Event()

            async def post_through(client: Any, name: str, count: int) -> None:
                for n in range(count):
                    await client.send(type="post", cid=f"{name}{n}", body=f"A1: {name} {n}")
                    answer = await client.recv_until(
                        lambda f, cid=f"{name}{n}": f.get("cid") == cid and f["type"] in ("ack", "error"),
                        timeout=6 * WAIT,
                    )
                    if answer["type"] == "ack":
                        acked.append(answer["seq"])
                    else:
                        refusals.add(answer["code"])
                    if len(acked) >= 20:
                        under_load.set()

            load = asyncio.gather(post_through(ana, "ana", 200), post_through(bo, "bo", 200))
            await asyncio.wait_for(under_load.wait(), WAIT)
            await asyncio.to_thread(postgres_cluster.stop, "fast")
            await asyncio.to_thread(postgres_cluster.start)
            await load
            # After the restart both servers take posts again.
            assert (await ana.post("A1: after", cid="after-a"))["type"] == "ack"
            assert (await bo.post("A1: after", cid="after-b"))["type"] == "ack"
    finally:
        for server in (a, b):
            await server.server.stop()
    assert refusals <= {"unavailable"}
    log = await log_of(a)
    assert [seq for seq, _ in log] == list(range(1, len(log) + 1))
    assert set(acked) <= {seq for seq, kind in log if kind == "message"}
