"""Cheap receiving connections, in a process of their own: they join, count the events they are sent, answer pings.

Started by bench/fanout.py as `python -m bench.drain URL HELLO_JSON --count N`
(pinned to the load core). It prints one JSON line once every connection has
its welcome (or has failed), then obeys commands on stdin: `wait N SECONDS`
waits up to SECONDS for every receiver to have N live events (and prints a
line when it has), `stop` closes them all and prints what each one received.

5,000 receivers at 40 posts/s is up to 200,000 frames a second on the load
core, so a frame must cost it a few microseconds, the kernel's read included.
Hence no asyncio here: one epoll loop over non-blocking sockets reads each
into one shared buffer and hands it to that connection's `Receiver`
(bench/receiver.py), which reads the frames by hand and counts events, not
frames (a `batch` frame holds several). Receivers still answer every ping and
do the closing handshake. docs/benchmarks.md has the cost per frame.
Receivers live apart from the probes so that the burst of a thousand frames
arriving together never delays a probe's timestamp inside one event loop.
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import json
import os
import resource
import select
import socket
import sys
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.meters import Distribution, raise_fd_limit
from bench.receiver import Receiver

CONNECT_TIMEOUT = 30.0
CLOSE_TIMEOUT = 5.0
TICK = 0.005
"""The loop's timer: how often it checks its deadlines, and the interval its lag is measured against."""
PACE = 0.05
"""The drain processes' default pause between sweeps (`Drain.pace`): about 40% less CPU per frame at 40 posts/s."""
CHECK_EVERY = 10
"""Ticks between checks of every receiver's count: a callback per frame would cost more than the poll."""
REPO = Path(__file__).resolve().parent.parent
_READ_BUFFER = bytearray(256 * 1024)
"""Shared by every connection: each read lands here and is handled before the next one."""
_READ_VIEW = memoryview(_READ_BUFFER)
_IN, _OUT = select.EPOLLIN, select.EPOLLOUT
_READABLE = select.EPOLLIN | select.EPOLLHUP | select.EPOLLERR


class Connection:
    """A receiver's socket and what is waiting to be written to it."""

    __slots__ = ("closed", "connecting", "deadline", "lost", "receiver", "sock", "unsent", "writing")

    def __init__(self, sock: socket.socket, receiver: Receiver, deadline: float) -> None:
        self.sock = sock
        self.receiver = receiver
        self.deadline = deadline
        """When it must have been welcomed by; infinity once it has."""
        self.closed = False
        self.connecting = True
        """Until the non-blocking connect has finished and the upgrade request is on its way."""
        self.unsent = b""
        self.writing = True
        """Whether epoll also watches for room to write (first for the connect to finish)."""
        self.lost: str | None = None
        """Why it ended before it was stopped, if it did."""


