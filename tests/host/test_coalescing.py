"""Fan-out through the real server: a busy window's events arrive as one batch, acks after their events, and a reader that stops is cut off and resumes."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from host.app.server import start_server
from host.core.settings import Settings
from host.protocol.times import ManualClock
from tests.conftest import WAIT, Client, Harness, add_session, harness_settings, head_of, make_spec


@pytest.fixture
async def wide_window(db_path: Path, clock: ManualClock) -> AsyncIterator[Harness]:
    """A live session on a server whose windows last at least 0.3 s, so a burst of posts lands in one."""
    async with _live_server(harness_settings(db_path, clock, fanout_tick=0.3)) as harness:
        yield harness


@pytest.fixture
async def small_buffers(db_path: Path, clock: ManualClock) -> AsyncIterator[Harness]:
    """A live session on a server that cuts a connection off once 16 KiB wait for it."""
    async with _live_server(harness_settings(db_path, clock, send_buffer=16 * 1024)) as harness:
        yield harness


@asynccontextmanager
async def _live_server(settings: Settings) -> AsyncIterator[Harness]:
    server = await start_server(settings)
    harness = Harness(server, settings.db_path, settings.clock)  # type: ignore[arg-type]
    try:
        await add_session(settings.db_path, make_spec())
        async with harness.moderator() as moderator:
            assert (await moderator.mod("start"))["type"] == "ack"
        yield harness
    finally:
        await server.stop()


async def test_a_burst_of_posts_reaches_a_reader_in_batches_in_seq_order(wide_window: Harness) -> None:
    """Posts sent together reach a reader in fewer frames than posts, as batches of whole event frames, every seq in order."""
    async with wide_window.participant("ana") as ana, wide_window.participant("bo") as bo:
        for n in range(1, 6):
            await ana.send(type="post", cid=f"c{n}", body=f"answer {n}")
        for _ in range(bo.welcome["seq"]):  # the log so far, replayed to a newcomer
            await bo.ws.recv()
        frames, events = 0, []
        while len(events) < 5:
            frame = json.loads(await asyncio.wait_for(bo.ws.recv(), WAIT))
            frames += 1
            events.extend(frame["frames"] if frame["type"] == "batch" else [frame])
    assert frames < 5
    assert all(event["type"] == "event" and event["kind"] == "message" for event in events)
    assert [event["message"]["body"] for event in events] == [f"answer {n}" for n in range(1, 6)]
    assert [event["seq"] for event in events] == list(range(events[0]["seq"], events[0]["seq"] + 5))


async def test_a_newcomer_during_an_open_window_gets_each_event_once(wide_window: Harness) -> None:
    """Events committed but not yet sent when someone joins reach them live, not also in their replay."""
    async with wide_window.participant("ana") as ana:
        # Its ack comes once a window has closed; the hub then opens the next one, which the posts below land in.
        await ana.post("before", cid="c0")
        committed = await head_of(wide_window)
        for n in range(1, 4):
            await ana.send(type="post", cid=f"c{n}", body=f"answer {n}")
        await _committed(wide_window, through=committed + 3)  # their events wait in the window
        async with wide_window.client(role="viewer", since=0) as viewer:
            await ana.recv_until(lambda frame: frame.get("cid") == "c3")
            last = (await ana.post("after the window", cid="c4"))["seq"]
            received = [(await viewer.recv())["seq"]]
            while received[-1] != last:
                received.append((await viewer.recv())["seq"])
    assert received == list(range(1, last + 1))


async def _committed(harness: Harness, through: int) -> None:
    """Until the log holds `through` events: nothing a client is sent says so while the window is open."""
    async with asyncio.timeout(WAIT):
        while await head_of(harness) < through:
            await asyncio.sleep(0.005)


async def test_every_ack_comes_after_the_frame_carrying_its_event(wide_window: Harness) -> None:
    """The author never learns a post is committed before its event has reached it."""
    async with wide_window.participant("ana") as ana:
        for n in range(1, 6):
            await ana.send(type="post", cid=f"c{n}", body=f"answer {n}")
        seen, acked = 0, 0
        while acked < 5:
            frame = await ana.recv()
            if frame["type"] == "event":
                seen = max(seen, frame["seq"])
            elif frame["type"] == "ack":
                assert frame["seq"] <= seen, f"ack for {frame['seq']} before its event"
                acked += 1
        assert ana.batches == 1


async def test_a_reader_that_stops_is_cut_off_alone_and_resumes_from_its_seq(small_buffers: Harness) -> None:
    """A connection that stops reading is closed with 4008 once its backlog passes the limit; it resumes with nothing missing."""
    stalled, welcome, servers_end = await _stalled_reader(small_buffers)
    async with small_buffers.participant("ana") as ana, small_buffers.participant("bo") as bo:
        acks = []
        while not servers_end.close_sent:
            assert len(acks) < 2000, "never cut off"
            acks.append(await ana.post(f"answer {len(acks)} " + "x" * 250, cid=f"c{len(acks)}"))
        acks.append(await ana.post("one more, after the cut-off", cid="after"))
        assert all(ack["type"] == "ack" for ack in acks)
        last = acks[-1]["seq"]
        await bo.recv_until(lambda f: f.get("seq") == last)  # the others got everything meanwhile
        stalled.ws.transport.resume_reading()
        got: list[int] = []
        with pytest.raises(ConnectionClosed):
            while True:
                got.append((await stalled.recv())["seq"])
        assert stalled.ws.close_code == 4008
        assert got == list(range(1, len(got) + 1))  # the log replayed, then live: in order, none skipped
        assert got[-1] < last
        async with small_buffers.client(role="participant", token=welcome["token"], since=got[-1]) as back:
            replayed = [(await back.recv())["seq"] for _ in range(last - got[-1])]
        assert replayed == list(range(got[-1] + 1, last + 1))


async def _stalled_reader(harness: Harness) -> tuple[Client, dict[str, Any], Any]:
    """A participant that takes its welcome and then stops reading; returns it, its welcome and the server's end."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", harness.server.port))
    async with asyncio.timeout(WAIT):
        ws = await connect(
            f"{harness.server.ws_url}/ws/chat", sock=sock, compression=None, max_queue=1, ping_interval=None
        )
        client = Client(ws)
        await client.send(type="hello", role="participant", handle="stalled")
        welcome = await client.recv()
    assert welcome["type"] == "welcome"
    ws.transport.pause_reading()
    return client, welcome, _with_small_send_buffer(harness, sock.getsockname())


def _with_small_send_buffer(harness: Harness, client_address: tuple[str, int]) -> Any:
    """Give the server's end of this connection a small kernel buffer, as a busy machine would.

    On an idle loopback the kernel would otherwise take megabytes for a reader
    that never reads before the server's own limit is reached.
    """
    for protocol in harness.server.server.server_state.connections:
        transport = getattr(protocol, "transport", None)
        if transport is not None and transport.get_extra_info("peername") == client_address:
            transport.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
            return protocol
    raise AssertionError("the server has no such connection")


async def test_every_connection_sends_small_frames_without_delay(live: Harness) -> None:
    """Nagle's algorithm is off on the server's end of every connection, so an ack right after a batch is not held back."""
    async with live.participant("ana"), live.client(role="viewer"):
        connections = list(live.server.server.server_state.connections)
        assert len(connections) == 2
        for protocol in connections:
            sock = protocol.transport.get_extra_info("socket")
            assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
