"""The start-up check of what hashtalk uses inside uvicorn's private protocol classes."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import pytest
import uvicorn

from host.net.uvicorn_contract import HTTP, WEBSOCKET, UvicornMismatch, check, check_installed_uvicorn


class RewrittenProtocol(asyncio.Protocol):
    """A websocket protocol as a later uvicorn might write it: no keepalive_timeout, and a queue read another way."""

    def __init__(self, config: Any, server_state: Any, app_state: Any, _loop: Any = None) -> None:
        self.queue: asyncio.Queue[Any] = asyncio.Queue()
        self.writable = asyncio.Event()
        self.request = self.response = self.scope = self.conn = self.transport = self.loop = None
        self.handshake_complete = self.close_sent = self.disconnected = False
        self.close_timeout, self.close_timer = 10.0, None

    async def send(self, message: Any) -> None:
        self.writable.set()

    def handle_connect(self, event: Any) -> None:
        self.queue.put_nowait(event)

    async def receive(self) -> Any:
        return self.queue.get_nowait()


def test_the_installed_uvicorn_has_what_the_subclasses_use() -> None:
    """The uvicorn the suite runs on passes the check, for the websocket and the HTTP protocol alike."""
    check(WEBSOCKET, HTTP)
    check_installed_uvicorn()


def test_a_uvicorn_without_a_method_is_refused_with_a_sentence() -> None:
    """A protocol class that lost a method the subclasses override is named, with the uvicorn version."""
    with pytest.raises(UvicornMismatch) as refused:
        check(dataclasses.replace(WEBSOCKET, cls=RewrittenProtocol))
    sentence = str(refused.value)
    assert sentence.startswith(f"hashtalk cannot run on uvicorn {uvicorn.__version__}: ")
    assert "RewrittenProtocol has no method keepalive_timeout, which hashtalk expects as `keepalive_timeout()`" in (
        sentence
    )
    assert "calls `self.queue.get_nowait`, which hashtalk's Inbox does not offer" in sentence
    assert "Install a uvicorn the project supports (uvicorn" in sentence


def test_a_changed_signature_is_refused() -> None:
    """A method whose parameters changed is shown beside the one hashtalk expects."""

    class Renamed(RewrittenProtocol):
        def handle_connect(self, request: Any) -> None:  # type: ignore[override]
            self.queue.put_nowait(request)

    expected = r"Renamed has `handle_connect\(request\)` where hashtalk expects `handle_connect\(event\)`"
    with pytest.raises(UvicornMismatch, match=expected):
        check(dataclasses.replace(WEBSOCKET, cls=Renamed))
