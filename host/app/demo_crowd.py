"""`hashtalk demo`: the reference chat, re-timed to open now, with a simulated crowd.

The guest and the participants are real websocket clients of the server,
speaking the same protocol as the page and the console: each one posts its
lines of `demo_chat/script.toml` when its question drops and likes what it was
scripted to like.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import random
import tomllib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection, connect

from host.core.session import Pacing, SessionSpec
from host.core.sessionfile import load_session_file

log = logging.getLogger(__name__)

DEMO_DIR = Path(__file__).parent / "demo_chat"
DEMO_SLUG = "demo"
DEMO_PACING = Pacing(lobby=15.0, question=45.0, wrapup=60.0, auto_advance=True)
"""The lobby opens at once, Q1 drops after 15 s, then a question every 45 s."""


@dataclass(frozen=True)
class Line:
    """One scripted post."""

    who: str
    text: str
    after: float = 0.0
    """Share of the question's time to wait after the drop."""
    likes: tuple[str, ...] = ()
    reply_to: int | None = None
    """Index of the line this one replies to, in the same question's list."""


def demo_spec(now: float) -> SessionSpec:
    spec = load_session_file((DEMO_DIR / "leadership.toml").read_text(encoding="utf-8"))
    return replace(spec, slug=DEMO_SLUG, starts_at=now + DEMO_PACING.lobby, pacing=DEMO_PACING)


def demo_script() -> dict[int, list[Line]]:
    """The script by question number; 0 holds the lobby's greetings."""
    data = tomllib.loads((DEMO_DIR / "script.toml").read_text(encoding="utf-8"))
    script: dict[int, list[Line]] = {}
    for key, lines in data.items():
        number = 0 if key == "lobby" else int(key.removeprefix("q"))
        script[number] = [
            Line(
                who=line["who"],
                text=line["text"],
                after=float(line.get("after", 0.1 * index)),
                likes=tuple(line.get("likes", ())),
                reply_to=line.get("reply_to"),
            )
            for index, line in enumerate(lines)
        ]
    return script


async def run_crowd(ws_url: str, spec: SessionSpec, guest_token: str, seed: int = 2019) -> None:
    """Connect every scripted voice and let it talk until cancelled."""
    script = demo_script()
    voices = sorted({line.who for lines in script.values() for line in lines} | {spec.guest.handle})
    async with asyncio.TaskGroup() as group:
        for index, handle in enumerate(voices):
            token = guest_token if handle == spec.guest.handle else None
            voice = _Voice(handle, token, script, spec.pacing.question, random.Random(seed + index))
            group.create_task(voice.run(f"{ws_url}/ws/{spec.slug}"))


class _Voice:
    def __init__(
        self, handle: str, guest_token: str | None, script: dict[int, list[Line]], question_seconds: float,
        rng: random.Random,
    ) -> None:
        self.handle = handle
        self.guest_token = guest_token
        self.script = script
        self.question_seconds = question_seconds
        self.rng = rng
        self.seen: dict[str, int] = {}
        """Message bodies seen so far, with their seq: how a voice finds what to like or reply to."""
        self.tasks: set[asyncio.Task[None]] = set()

    async def run(self, url: str) -> None:
        hello: dict[str, Any] = {"type": "hello", "role": "guest", "token": self.guest_token}
        if self.guest_token is None:
            hello = {"type": "hello", "role": "participant", "handle": self.handle}
        try:
            async with connect(url, compression=None) as ws:
                await ws.send(json.dumps(hello))
                async for raw in ws:
                    frame = json.loads(raw)
                    for each in frame["frames"] if frame.get("type") == "batch" else (frame,):
                        self._on_frame(ws, each)
        except (OSError, websockets.ConnectionClosed) as error:
            log.info("demo voice %s left: %s", self.handle, error)
        finally:
            for task in self.tasks:
                task.cancel()

    def _on_frame(self, ws: ClientConnection, frame: dict[str, Any]) -> None:
        if frame.get("type") == "welcome" and frame["session"]["state"] == "lobby":
            self._say_lines(ws, 0, span=DEMO_PACING.lobby)
        elif frame.get("type") == "event" and frame["kind"] == "question":
            self._say_lines(ws, frame["number"], span=self.question_seconds)
        elif frame.get("type") == "event" and frame["kind"] == "message":
            message = frame["message"]
            self.seen[message["body"]] = message["seq"]
            if self._likes(message["body"]):
                like = {"type": "react", "target": message["seq"], "emoji": "like"}
                self._later(self.rng.uniform(1.0, 6.0), lambda: _send(ws, like))
        elif frame.get("type") == "error":
            log.info("demo voice %s was refused: %s", self.handle, frame.get("message"))

    def _likes(self, body: str) -> bool:
        return any(body == line.text and self.handle in line.likes for lines in self.script.values() for line in lines)

    def _say_lines(self, ws: ClientConnection, number: int, *, span: float) -> None:
        lines = self.script.get(number, [])
        for index, line in enumerate(lines):
            if line.who != self.handle:
                continue
            parent = lines[line.reply_to].text if line.reply_to is not None else None
            delay = line.after * span + self.rng.uniform(0.0, 2.0)
            cid = f"{self.handle}-{number}-{index}"
            self._later(delay, functools.partial(self._post, ws, cid, line.text, parent))

    async def _post(self, ws: ClientConnection, cid: str, body: str, parent: str | None) -> None:
        frame: dict[str, Any] = {"type": "post", "cid": cid, "body": body}
        if parent is not None and parent in self.seen:
            frame["reply_to"] = self.seen[parent]
        await _send(ws, frame)

    def _later(self, delay: float, action: Callable[[], Awaitable[None]]) -> None:
        async def run() -> None:
            await asyncio.sleep(delay)
            with contextlib.suppress(websockets.ConnectionClosed):
                await action()

        task = asyncio.create_task(run())
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)


async def _send(ws: ClientConnection, frame: dict[str, Any]) -> None:
    await ws.send(json.dumps(frame))
