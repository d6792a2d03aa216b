"""The trimmed websocket protocol: its queue and flag behave as asyncio's do, and a live connection lets the handshake go."""

from __future__ import annotations

import asyncio

import pytest

from host.net.ws_trim import Flag, Inbox, TrimmedWebSocketProtocol
from tests.conftest import WAIT, Harness, add_session, make_spec


async def test_inbox_hands_over_in_order_and_wakes_its_reader() -> None:
    """Items come out first in, first out, and a reader waiting on an empty inbox is woken by the next put."""
    inbox = Inbox()
    inbox.put_nowait({"type": "websocket.connect"})
    inbox.put_nowait({"type": "websocket.receive", "text": "a"})
    assert inbox.qsize() == 2
    assert await inbox.get() == {"type": "websocket.connect"}
    assert await inbox.get() == {"type": "websocket.receive", "text": "a"}
    assert inbox.empty()
    reader = asyncio.ensure_future(inbox.get())
    await asyncio.sleep(0)  # let the reader start waiting
    assert not reader.done()
    inbox.put_nowait({"type": "websocket.disconnect", "code": 1000})
    assert await asyncio.wait_for(reader, WAIT) == {"type": "websocket.disconnect", "code": 1000}


async def test_inbox_survives_a_cancelled_reader() -> None:
    """A reader cancelled while waiting leaves the inbox usable: the next item goes to the next reader."""
    inbox = Inbox()
    reader = asyncio.ensure_future(inbox.get())
    await asyncio.sleep(0)
    reader.cancel()
    with pytest.raises(asyncio.CancelledError):
        await reader
    inbox.put_nowait({"type": "websocket.receive", "text": "b"})
    assert await asyncio.wait_for(inbox.get(), WAIT) == {"type": "websocket.receive", "text": "b"}


async def test_flag_holds_writers_while_cleared() -> None:
    """Every writer waits while writing is paused and all go on when it resumes; a cancelled one is forgotten."""
    flag = Flag()
    assert await asyncio.wait_for(flag.wait(), WAIT)
    flag.clear()
    writers = [asyncio.ensure_future(flag.wait()) for _ in range(3)]
    await asyncio.sleep(0)
    assert not any(writer.done() for writer in writers)
    writers[0].cancel()
    await asyncio.sleep(0)
    flag.set()
    assert await asyncio.wait_for(asyncio.gather(*writers[1:]), WAIT) == [True, True]
    assert writers[0].cancelled()
    assert flag.is_set()


async def test_live_connection_keeps_no_handshake(harness: Harness) -> None:
    """Once accepted, a connection's protocol holds neither the upgrade request's headers nor its response."""
    await add_session(harness.db_path, make_spec())
    async with harness.participant("ana"):
        protocols = [
            p for p in harness.server.server.server_state.connections if isinstance(p, TrimmedWebSocketProtocol)
        ]
        assert len(protocols) == 1
        protocol = protocols[0]
        assert not hasattr(protocol, "request") and not hasattr(protocol, "response")
        assert isinstance(protocol.queue, Inbox) and isinstance(protocol.writable, Flag)
        assert any(name == b"host" for name, _ in protocol.scope["headers"])  # the app can still read them
