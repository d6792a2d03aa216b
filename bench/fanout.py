"""Fan-out benchmark: post-to-delivery latency with many people connected to one session.

    .venv/bin/python bench/fanout.py --receivers 1000 --rate 10 --duration 30 [--json]

The real server runs as `hashtalk serve` pinned to one core; everything that
loads it runs pinned to another. Many cheap receivers only count events (in
their own process, see bench/drain.py), a few probes timestamp every post as
it arrives, and posters with their own handles post on a fixed timetable
without waiting for acks. The run reports latency percentiles, what each probe
and receiver got, acks and errors, the server's CPU and memory, and calls
itself INVALID when the load generator, not the server, was the bottleneck.
Method and published figures: docs/benchmarks.md.

Exit status: 0 when the run is valid and the floor is met, 1 when it is not
met, 2 when the run is invalid.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository's packages importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.clients import Poster, Probe, Timetable  # noqa: E402
from bench.drain import DrainProcess  # noqa: E402
from bench.meters import (  # noqa: E402
    Distribution,
    LoopLag,
    PeakCpu,
    core_busy_seconds,
    cores_problem,
    cpu_seconds,
    raise_fd_limit,
    sample,
)
from bench.report import (  # noqa: E402
    LoadFigures,
    Machine,
    ProbeFigures,
    Result,
    ServerFigures,
    judge,
    table,
)
from bench.target import (  # noqa: E402
    HashtalkPostgresServer,
    HashtalkPostgresWorkersServer,
    HashtalkServer,
    NaiveStarletteServer,
    Target,
    WebsocketsBroadcastServer,
)

TARGETS: dict[str, Callable[[Path, int], Target]] = {
    server.name: server
    for server in (
        HashtalkServer, HashtalkPostgresServer, HashtalkPostgresWorkersServer, NaiveStarletteServer,
        WebsocketsBroadcastServer,
    )
}
"""Servers the load can be pointed at, by name."""
LEAD_IN = 0.5
"""Seconds between the last connection and the first post, so the first post is not timed from a busy loop."""


@dataclass(frozen=True)
class Options:
    target: str
    receivers: int
    probes: int
    posters: int
    rate: float
    duration: float
    body_chars: int
    server_core: int
    load_core: int
    drain_processes: int
    stalled: int
    settle: float
    grace: float
    p99_limit_ms: float

    @property
    def command(self) -> str:
        target = "" if self.target == "hashtalk" else f" --target {self.target}"
        return (
            f"bench/fanout.py{target} --receivers {self.receivers} --rate {self.rate:g} --duration {self.duration:g}"
            f" --probes {self.probes} --posters {self.posters} --body-chars {self.body_chars}"
            + (f" --stalled {self.stalled}" if self.stalled else "")
        )


def option_parser(description: str) -> argparse.ArgumentParser:
    """The options of one run, all but the target: shared with bench/compare.py, which runs every target."""
    parser = argparse.ArgumentParser(description=description)
    add = parser.add_argument
    add("--receivers", type=int, default=1000, help="connections that only count events [1000]")
    add("--probes", type=int, default=5, help="connections that timestamp every post [5]")
    add("--posters", type=int, default=10, help="participants who post, in turn [10]")
    add("--rate", type=float, default=10.0, help="posts per second, all posters together [10]")
    add("--duration", type=float, default=30.0, help="seconds of posting [30]")
    add("--body-chars", type=int, default=140, help="characters in each post (at most 280) [140]")
    add("--server-core", type=int, default=0, help="the core the server is pinned to [0]")
    add("--load-core", type=int, default=1, help="the core every load process is pinned to [1]")
    add("--drain-processes", type=int, default=1, help="processes the receivers are spread over [1]")
    add("--stalled", type=int, default=0, help="more receivers, in a process stopped (SIGSTOP) while posting [0]")
    add("--settle", type=float, default=2.0, help="seconds between connecting and measuring idle memory [2]")
    add("--grace", type=float, default=10.0, help="seconds to wait for the last deliveries after posting [10]")
    add("--p99-limit-ms", type=float, default=100.0, help="the floor for p99 delivery latency [100]")
    add("--json", action="store_true", help="print the figures as JSON instead of a table")
    return parser


def options_from(parser: argparse.ArgumentParser, args: argparse.Namespace, target: str) -> Options:
    """Check the parsed options (the parser reports what is wrong) and make them a run's Options."""
    if args.receivers < 0 or args.stalled < 0 or args.probes < 1 or args.posters < 1 or args.drain_processes < 1:
        parser.error("at least one probe, one poster and one drain process; receivers 0 or more")
    if args.rate <= 0 or args.duration <= 0:
        parser.error("--rate and --duration must be positive")
    if not 1 <= args.body_chars <= 280:
        parser.error("--body-chars: 1 to 280")
    if (wrong := cores_problem(args.server_core, args.load_core)) is not None:
        parser.error(wrong)
    fields = {name: value for name, value in vars(args).items() if name in Options.__dataclass_fields__}
    return Options(**{**fields, "target": target})


