"""`hashtalk serve --workers N`: N server processes on one port, over one PostgreSQL database.

Each worker is a whole hashtalk server (its own pool, rooms, listener and
clock lease) listening on the same port with SO_REUSEPORT; the kernel spreads
new connections among them, and the database makes them one hashtalk. The
parent only keeps them running: a worker that dies is started again (its
clients reconnect to the others at once and resume from their last `seq`),
and Ctrl-C or SIGTERM stops them all.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import queue
import signal
import socket
import time
from multiprocessing.process import BaseProcess
from multiprocessing.queues import Queue

import click

from host.app.cli_common import run_async
from host.app.server import SharedDatabase, http_url, start_server, tune_garbage_collector
from host.core.settings import Settings

RESTART_PAUSE = 1.0
"""Seconds before a worker that ended before it listened is started again."""


def reserve_port(host: str, port: int) -> int:
    """The port the workers will share (port 0 picks a free one), checked free for them now."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        probe.bind((host, port))
        return int(probe.getsockname()[1])


def run_worker(settings: Settings, host: str, port: int, ready: Queue[int]) -> None:
    """One worker: a server on the shared port until SIGTERM (the parent handles Ctrl-C for all).

    It runs with the parent's settings (the public URL `--url` gave among them), not settings read again.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    async def run() -> None:
        server = await start_server(settings, host, port, log_level="warning", lock=SharedDatabase(), reuse_port=True)
        tune_garbage_collector()
        ready.put(os.getpid())
        await server.wait()

    run_async(run)


class Workers:
    """The worker processes, started, kept running, and stopped."""

    def __init__(self, settings: Settings, host: str, port: int, count: int) -> None:
        self._context = multiprocessing.get_context("spawn")
        self.ready: Queue[int] = self._context.Queue()
        """Each worker's pid, once it listens."""
        self._args = (settings, host, port, self.ready)
        self._processes: list[BaseProcess] = []
        self._ready_pids: set[int | None] = set()
        for _ in range(count):
            self._processes.append(self._start())

    def _start(self) -> BaseProcess:
        process = self._context.Process(target=run_worker, args=self._args, daemon=False)
        process.start()
        return process

    def wait_until_listening(self) -> None:
        """Until every worker listens; ClickException if one ends first."""
        waiting = len(self._processes)
        while waiting:
            try:
                self._ready_pids.add(self.ready.get(timeout=0.2))
                waiting -= 1
            except queue.Empty:
                if ended := [process for process in self._processes if not process.is_alive()]:
                    raise click.ClickException(
                        f"a worker stopped during its start-up (exit code {ended[0].exitcode}); see its message above"
                    ) from None

    def keep_running(self) -> None:
        """Start again each worker that ends; one that ends before it listened waits a second first (a database
        that is down), so a failing start is retried, not spun on."""
        while True:
            multiprocessing.connection.wait([process.sentinel for process in self._processes])
            listening = self._listening()
            for index, process in enumerate(self._processes):
                if process.is_alive():
                    continue
                process.join()
                if process.pid not in listening:
                    time.sleep(RESTART_PAUSE)
                click.echo(f"worker {process.pid} ended (exit code {process.exitcode}); starting another", err=True)
                self._processes[index] = self._start()

    def _listening(self) -> set[int | None]:
        """The workers that have said they listen, so far."""
        while True:
            try:
                self._ready_pids.add(self.ready.get_nowait())
            except queue.Empty:
                return self._ready_pids

    def stop(self) -> None:
        """SIGTERM to every worker (each closes its connections and its database), then wait for them."""
        for process in self._processes:
            if process.is_alive():
                process.terminate()
        for process in self._processes:
            process.join(timeout=15)
            if process.is_alive():
                process.kill()
                process.join()


def serve_workers(settings: Settings, host: str, port: int, count: int, lines: list[str]) -> None:
    """Serve on (host, port), a port `reserve_port` gave, with `count` processes until Ctrl-C or SIGTERM;
    `lines` are said once they all listen (the token, where links point)."""
    signal.signal(signal.SIGTERM, _interrupt)
    workers = Workers(settings, host, port, count)
    try:
        workers.wait_until_listening()
        click.echo(f"hashtalk serving {http_url(host, port)} with {count} processes (database {settings.database_name})")
        for line in lines:
            click.echo(line, err=line.startswith("warning:"))
        workers.keep_running()
    except KeyboardInterrupt:
        click.echo("stopping.", err=True)
    finally:
        workers.stop()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM stops the workers as Ctrl-C does
