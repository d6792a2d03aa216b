"""Cheap receiving connections, in a process of their own: they join, drain every frame and answer pings.

Started by bench/fanout.py as `python -m bench.drain URL HELLO_JSON --count N`
(pinned to the load core). It prints one JSON line once every connection has
its welcome (or has failed), then obeys commands on stdin: `wait N SECONDS`
waits up to SECONDS for every receiver to have N live events (and prints a
line when it has), `stop` closes them all and prints what each one received.

A receiver is a bare asyncio.BufferedProtocol that reads the server's frames
by hand (bench/framereader.py) out of one read buffer shared by all of them:
no task, queue, copy or text decoding per frame, so thousands fit in one
process and 5,000 receivers at 40 posts/s fit on one core (docs/benchmarks.md
has the cost per frame). It counts events, not frames: a `batch` frame holds
several. It answers every ping and does the closing handshake.
Receivers live apart from the probes so that the burst of a thousand frames
arriving together never delays a probe's timestamp inside one event loop.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from websockets.frames import Frame, Opcode
from websockets.utils import accept_key, generate_key

from bench.framereader import CLOSE, PING, TEXT, FrameError, FrameReader
from bench.meters import Distribution, LoopLag, raise_fd_limit

CONNECT_TIMEOUT = 30.0
REPO = Path(__file__).resolve().parent.parent
CLOSE_TIMEOUT = 5.0


_READ_BUFFER = bytearray(256 * 1024)
"""Shared by every receiver: the loop reads into it and each read is handled before the next one.

A plain asyncio.Protocol would have each read allocate a fresh 256 KiB bytes
object; for a frame of a few hundred bytes that allocation costs more than
everything else the receiver does.
"""
_READ_VIEW = memoryview(_READ_BUFFER)
EVENT_MARK = b'"type":"event"'
"""Counted in each text frame: one per event, alone or inside a `batch` frame. A body cannot hold it
unescaped, since JSON writes a quote inside a string as \\"."""
MAX_RESPONSE = 16 * 1024