def parse_options(argv: list[str] | None = None) -> tuple[Options, bool]:
    parser = option_parser(__doc__.splitlines()[0])
    parser.add_argument("--target", choices=sorted(TARGETS), default="hashtalk", help="the server to measure [hashtalk]")
    args = parser.parse_args(argv)
    return options_from(parser, args, args.target), args.json


async def measure(options: Options) -> Result:
    """One run, from an empty database to the figures."""
    os.sched_setaffinity(0, {options.load_core})  # this process runs the probes and posters
    connections = options.receivers + options.probes + options.posters
    raise_fd_limit(connections + 256)  # inherited by the server and the drain processes
    machine = Machine.here()
    with tempfile.TemporaryDirectory(prefix="hashtalk-bench-") as scratch:
        server = TARGETS[options.target](Path(scratch), options.server_core)
        await server.start()
        drains: list[DrainProcess] = []
        stalled: DrainProcess | None = None
        stalled_connected = 0
        stalled_report: dict[str, Any] = {"lost": {}}
        tasks: list[asyncio.Task[Any]] = []
        probes = [Probe(f"probe{n}") for n in range(options.probes)]
        posters = [Poster(f"poster{n}") for n in range(options.posters)]
        clients: list[Probe | Poster] = [*probes, *posters]
        try:
            await server.open_for_posts()
            await asyncio.sleep(options.settle)
            idle = sample(server.pid)

            connect_started, cpu_before_connect = time.monotonic(), idle.cpu
            await asyncio.gather(*(client.open(server) for client in clients))
            drains = await _start_drains(server, options)
            connected_reports = await asyncio.gather(*(drain.connected() for drain in drains))
            if options.stalled:
                stalled = await DrainProcess.start(
                    server.session_url, server.hello("s{n}"), count=options.stalled, first=0, core=options.load_core
                )
                stalled_connected = (await stalled.connected())["receivers"]
            connect_seconds = time.monotonic() - connect_started
            cpu_connect = cpu_seconds(server.pid) - cpu_before_connect
            await asyncio.sleep(options.settle)
            connected = sample(server.pid)

            tasks = [asyncio.create_task(client.listen()) for client in clients]
            lag = LoopLag()
            load_pids = [os.getpid(), *(drain.pid for drain in drains)]
            server_peak, load_peak = PeakCpu([server.pid]), PeakCpu(load_pids)
            tasks += [asyncio.create_task(meter.run()) for meter in (lag, server_peak, load_peak)]

            timetable = Timetable(options.rate, options.duration, options.body_chars)
            start = time.monotonic() + LEAD_IN
            await asyncio.sleep(LEAD_IN / 2)
            window_start = _window_sample(server.pid, load_pids, options)
            if stalled is not None:
                os.kill(stalled.pid, signal.SIGSTOP)  # they stop reading: the kernel's buffers, then the server's, fill
            lag_mark = lag.mark()
            late = await timetable.run(posters, start)
            await asyncio.sleep(max(0.0, timetable.due(start, timetable.count) - time.monotonic()))
            window_end = _window_sample(server.pid, load_pids, options)
            lag_samples = lag.samples[lag_mark:]
            server_peaks, load_peaks = server_peak.shares[:], load_peak.shares[:]

            # Every connection gets the same grace to catch up, all at once.
            await asyncio.gather(
                *(drain.wait_for(timetable.count, options.grace) for drain in drains),
                *(probe.wait_for(timetable.count, options.grace) for probe in probes),
                *(poster.wait_settled(options.grace) for poster in posters),
            )
            delivered = _window_sample(server.pid, load_pids, options)
            after = sample(server.pid)
            drain_reports = await asyncio.gather(*(drain.stop() for drain in drains))
            if stalled is not None:
                os.kill(stalled.pid, signal.SIGCONT)
                await stalled.wait_for(timetable.count, 5.0)  # reads what ended each connection while it slept
                stalled_report = await stalled.stop()
        finally:
            for task in tasks:
                task.cancel()
            for client in clients:
                with contextlib.suppress(Exception):
                    await client.close()
            for drain in [*drains, *([stalled] if stalled else [])]:
                if drain is stalled:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(drain.pid, signal.SIGCONT)
                await drain.kill()
            await server.stop()

    wall = window_end["wall"] - window_start["wall"]
    events = sorted(count for report in drain_reports for count in report["events"])
    drain_lag_max = [r["loop_lag_ms"]["max"] for r in drain_reports if r["loop_lag_ms"]["max"] is not None]
    drain_lag_p99 = [r["loop_lag_ms"]["p99"] for r in drain_reports if r["loop_lag_ms"]["p99"] is not None]
    drain_frames = sum(report["frames"] for report in drain_reports)
    drain_cpu = sum(report["cpu_draining_seconds"] for report in drain_reports)
    errors: Counter[str] = Counter()
    for poster in posters:
        errors.update(poster.errors)
    result = Result(
        target=options.target,
        command=options.command,
        machine=machine,
        receivers=options.receivers,
        probes=options.probes,
        posters=options.posters,
        rate=options.rate,
        duration=options.duration,
        body_chars=options.body_chars,
        posts=timetable.count,
        acks=sum(len(poster.ack_latency) for poster in posters),
        errors=dict(errors),
        latency=Distribution.of(latency for probe in probes for latency in probe.latency.values()),
        ack_latency=Distribution.of(latency for poster in posters for latency in poster.ack_latency),
        probe_figures=[
            ProbeFigures(
                probe.handle,
                len(probe.latency),
                len(probe.latency) / timetable.count,
                probe.duplicates,
                probe.seq_faults,
                probe.lost,
            )
            for probe in probes
        ],
        receivers_connected=sum(report["receivers"] for report in connected_reports),
        receivers_failed=_merge(report["failures"] for report in connected_reports),
        receivers_complete=sum(1 for count in events if count >= timetable.count),
        receiver_events=(events[0], int(statistics.median(events)), events[-1]) if events else (0, 0, 0),
        receiver_deliveries=sum(min(count, timetable.count) for count in events),
        receivers_lost=_merge(report["lost"] for report in drain_reports),
        stalled=stalled_connected,
        stalled_ended=dict(stalled_report["lost"]),
        server=ServerFigures(
            pid=server.pid,
            core=options.server_core,
            connect_seconds=round(connect_seconds, 2),
            cpu_connect_seconds=round(cpu_connect, 2),
            cpu_share=round((window_end["server"] - window_start["server"]) / wall, 3),
            cpu_peak=max(server_peaks) if server_peaks else None,
            cpu_until_delivered_seconds=round(delivered["server"] - window_start["server"], 3),
            rss_idle=idle.rss,
            rss_connected=connected.rss,
            rss_after=after.rss,
            connections=connections,
        ),
        load=LoadFigures(
            core=options.load_core,
            processes=1 + len(drains),
            cpu_share=round((window_end["load"] - window_start["load"]) / wall, 3),
            cpu_peak=max(load_peaks) if load_peaks else None,
            loop_lag=Distribution.of(lag_samples),
            drain_loop_lag_max_ms=max(drain_lag_max) if drain_lag_max else None,
            drain_loop_lag_p99_ms=max(drain_lag_p99) if drain_lag_p99 else None,
            drain_us_per_frame=round(drain_cpu / drain_frames * 1e6, 2) if drain_frames else None,
            late=Distribution.of(late),
        ),
        core_busy={
            core: round((window_end["cores"][core] - window_start["cores"][core]) / wall, 3)
            for core in (options.server_core, options.load_core)
        },
        p99_limit_ms=options.p99_limit_ms,
    )
    return judge(result)