class Drain:
    """Every receiver's socket in one epoll loop on the shared read buffer."""

    def __init__(self, url: str, hellos: list[dict[str, Any]], concurrency: int, pace: float = 0.0) -> None:
        parts = urlsplit(url)
        self.url = url
        self.address = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.concurrency = concurrency
        self.pace = pace
        """Seconds to pause after each sweep of ready sockets once every receiver has joined, so that
        each read takes several frames: the kernel's cost is per read, not per frame. On loopback the
        server does not notice: its frames are already in the receiving socket's buffer."""
        self.epoll = select.epoll()
        self.connections: dict[int, Connection] = {}
        """Every open socket by file descriptor."""
        self.waiting = deque(hellos)
        self.joining: dict[int, Connection] = {}
        """Started and not yet welcomed: at most `concurrency` handshakes in flight."""
        self.joined: list[Connection] = []
        self.failures: Counter[str] = Counter()
        self.stopping = False
        self.lag: list[float] | None = None
        """Timer lateness samples, once they are being kept."""
        self._lines = bytearray()
        self._parent_gone = False

    def join_all(self) -> None:
        """Connect every receiver and wait for its welcome, `concurrency` at a time."""
        self._start_more()
        self._run(lambda: not self.waiting and not self.joining)

    def next_command(self) -> str:
        """Drain frames until the parent writes a line on stdin; "" when it has gone."""
        self.epoll.register(0, _IN)
        try:
            self._run(lambda: b"\n" in self._lines or self._parent_gone)
        finally:
            self.epoll.unregister(0)
        if b"\n" not in self._lines:
            return ""
        line, _, rest = bytes(self._lines).partition(b"\n")
        self._lines[:] = rest
        return line.decode()

    def wait_for_events(self, expected: int, timeout: float) -> None:
        """Until every receiver still connected has `expected` live events, or `timeout` passes."""
        joined = self.joined
        self._run(
            lambda: all(c.receiver.events >= expected or c.lost for c in joined),
            time.monotonic() + timeout,
            CHECK_EVERY,
        )

    def close_all(self) -> None:
        """The closing handshake on every open connection; those the server has not hung up on in time are cut."""
        self.stopping = True
        for connection in list(self.connections.values()):
            connection.receiver.close()
            self._write(connection)
        self._run(lambda: not self.connections, time.monotonic() + CLOSE_TIMEOUT)
        for connection in list(self.connections.values()):
            self._drop(connection, "not closed in time")

    def _run(self, done: Callable[[], bool], deadline: float = float("inf"), every: int = 1) -> None:
        """The loop: read whatever is ready; each tick note the lag, and every `every` ticks check timeouts
        and whether `done`."""
        poll, connections = self.epoll.poll, self.connections
        buffer, view = _READ_BUFFER, _READ_VIEW
        monotonic = time.monotonic
        due, ticks = monotonic() + TICK, 0
        pace = self.pace if self.lag is not None else 0.0
        while True:
            ready = poll(max(0.0, due - monotonic()))
            if pace and ready:
                # Let each socket gather more frames before the next sweep (see `pace`); the pause is not lag.
                time.sleep(pace)
                due += pace
                ready = poll(0)
            for fd, mask in ready:
                connection = connections.get(fd)
                if connection is None:
                    if fd == 0:
                        self._stdin()
                    continue
                if mask & _OUT:
                    self._writable(connection)
                if mask & _READABLE and not connection.closed:
                    try:
                        nbytes = connection.sock.recv_into(view)
                    except BlockingIOError:
                        continue
                    except OSError as error:
                        self._drop(connection, f"lost: {error}")
                        continue
                    if not nbytes:
                        code = connection.receiver.close_code
                        self._drop(connection, "lost: EOF" if code is None else f"closed {code}")
                        continue
                    receiver = connection.receiver
                    receiver.received(buffer, nbytes)
                    if receiver.outgoing:
                        self._write(connection)
                    if receiver.failed:
                        self._drop(connection, receiver.failed)
                    elif connection.deadline != float("inf") and receiver.welcomed:
                        self._welcomed(connection)
            now = monotonic()
            if now < due:
                continue
            if self.lag is not None:
                self.lag.append(now - due)
            due, ticks = now + TICK, ticks + 1
            if ticks % every == 0:
                if done() or now > deadline:
                    return
                for connection in [c for c in self.joining.values() if now > c.deadline]:
                    self._drop(connection, "TimeoutError")

    def _start_more(self) -> None:
        while self.waiting and len(self.joining) < self.concurrency:
            receiver = Receiver(self.waiting.popleft())
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setblocking(False)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # hellos and pongs go out at once
            connection = Connection(sock, receiver, time.monotonic() + CONNECT_TIMEOUT)
            status = sock.connect_ex(self.address)
            if status not in (0, errno.EINPROGRESS):
                self.failures[f"connect: {os.strerror(status)}"] += 1
                sock.close()
                continue
            self.connections[sock.fileno()] = connection
            self.joining[sock.fileno()] = connection
            self.epoll.register(sock.fileno(), _IN | _OUT)

    def _writable(self, connection: Connection) -> None:
        if connection.connecting:
            status = connection.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if status:
                self._drop(connection, f"connect: {os.strerror(status)}")
                return
            connection.connecting = False
            connection.unsent = connection.receiver.opening(self.url)
        self._flush(connection)

    def _write(self, connection: Connection) -> None:
        receiver = connection.receiver
        connection.unsent += b"".join(receiver.outgoing)
        receiver.outgoing.clear()
        self._flush(connection)

    def _flush(self, connection: Connection) -> None:
        sock = connection.sock
        if connection.closed:
            return
        if connection.unsent:
            try:
                sent = sock.send(connection.unsent)
            except BlockingIOError:
                sent = 0
            except OSError as error:
                self._drop(connection, f"lost: {error}")
                return
            connection.unsent = connection.unsent[sent:]
        writing = bool(connection.unsent)
        if writing != connection.writing:
            connection.writing = writing
            self.epoll.modify(sock.fileno(), _IN | _OUT if writing else _IN)

    def _welcomed(self, connection: Connection) -> None:
        connection.deadline = float("inf")
        del self.joining[connection.sock.fileno()]
        self.joined.append(connection)
        self._start_more()

    def _drop(self, connection: Connection, reason: str) -> None:
        """The connection is over: before its welcome a failure, after it a loss (unless it was stopped)."""
        sock = connection.sock
        if connection.closed:
            return
        connection.closed = True
        fd = sock.fileno()
        self.epoll.unregister(fd)
        del self.connections[fd]
        sock.close()
        if self.joining.pop(fd, None) is not None:
            self.failures[reason] += 1
            self._start_more()
        elif not self.stopping and connection.lost is None:
            connection.lost = reason

    def _stdin(self) -> None:
        data = os.read(0, 4096)
        if data:
            self._lines += data
        else:  # the parent has gone: stop as if told to
            self._parent_gone = True


