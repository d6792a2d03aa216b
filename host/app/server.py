"""Running the app under uvicorn: one way, shared by `hashtalk serve`, the demo, the tests and the benchmarks."""

from __future__ import annotations

import asyncio
import gc
import socket
from dataclasses import dataclass, replace

import uvicorn

from host.app.factory import create_app
from host.core.settings import Settings
from host.net.http_guard import guarded_http, log_accept_failures_quietly
from host.net.uvicorn_contract import UvicornMismatch, check_installed_uvicorn
from host.net.wire import WireProtocol
from host.store.engines import is_postgres
from host.store.lock import ServerLock

# Frames between the protocol's limit and this are refused politely with
# `frame_too_large`; beyond it uvicorn closes the connection (1009) unread.
TRANSPORT_LIMIT_FACTOR = 4


GC_THRESHOLDS = (50_000, 20, 100)
"""CPython's full collections walk every live object: with a thousand connections each took 90–150 ms
and freed nothing (the server makes few reference cycles), and they set the fan-out's p99
(docs/benchmarks.md). Collecting young objects less often makes full collections rare."""


def tune_garbage_collector() -> None:
    """For a long-running server process: rarer collections, and the start-up objects never scanned again."""
    gc.set_threshold(*GC_THRESHOLDS)
    gc.freeze()


class _Server(uvicorn.Server):
    """uvicorn's server with an event to await instead of polling `started`."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = asyncio.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if not self.should_exit:
            self.ready.set()


def http_url(host: str, port: int, scheme: str = "http") -> str:
    """`http://HOST:PORT`, an IPv6 address in brackets as URLs need it."""
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown}:{port}"


@dataclass
class RunningServer:
    """A started server: where it listens, the settings it runs with, and how to stop it."""

    host: str
    port: int
    task: asyncio.Task[None]
    server: uvicorn.Server
    settings: Settings
    """The settings it was started with, and where it listens (`listening_url`): links start with `printed_url`."""

    @property
    def url(self) -> str:
        return http_url(self.host, self.port)

    @property
    def ws_url(self) -> str:
        return http_url(self.host, self.port, "ws")

    async def stop(self) -> None:
        self.server.should_exit = True
        await self.task

    async def wait(self) -> None:
        """Until the server stops (Ctrl-C or SIGTERM when it owns the signals)."""
        await self.task


def uvicorn_config(settings: Settings, host: str, port: int, *, log_level: str = "warning") -> uvicorn.Config:
    return uvicorn.Config(
        create_app(settings),
        host=host,
        port=port,
        # uvicorn's h11 with a header deadline and a per-address cap before the upgrade (http_guard.py).
        http=guarded_http(settings),
        # uvicorn's websockets-sansio, trimmed for idle connections (ws_trim.py), with pre-framed writes (wire.py).
        ws=WireProtocol,
        ws_max_size=settings.max_frame_bytes * TRANSPORT_LIMIT_FACTOR,
        # Compression costs CPU and ~100 KiB per connection; chat frames are small.
        ws_per_message_deflate=False,
        # A client that stopped reading (or was suspended) is found by its missing pong and closed.
        ws_ping_interval=settings.ping_interval,
        ws_ping_timeout=settings.ping_timeout,
        lifespan="on",
        # Only a configured reverse proxy may say who the client is (X-Forwarded-For).
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=settings.trusted_proxies or None,
        log_level=log_level,
        access_log=False,
    )


LISTEN_BACKLOG = 2048
"""Connections the kernel holds before they are accepted, as uvicorn's own default: a restarted crowd arrives at once."""


def listen(host: str, port: int, *, reuse_port: bool = False) -> socket.socket:
    """A listening TCP socket on (host, port); port 0 picks a free one.

    Made with the protocol named (IPPROTO_TCP): asyncio turns Nagle's
    algorithm off only on connections whose socket says it is TCP, and with
    Nagle on, an ack written just after a batch waited for the client's
    delayed ACK, some 40 ms. `socket.create_server` leaves the protocol 0.
    With `reuse_port`, several processes listen on the one port and the
    kernel spreads new connections among them (`hashtalk serve --workers`).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        listener.bind((host, port))
        listener.listen(LISTEN_BACKLOG)
    except OSError:
        listener.close()
        raise
    return listener


async def start_server(
    settings: Settings,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    log_level: str = "warning",
    lock: ServerLock | SharedDatabase | None = None,
    reuse_port: bool = False,
) -> RunningServer:
    """Bind, start and wait until the app's lifespan has run; port 0 picks a free port.

    `lock`, when given, is the database's lock already held by the caller
    (a command that prepares the database before it serves it, so that no
    second server's preparations can touch a database in use); it is released
    when the server stops. Raises `DatabaseInUse` when another server holds
    the database file, and `StartupFailed` when the app could not start
    (uvicorn has logged why) or the installed uvicorn lacks what hashtalk's
    protocol subclasses use.
    """
    try:
        check_installed_uvicorn()
    except UvicornMismatch as error:
        raise StartupFailed(str(error)) from None
    listener = listen(host, port, reuse_port=reuse_port)
    bound_port = listener.getsockname()[1]
    try:
        if lock is None:
            lock = server_lock(settings)
            lock.acquire(f"http://{host}:{bound_port}")
        else:
            lock.announce(f"http://{host}:{bound_port}")
    except BaseException:
        listener.close()
        raise
    log_accept_failures_quietly(asyncio.get_running_loop())
    settings = replace(settings, listening_url=http_url(host, bound_port))
    server = _Server(uvicorn_config(settings, host, bound_port, log_level=log_level))
    task = asyncio.create_task(_serve_holding(server, listener, lock))
    ready = asyncio.ensure_future(server.ready.wait())
    await asyncio.wait({task, ready}, return_when=asyncio.FIRST_COMPLETED)
    if not server.ready.is_set():
        ready.cancel()
        listener.close()
        await task  # re-raises what stopped the start-up
        raise StartupFailed(f"the server on {settings.database_name} stopped during start-up")
    return RunningServer(host, bound_port, task, server, settings)


async def _serve_holding(server: uvicorn.Server, listener: socket.socket, lock: ServerLock | SharedDatabase) -> None:
    """Serve; the database stays locked until the server has stopped, however it stops."""
    try:
        await server.serve(sockets=[listener])
    finally:
        lock.release()


class SharedDatabase:
    """The lock a server on PostgreSQL does not take: several servers share the database.

    Each append checks, under the session's counter row, that it follows the
    log's head, so a server never commits a decision made against an older
    state than another server's latest commit (host/store/postgres/log.py).
    """

    def acquire(self, address: str) -> None:
        """Nothing to hold."""

    def announce(self, address: str) -> None:
        """Nothing to say."""

    def release(self) -> None:
        """Nothing to let go."""


def server_lock(settings: Settings) -> ServerLock | SharedDatabase:
    """The SQLite file's lock (one server per file), or none for a PostgreSQL database, not yet taken."""
    return SharedDatabase() if is_postgres(settings.database) else ServerLock(settings.db_path)


class StartupFailed(RuntimeError):
    """The app's start-up failed (a database that cannot be opened, for one); uvicorn has logged the cause."""