class Receiver(asyncio.BufferedProtocol):
    """One participant's connection that only counts the events it is sent.

    The opening handshake and the few frames a receiver sends (its hello, a
    pong per ping, its close) go through websockets' helpers; the frames it is
    sent are read by `FrameReader` straight out of the shared read buffer.
    """

    def __init__(self, url: str, hello: dict[str, Any]) -> None:
        parts = urlsplit(url)
        self._request = (
            f"GET {parts.path or '/'} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {{key}}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        self._key = ""
        self._response: bytearray | None = bytearray()
        """The server's handshake response while it is coming in; None once it is done."""
        self._reader = FrameReader(self._on_frame)
        self._hello = json.dumps(hello).encode()
        self._transport: asyncio.Transport | None = None
        self.welcomed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.events = 0
        """Live events received: events after the welcome, less the log replayed to a newcomer."""
        self.frames = 0
        """Every text frame, the welcome included: what the load core's cost is per."""
        self.close_code: int | None = None
        self._close_sent = False
        self.stopping = False
        self.lost: str | None = None
        """Why the connection ended before it was stopped, if it did."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        self._key = generate_key()
        transport.write(self._request.replace("{key}", self._key).encode())

    def get_buffer(self, sizehint: int) -> memoryview:
        return _READ_VIEW

    def buffer_updated(self, nbytes: int) -> None:
        try:
            if self._response is None:
                self._reader.feed(_READ_BUFFER, nbytes)
            else:
                self._handshake(nbytes)
        except FrameError as error:
            self._fail(f"protocol error: {error}")

    def _handshake(self, nbytes: int) -> None:
        response = self._response
        assert response is not None
        response += _READ_VIEW[:nbytes]
        end = response.find(b"\r\n\r\n")
        if end < 0:
            if len(response) > MAX_RESPONSE:
                self._fail("handshake refused: an endless response")
            return
        head, rest = bytes(response[:end]), bytes(response[end + 4 :])
        self._response = None
        status, *lines = head.decode("latin-1").split("\r\n")
        headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
        if status.split(" ", 2)[1:2] != ["101"]:
            self._fail(f"handshake refused: {status}")
        elif headers.get("sec-websocket-accept") != accept_key(self._key):
            self._fail("handshake refused: a wrong Sec-WebSocket-Accept")
        else:
            self._send(Opcode.TEXT, self._hello)
            if rest:
                self._reader.feed(rest, len(rest))

    def _on_frame(self, opcode: int, buffer: bytearray | bytes, start: int, stop: int) -> None:
        if opcode == TEXT:
            self.frames += 1
            if self.welcomed.done():
                self.events += buffer.count(EVENT_MARK, start, stop)
            else:
                self._first_frame(bytes(buffer[start:stop]))
        elif opcode == PING:
            self._send(Opcode.PONG, bytes(buffer[start:stop]))
        elif opcode == CLOSE:
            # The server's close, or its answer to ours: echo it if it is new; the server then hangs up.
            payload = bytes(buffer[start:stop])
            self.close_code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else 1005
            if not self._close_sent:
                self._close_sent = True
                self._send(Opcode.CLOSE, payload[:2])

    def eof_received(self) -> bool | None:
        return None  # the transport closes itself

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.stopping and self.lost is None:
            code = self.close_code
            self.lost = f"closed {code}" if code is not None else f"lost: {exc or 'EOF'}"
        if not self.welcomed.done():
            self.welcomed.set_exception(ConnectionError(self.lost or "closed"))
        if not self.closed.done():
            self.closed.set_result(None)

    def stop(self) -> None:
        """Start the closing handshake; `closed` resolves when the server has hung up."""
        self.stopping = True
        if self._transport is not None and not self._transport.is_closing() and not self._close_sent:
            self._close_sent = True
            self._send(Opcode.CLOSE, (1000).to_bytes(2, "big"))

    def abort(self) -> None:
        if self._transport is not None:
            self._transport.abort()

    def _first_frame(self, data: bytes) -> None:
        frame = json.loads(data)
        if frame.get("type") == "welcome":
            # A hello without `since` is sent the log up to this head before any live event.
            self.events = -int(frame["seq"])
            self.welcomed.set_result(None)
        else:
            self._fail(f"refused: {frame.get('code')}")

    def _fail(self, reason: str) -> None:
        self.lost = reason
        if not self.welcomed.done():
            self.welcomed.set_exception(ConnectionError(reason))
        self.abort()

    def _send(self, opcode: Opcode, payload: bytes) -> None:
        """A client frame, masked as RFC 6455 requires; rare (hello, pongs, close), so the library builds it."""
        transport = self._transport
        if transport is not None and not transport.is_closing():
            transport.write(Frame(opcode, payload).serialize(mask=True))


async def open_receivers(
    url: str, hellos: list[dict[str, Any]], concurrency: int
) -> tuple[list[Receiver], Counter[str]]:
    """Connect one receiver per hello, `concurrency` handshakes at a time; returns the welcomed ones and failures."""
    loop = asyncio.get_running_loop()
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    gate = asyncio.Semaphore(concurrency)
    failures: Counter[str] = Counter()

    async def open_one(hello: dict[str, Any]) -> Receiver | None:
        async with gate:
            receiver = Receiver(url, hello)
            try:
                await loop.create_connection(lambda: receiver, host, port)
                await asyncio.wait_for(receiver.welcomed, CONNECT_TIMEOUT)
            except (OSError, TimeoutError, ConnectionError) as error:
                failures[str(error) or type(error).__name__] += 1
                receiver.abort()
                return None
            return receiver

    opened = await asyncio.gather(*(open_one(hello) for hello in hellos))
    return [receiver for receiver in opened if receiver is not None], failures


async def wait_for_events(receivers: list[Receiver], expected: int, timeout: float) -> None:
    """Until every receiver still connected has `expected` live events, or `timeout` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(receiver.events >= expected or receiver.lost for receiver in receivers):
            return
        await asyncio.sleep(0.05)  # a poll: a callback per receiver per frame would cost more than this


async def close_receivers(receivers: list[Receiver]) -> None:
    for receiver in receivers:
        receiver.stop()
    pending = [receiver.closed for receiver in receivers if not receiver.closed.done()]
    if pending:
        await asyncio.wait(pending, timeout=CLOSE_TIMEOUT)
        for receiver in receivers:
            if not receiver.closed.done():
                receiver.abort()


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


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("hello", help="the hello frame as JSON; {n} in a string is replaced by the receiver's number")
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--first", type=int, default=0, help="number of the first receiver")
    parser.add_argument("--concurrency", type=int, default=64, help="handshakes in flight at once")
    args = parser.parse_args(argv)
    raise_fd_limit(args.count + 64)

    template = args.hello
    hellos = [json.loads(template.replace("{n}", str(n))) for n in range(args.first, args.first + args.count)]
    started = time.monotonic()
    receivers, failures = await open_receivers(args.url, hellos, args.concurrency)
    _emit(
        {
            "event": "connected",
            "receivers": len(receivers),
            "failures": dict(failures),
            "seconds": round(time.monotonic() - started, 3),
        }
    )

    cpu_connected = _cpu_seconds()
    lag = LoopLag()
    lag_task = asyncio.create_task(lag.run())
    loop = asyncio.get_running_loop()
    while True:
        command = (await loop.run_in_executor(None, sys.stdin.readline)).split()
        if command[:1] == ["wait"] and len(command) == 3:
            await wait_for_events(receivers, int(command[1]), float(command[2]))
            _emit({"event": "waited"})
        elif command[:1] == ["stop"] or not command:  # stop, or the parent has gone
            break
    lag_task.cancel()
    cpu_draining = _cpu_seconds() - cpu_connected
    lost = Counter(receiver.lost for receiver in receivers if receiver.lost is not None)
    events = [receiver.events for receiver in receivers]
    frames = sum(receiver.frames for receiver in receivers)
    await close_receivers(receivers)
    _emit(
        {
            "event": "stats",
            "events": events,
            "frames": frames,
            "lost": dict(lost),
            "loop_lag_ms": asdict(Distribution.of(lag.samples)),
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
    asyncio.run(main())