class DrainProcess:
    """The parent's handle on one drain process: start it pinned to a core, wait for its welcomes, stop it."""

    def __init__(self, process: asyncio.subprocess.Process, count: int) -> None:
        self.process = process
        self.count = count

    @property
    def pid(self) -> int:
        return self.process.pid

    @classmethod
    async def start(
        cls, url: str, hello: dict[str, Any], *, count: int, first: int, core: int, concurrency: int = 64
    ) -> DrainProcess:
        """`hello` may hold "{n}" in its strings, replaced by each receiver's number."""
        process = await asyncio.create_subprocess_exec(
            "taskset", "-c", str(core),
            sys.executable, "-m", "bench.drain", url, json.dumps(hello),
            "--count", str(count), "--first", str(first), "--concurrency", str(concurrency),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, cwd=REPO,
        )  # fmt: skip
        return cls(process, count)

    async def connected(self) -> dict[str, Any]:
        """The first report: how many receivers were welcomed, and why the others failed."""
        return await self._line(CONNECT_TIMEOUT * 4)

    async def wait_for(self, expected: int, grace: float) -> None:
        """Until every receiver has `expected` live events, or `grace` seconds pass."""
        await self._command(f"wait {expected} {grace}")
        await self._line(grace + CONNECT_TIMEOUT)

    async def stop(self) -> dict[str, Any]:
        """Close every receiver; the last report: live events per receiver, losses, the process's lag and CPU."""
        await self._command("stop")
        stats = await self._line(CONNECT_TIMEOUT)
        await asyncio.wait_for(self.process.wait(), CONNECT_TIMEOUT)
        return stats

    async def _command(self, command: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(f"{command}\n".encode())
        await self.process.stdin.drain()

    async def kill(self) -> None:
        if self.process.returncode is None:
            self.process.kill()
            await self.process.wait()

    async def _line(self, timeout: float) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = await asyncio.wait_for(self.process.stdout.readline(), timeout)
        if not line:
            await self.process.wait()
            raise RuntimeError(f"a drain process ended early (exit {self.process.returncode})")
        report: dict[str, Any] = json.loads(line)
        return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("hello", help="the hello frame as JSON; {n} in a string is replaced by the receiver's number")
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--first", type=int, default=0, help="number of the first receiver")
    parser.add_argument("--concurrency", type=int, default=64, help="handshakes in flight at once")
    parser.add_argument("--pace", type=float, default=PACE, help=f"seconds between sweeps of the sockets [{PACE}]")
    args = parser.parse_args(argv)
    raise_fd_limit(args.count + 64)

    template = args.hello
    hellos = [json.loads(template.replace("{n}", str(n))) for n in range(args.first, args.first + args.count)]
    started = time.monotonic()
    drain = Drain(args.url, hellos, args.concurrency, args.pace)
    drain.join_all()
    _emit(
        {
            "event": "connected",
            "receivers": len(drain.joined),
            "failures": dict(drain.failures),
            "seconds": round(time.monotonic() - started, 3),
        }
    )

    cpu_connected = _cpu_seconds()
    drain.lag = []
    while True:
        command = drain.next_command().split()
        if command[:1] == ["wait"] and len(command) == 3:
            drain.wait_for_events(int(command[1]), float(command[2]))
            _emit({"event": "waited"})
        elif command[:1] == ["stop"] or not command:  # stop, or the parent has gone
            break
    cpu_draining = _cpu_seconds() - cpu_connected
    lag = drain.lag
    drain.lag = None
    receivers = [connection.receiver for connection in drain.joined]
    lost = Counter(connection.lost for connection in drain.joined if connection.lost is not None)
    drain.close_all()
    _emit(
        {
            "event": "stats",
            "events": [receiver.events for receiver in receivers],
            "frames": sum(receiver.frames for receiver in receivers),
            "lost": dict(lost),
            "loop_lag_ms": asdict(Distribution.of(lag)),
            "cpu_seconds": _cpu_seconds(),
            "cpu_draining_seconds": round(cpu_draining, 3),
        }
    )


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _emit(line: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
