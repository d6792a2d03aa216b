"""The HTTP side before any upgrade: a deadline for request headers, a per-address cap, a quiet log under a flood.

The websocket gate (gate.py) counts connections only once they are upgraded.
Before that, a client could open hundreds of connections and never finish a
request (slowloris): each held a descriptor for ever, and at the process's
descriptor limit the server accepted nobody, `/healthz` included, while asyncio
logged one traceback per refused accept (hundreds of megabytes a minute).

Only a connection waiting for a request's headers counts against the cap: once
its headers are in, it is serving a request or idling between two, which
uvicorn's keep-alive timeout bounds. A browser behind a shared address opens
several connections for a page's modules; counted for their whole keep-alive
life, a few such browsers at once would have filled the cap.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from host.core.settings import Settings
from host.net.gate import limited_address

log = logging.getLogger(__name__)

ACCEPT_FAILURE = "socket.accept() out of system resource"
"""What asyncio reports each time accept() fails for lack of descriptors or memory."""

ACCEPT_LOG_INTERVAL = 60.0
"""Seconds between two log lines about failing accepts; the ones between are counted, not logged."""


class Trusted:
    """The trusted proxies (addresses, networks, or "*"), parsed once: every accepted connection is checked."""

    def __init__(self, entries: tuple[str, ...] = ()) -> None:
        self._any = "*" in entries
        self._names = frozenset(entries)
        self._networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        for entry in entries:
            try:
                self._networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                continue  # a name, matched as it is written

    def __contains__(self, address: str) -> bool:
        if self._any or address in self._names:
            return True
        if not self._networks:
            return False
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self._networks)


@dataclass
class HandshakeCount:
    """Connections not upgraded (yet), per client address, and the addresses already logged as flooding."""

    limit: int
    exempt: Trusted = field(default_factory=Trusted)
    per_address: Counter[str] = field(default_factory=Counter)
    flooding: set[str] = field(default_factory=set)

    def take(self, address: str) -> bool:
        """Count a new connection in, or say there is no room for it (logged once per flood)."""
        if self.limit and self.per_address[address] >= self.limit and address not in self.exempt:
            if address not in self.flooding:
                self.flooding.add(address)
                log.warning("%s has %d connections open before any upgrade; closing its new ones", address, self.limit)
            return False
        self.per_address[address] += 1
        return True

    def give_back(self, address: str) -> None:
        self.per_address[address] -= 1
        if self.per_address[address] <= 0:
            del self.per_address[address]
            self.flooding.discard(address)


def guarded_http(settings: Settings) -> type[H11Protocol]:
    """uvicorn's HTTP/1.1 protocol with a header deadline and a per-address cap, counted per server."""
    # Behind a proxy or under a load test from one machine (HASHTALK_MAX_PER_ADDRESS=0), one address is many people.
    limit = settings.max_http_per_address if settings.max_per_address else 0
    exempt = Trusted(tuple(part.strip() for part in settings.trusted_proxies.split(",") if part.strip()))
    count = HandshakeCount(limit, exempt)

    class GuardedHTTP(_GuardedHTTP):
        handshakes = count
        header_timeout = settings.header_timeout

    return GuardedHTTP


class _GuardedHTTP(H11Protocol):
    handshakes: HandshakeCount
    header_timeout: float

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._address: str | None = None
        self._counted = False
        """True while this connection waits for a request's headers and so holds a place in the count."""
        self._header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        peer = transport.get_extra_info("peername")
        peer_address = str(peer[0]) if isinstance(peer, tuple) and peer else "unknown"
        # A trusted proxy is known by its own address; anyone else is counted as the limits count addresses.
        address = peer_address if peer_address in self.handshakes.exempt else limited_address(peer_address)
        if not self.handshakes.take(address):
            transport.abort()
            return
        self._address = address
        self._counted = True
        super().connection_made(transport)
        self._start_header_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._address is None:
            return  # refused in connection_made: uvicorn never saw it
        self._stop_header_deadline()
        self._give_back()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        # A keep-alive connection's next request waits for its headers like the first: counted, with a deadline.
        if self.conn.their_state is h11.IDLE and self._header_deadline is None:
            if not self._counted:
                assert self._address is not None
                if not self.handshakes.take(self._address):
                    self.transport.abort()
                    return
                self._counted = True
            self._start_header_deadline()
        super().data_received(data)

    def handle_events(self) -> None:
        super().handle_events()
        if self.conn.their_state is not h11.IDLE:
            self._stop_header_deadline()
            self._give_back()

    def handle_websocket_upgrade(self, event: h11.Request) -> None:
        # From here the websocket gate counts it; this protocol hears nothing more of the connection.
        self._stop_header_deadline()
        self._give_back()
        super().handle_websocket_upgrade(event)

    def _start_header_deadline(self) -> None:
        self._header_deadline = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def _stop_header_deadline(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _headers_too_slow(self) -> None:
        self._header_deadline = None
        self.transport.abort()

    def _give_back(self) -> None:
        if self._counted and self._address is not None:
            self.handshakes.give_back(self._address)
            self._counted = False


def log_accept_failures_quietly(loop: asyncio.AbstractEventLoop) -> None:
    """At most one log line per interval about failing accepts; every other report goes on as before.

    asyncio retries accept() in a loop of up to the listen backlog, and logs a
    traceback for every failure: at the descriptor limit, thousands a second.
    """
    previous = loop.get_exception_handler()
    if not isinstance(previous, QuietAcceptFailures):  # once per loop, however many servers it runs
        loop.set_exception_handler(QuietAcceptFailures(previous))


class QuietAcceptFailures:
    """A loop exception handler: failing accepts counted and logged once per interval, the rest passed on."""

    def __init__(self, previous: Any) -> None:
        self.previous = previous
        self.last_logged: float | None = None
        self.quiet = 0

    def __call__(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if context.get("message") != ACCEPT_FAILURE:
            if self.previous is None:
                loop.default_exception_handler(context)
            else:
                self.previous(loop, context)
            return
        now = time.monotonic()
        if self.last_logged is not None and now - self.last_logged < ACCEPT_LOG_INTERVAL:
            self.quiet += 1
            return
        log.error(
            "cannot accept new connections: %s (%d more failures since the last report)",
            context.get("exception"),
            self.quiet,
        )
        self.last_logged, self.quiet = now, 0
