"""The console's websocket to one session: hello as a moderator, resume from the last `seq`, reconnect on its own.

No Textual here: the live screen runs `Link.run()` in a worker and gets
frames and status changes through two callbacks. The link keeps the highest
`seq` it has handed on and says it in every hello, so the server replays
exactly what was missed; nothing is lost and, with the view ignoring repeats,
nothing is shown twice.

A welcome whose head `seq` is behind the link's is a log that started over
(a restarted demo, a server on a fresh or restored database): the link hands
on a `started_over` frame, forgets its `seq` and reconnects at once from the
beginning, so the screen reloads instead of waiting for events that will
never come.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from itertools import count
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from tui.config import Backoff

HELLO_WAIT = 10.0
MAX_FRAME = 4 * 1024 * 1024
FINAL_CODES = frozenset(
    {"bad_token", "unknown_session", "bad_version", "bad_role", "bad_hello", "bad_field", "hello_first", "banned"}
)
"""Hello refusals that another attempt would only repeat: the link stops and says why."""


class _LogStartedOver(Exception):
    """The server's log is behind what the link has seen: read it again from the start."""


class LinkError(Exception):
    """A request the server refused, or that could not be sent; `str()` is the sentence to show."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class LinkStatus:
    """Where the connection is: connecting, connected, reconnecting or refused (final)."""

    state: str
    detail: str = ""
    attempt: int = 0
    retry_in: float | None = None


class Link:
    """One moderator connection to `<ws_base>/ws/<slug>` that comes back by itself."""

    def __init__(
        self,
        ws_base: str,
        slug: str,
        token: str,
        *,
        on_frame: Callable[[dict[str, Any]], None],
        on_status: Callable[[LinkStatus], None],
        backoff: Backoff | None = None,
        random_source: Callable[[], float] = random.random,
    ) -> None:
        self.url = f"{ws_base}/ws/{slug}"
        self._token = token
        self._on_frame = on_frame
        self._on_status = on_status
        self._backoff = backoff or Backoff()
        self._random = random_source
        self._ws: ClientConnection | None = None
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._cids = count(1)
        self.since = 0
        """The highest `seq` handed on: the next hello resumes after it."""
        self.hellos: list[int] = []
        """The `since` of every hello sent, first connection included."""
        self.status = LinkStatus("connecting")

    @property
    def connected(self) -> bool:
        return self._ws is not None and self.status.state == "connected"

    async def run(self) -> None:
        """Connect, serve, and reconnect with jittered backoff until a final refusal (or cancellation)."""
        attempt = 0
        while True:
            self._set_status(LinkStatus("connecting" if attempt == 0 else "reconnecting", attempt=attempt))
            try:
                async with connect(self.url, compression=None, open_timeout=HELLO_WAIT, max_size=MAX_FRAME) as ws:
                    refusal = await self._serve(ws)
                    if refusal is not None:
                        self._set_status(LinkStatus("refused", refusal))
                        return
                    attempt = 0  # it worked for a while: the next failure starts the backoff afresh
                    reason = _closed_reason(ws)
            except _LogStartedOver:
                attempt = 0
                continue  # at once, from seq 0: nothing is wrong with the server
            except (OSError, TimeoutError, InvalidHandshake, ConnectionClosed) as error:
                reason = _error_reason(error)
            finally:
                self._ws = None
                self._fail_pending()
            attempt += 1
            delay = self._backoff.delay(attempt, self._random)
            self._set_status(LinkStatus("reconnecting", reason, attempt, delay))
            await asyncio.sleep(delay)

    async def request(self, frame: dict[str, Any], timeout: float = 10.0) -> dict[str, Any]:
        """Send a frame with a fresh `cid` and wait for its ack; raises LinkError for an error or a drop."""
        ws = self._ws
        if ws is None or not self.connected:
            raise LinkError("offline", "Not connected to the server right now; it reconnects by itself.")
        cid = f"console-{next(self._cids)}"
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[cid] = future
        try:
            await ws.send(json.dumps({**frame, "cid": cid}))
            answer = await asyncio.wait_for(future, timeout)
        except ConnectionClosed:
            raise LinkError("dropped", "The connection dropped before the server answered; check the feed.") from None
        except TimeoutError:
            raise LinkError("timeout", "The server did not answer in time; check the feed before trying again.") from None
        finally:
            self._pending.pop(cid, None)
        if answer["type"] == "error":
            raise LinkError(answer.get("code", "error"), answer.get("message", "The server refused that."))
        return answer

    async def mod(self, action: str, **args: Any) -> dict[str, Any]:
        """A moderator action; returns the ack."""
        return await self.request({"type": "mod", "action": action, **args})

    async def _serve(self, ws: ClientConnection) -> str | None:
        """Say hello and hand on frames until the connection ends; returns a final refusal's sentence."""
        self.hellos.append(self.since)
        await ws.send(json.dumps({"type": "hello", "role": "moderator", "token": self._token, "since": self.since}))
        first = json.loads(await asyncio.wait_for(ws.recv(), HELLO_WAIT))
        if first.get("type") == "error":
            if first.get("code") in FINAL_CODES:
                return str(first.get("message", first.get("code")))
            raise ConnectionClosed(None, None)
        head = int(first.get("seq", 0)) if first.get("type") == "welcome" else self.since
        if head < self.since:
            self._on_frame({"type": "started_over", "head": head, "seen": self.since})
            self.since = 0
            raise _LogStartedOver
        self._ws = ws
        self._set_status(LinkStatus("connected"))
        self._on_frame(first)
        async for text in ws:
            frame = json.loads(text)
            # A busy moment's events come coalesced into one `batch` frame, in seq order.
            for each in frame["frames"] if frame.get("type") == "batch" else (frame,):
                self._hand_on(each)
        return None

    def _hand_on(self, frame: dict[str, Any]) -> None:
        """An answer goes to the request waiting for it; anything else to the screen."""
        cid = frame.get("cid")
        if frame.get("type") in ("ack", "error") and cid in self._pending:
            if not self._pending[cid].done():
                self._pending[cid].set_result(frame)
            return
        self._on_frame(frame)
        if frame.get("type") == "event":
            self.since = max(self.since, int(frame["seq"]))

    def _fail_pending(self) -> None:
        for future in self._pending.values():
            if not future.done():
                future.set_exception(ConnectionClosed(None, None))
        self._pending.clear()

    def _set_status(self, status: LinkStatus) -> None:
        self.status = status
        self._on_status(status)


def _closed_reason(ws: ClientConnection) -> str:
    if ws.close_code == 1012:
        return "the server restarted"
    if ws.close_code == 4008:
        return "the console fell behind"
    return f"the connection closed ({ws.close_code})" if ws.close_code else "the connection closed"


def _error_reason(error: BaseException) -> str:
    if isinstance(error, InvalidStatus):
        return f"the server answered {error.response.status_code}"
    if isinstance(error, ConnectionRefusedError):
        return "nothing is listening"
    if isinstance(error, TimeoutError):
        return "no answer in time"
    if isinstance(error, ConnectionClosed):
        return "the connection dropped"
    return str(error) or type(error).__name__