async def _start_drains(server: Target, options: Options) -> list[DrainProcess]:
    """Spread the receivers over the drain processes; each joins with handles r0, r1, …"""
    share, extra = divmod(options.receivers, options.drain_processes)
    drains, first = [], 0
    for index in range(options.drain_processes):
        count = share + (1 if index < extra else 0)
        if count:
            hello = server.hello("r{n}")
            drains.append(
                await DrainProcess.start(server.session_url, hello, count=count, first=first, core=options.load_core)
            )
        first += count
    return drains


def _window_sample(server_pid: int, load_pids: list[int], options: Options) -> dict[str, Any]:
    return {
        "wall": time.monotonic(),
        "server": cpu_seconds(server_pid),
        "load": sum(cpu_seconds(pid) for pid in load_pids),
        "cores": core_busy_seconds((options.server_core, options.load_core)),
    }


def _merge(counts: Any) -> dict[str, int]:
    total: Counter[str] = Counter()
    for count in counts:
        total.update(count)
    return dict(total)


def main(argv: list[str] | None = None) -> int:
    options, json_output = parse_options(argv)
    result = asyncio.run(measure(options))
    print(result.to_json() if json_output else table(result))
    if result.invalid:
        return 2
    return 0 if result.floor_met else 1


if __name__ == "__main__":
    sys.exit(main())
