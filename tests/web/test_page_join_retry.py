"""The page's join survives a lost welcome: it retries with the same join id and becomes the participant it made."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.async_api import WebSocketRoute, expect

from tests.web.conftest import People, join
from tests.web.scenes import live_session

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_a_join_whose_welcome_is_lost_is_retried_as_the_same_person(people: People) -> None:
    """The first welcome of a join never reaches the page; its retry carries the same join id and is welcomed as ana."""
    await live_session(people.harness)
    ana = await people.page()
    hellos: list[dict[str, Any]] = []
    lost: list[str] = []

    async def lose_the_first_welcome(page_side: WebSocketRoute) -> None:
        server_side = page_side.connect_to_server()

        def from_page(message: str | bytes) -> None:
            frame = json.loads(message)
            if frame["type"] == "hello":
                hellos.append(frame)
            server_side.send(message)

        async def from_server(message: str | bytes) -> None:
            frame = json.loads(message)
            if frame["type"] == "welcome" and frame.get("token") and not lost:
                lost.append(frame["token"])  # stored by the server, never seen by the page
                await page_side.close()
                return
            page_side.send(message)

        page_side.on_message(from_page)
        server_side.on_message(from_server)

    await ana.route_web_socket(re.compile(r"/ws/chat$"), lose_the_first_welcome)
    await join(ana, "ana")

    joins = [hello for hello in hellos if hello.get("handle") == "ana"]
    assert len(joins) == 2 and lost
    assert joins[0]["join"] == joins[1]["join"] and re.fullmatch(r"[0-9a-f]{32}", joins[0]["join"])
    saved = json.loads(await ana.evaluate("localStorage.getItem('hashtalk:session:chat')"))
    assert saved["token"] != lost[0] and "joining" not in saved
    await ana.reload()
    await expect(ana.locator("#you")).to_have_text("You are ana")
    assert hellos[-1]["token"] == saved["token"] and "handle" not in hellos[-1]
