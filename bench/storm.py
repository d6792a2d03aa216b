"""Reconnect storm: thousands of participants lose the server at once and all come back when it restarts.

    .venv/bin/python bench/storm.py --clients 2000 [--stop kill|clean] [--backoff page|console] [--json]

The real server runs as `hashtalk serve` pinned to one core, on one SQLite
file and one port; the participants run in this process, pinned to another
core. Once every participant has joined (and one of them posts a few times a
second), the server is stopped (SIGKILL, or Ctrl-C with `--stop clean`) and
started again at once. Every participant reconnects with the page's (or the
console's) jittered exponential backoff and resumes with its token and the
last `seq` it saw. The run measures, per participant, the time from the
restart to its welcome, and checks that all resumed within the target, that
none was refused, and that each saw every event once across the restart.
Method and published figures: docs/benchmarks.md.

Exit status: 0 when every check passes, 1 when one fails.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository's packages importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.backoff import PAGE_BASE, PAGE_CAP, POLICIES  # noqa: E402
from bench.crowd import Crowd, Delivery, post_on_timetable  # noqa: E402
from bench.meters import Distribution, LoopLag, PeakCpu, cores_problem, cpu_seconds, raise_fd_limit  # noqa: E402
from bench.report import MAX_LOAD_CPU, MAX_LOOP_LAG_MS, Machine, counts_text  # noqa: E402
from bench.restartable import RestartableServer  # noqa: E402
from tui.config import Backoff  # noqa: E402

JOIN_TIMEOUT = 180.0


@dataclass
class Result:
    command: str
    seed: int
    machine: Machine
    clients: int
    stop: str
    backoff: str
    backoff_constants: str
    rate: float
    target: float
    stopped_cleanly: bool | None
    """With --stop clean: whether the server went by itself within its stop timeout."""
    join_seconds: float
    """Connecting every participant the first time, 64 at a time."""
    stop_seconds: float
    """From the stop signal to the process gone."""
    start_seconds: float
    """From the restart to the server serving again."""
    resumed: int
    resume: Distribution
    """Per participant, restart → its welcome, in ms."""
    accepted: Distribution
    """Per participant, restart → the TCP connection of the attempt that got the welcome, in ms."""
    welcome_wait: Distribution
    """Per participant, that connection → its welcome (handshake, hello, admission), in ms."""
    resume_after_serving_max: float | None
    """The last welcome after the server was serving again, in seconds."""
    server_cpu: float
    """The new server's CPU from its start to the last welcome, in seconds."""
    load_cpu: float
    """This process's share of its core from the restart to the last welcome."""
    load_cpu_peak: float | None
    """Its busiest half second in that window."""
    load_lag: Distribution
    """How late this process woke a 5 ms timer over the window."""
    posts: int
    delivery: Delivery
    saturated: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    """ERROR lines in the server's log, over all its starts."""
    checks: dict[str, bool] = field(default_factory=dict)

    def judge(self) -> Result:
        busiest = self.load_cpu_peak or self.load_cpu
        if busiest > MAX_LOAD_CPU:
            self.saturated.append(f"the load used {busiest:.0%} of its core in its busiest half second"
                                  f" (limit {MAX_LOAD_CPU:.0%})")
        if self.load_lag.p99 is not None and self.load_lag.p99 > MAX_LOOP_LAG_MS:
            self.saturated.append(f"its loop woke {self.load_lag.p99} ms late at p99 (limit {MAX_LOOP_LAG_MS} ms)")
        d = self.delivery
        last = self.resume.max
        self.checks = {
            f"every participant resumed within {self.target:g} s": (
                self.resumed == self.clients and last is not None and last <= self.target * 1000
            ),
            "no hello refused": not d.hello_errors,
            "no error in the server's log": not self.server_errors,
            "every participant saw every event once": d.every_event_once,
            "every post acked once": d.unacked == 0 and d.ack_conflicts == 0 and not d.errors,
        }
        return self

    @property
    def passed(self) -> bool:
        return all(self.checks.values())

    def to_json(self) -> str:
        data = asdict(self)
        data["passed"] = self.passed
        return json.dumps(data, indent=2)


def parse_options(argv: list[str] | None = None) -> tuple[argparse.Namespace, bool]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--clients", type=int, default=2000, help="participants connected when the server goes [2000]")
    add("--stop", choices=("kill", "clean"), default="kill", help="SIGKILL, or Ctrl-C and a clean stop [kill]")
    add("--backoff", choices=sorted(POLICIES), default="page", help="whose reconnection backoff to mirror [page]")
    add("--rate", type=float, default=2.0, help="posts per second by one participant throughout, 0 for none [2]")
    add("--settle", type=float, default=2.0, help="seconds between the last join and the stop [2]")
    add("--target", type=float, default=15.0, help="every participant must have resumed this long after the restart [15]")
    add("--deadline", type=float, default=60.0, help="seconds to wait for the last participant to resume [60]")
    add("--seed", type=int, default=None, help="the random seed of every participant's jitter [a fresh one, printed]")
    add("--server-core", type=int, default=0, help="the core the server is pinned to [0]")
    add("--load-core", type=int, default=1, help="the core the participants are pinned to [1]")
    add("--json", action="store_true", help="print the figures as JSON instead of a table")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.rate < 0 or args.settle < 0 or args.target <= 0 or args.deadline < args.target:
        parser.error("at least one client; --rate and --settle not negative; 0 < --target <= --deadline")
    if (wrong := cores_problem(args.server_core, args.load_core)) is not None:
        parser.error(wrong)
    if args.seed is None:
        args.seed = random.SystemRandom().randrange(2**32)
    json_output = args.json
    del args.json
    return args, json_output


def backoff_constants(name: str) -> str:
    if name == "page":
        return f"random() × min({PAGE_CAP:g} s, {PAGE_BASE:g} s × 2^n), n failed attempts since the last welcome"
    b = Backoff()
    return f"max({b.least:g} s, random() × min({b.most:g} s, {b.first:g} s × {b.factor:g}^n))"


async def measure(o: argparse.Namespace) -> Result:
    os.sched_setaffinity(0, {o.load_core})
    raise_fd_limit(o.clients + 256)  # inherited by the server
    machine = Machine.here()
    with tempfile.TemporaryDirectory(prefix="hashtalk-storm-") as scratch:
        server = RestartableServer(Path(scratch), o.server_core)
        await server.create_session()
        await server.start()
        crowd = Crowd(server.session_url, o.clients, POLICIES[o.backoff], o.seed, prefix="s")
        stop_posting = asyncio.Event()
        lag = LoopLag()
        lag_task = asyncio.create_task(lag.run())
        posting: asyncio.Task[int] | None = None
        try:
            await server.open_for_posts()
            joining = time.monotonic()
            crowd.start()
            if await crowd.wait_welcomed(joining, JOIN_TIMEOUT) < o.clients:
                raise RuntimeError(f"not every participant could join; the server's log:\n{server.log_tail()}")
            join_seconds = time.monotonic() - joining
            if o.rate > 0:
                posting = asyncio.create_task(post_on_timetable(crowd.clients[:1], o.rate, stop_posting))
            await asyncio.sleep(o.settle)

            stopping = time.monotonic()
            stopped_cleanly = await server.stop() if o.stop == "clean" else await _kill(server)
            restarted = time.monotonic()
            cpu_before, lag_mark = cpu_seconds(os.getpid()), lag.mark()
            peak = PeakCpu([os.getpid()], interval=0.5)
            peak_task = asyncio.create_task(peak.run())
            await server.start()
            serving = time.monotonic()
            resumed = await crowd.wait_welcomed(restarted, o.deadline)
            storm_end = time.monotonic()
            peak_task.cancel()
            load_cpu = (cpu_seconds(os.getpid()) - cpu_before) / (storm_end - restarted)
            server_cpu = cpu_seconds(server.pid)
            lag_samples = lag.samples[lag_mark:]

            await asyncio.sleep(min(o.settle, 1.0))  # a little posting after the storm too
            stop_posting.set()
            posts = await posting if posting is not None else 0
            await crowd.wait_acked(o.deadline)
            head = await server.head()
            await crowd.wait_at(head, o.deadline)
        finally:
            stop_posting.set()
            lag_task.cancel()
            await crowd.stop()
            await server.stop()
        server_errors = server.logged_errors()
    waits, accepts, welcome_waits = [], [], []
    for client in crowd.clients:
        if (welcomed := client.first_welcome_after(restarted)) is not None:
            connected = max(at for at in client.connects if at <= welcomed)
            waits.append(welcomed - restarted)
            accepts.append(connected - restarted)
            welcome_waits.append(welcomed - connected)
    after_serving = [at - serving + restarted for at in waits]
    return Result(
        command=_command(o), seed=o.seed, machine=machine, clients=o.clients, stop=o.stop, backoff=o.backoff,
        backoff_constants=backoff_constants(o.backoff), rate=o.rate, target=o.target,
        stopped_cleanly=stopped_cleanly if o.stop == "clean" else None, join_seconds=round(join_seconds, 3),
        stop_seconds=round(restarted - stopping, 3), start_seconds=round(serving - restarted, 3),
        resumed=resumed, resume=Distribution.of(waits), accepted=Distribution.of(accepts),
        welcome_wait=Distribution.of(welcome_waits),
        resume_after_serving_max=round(max(after_serving), 3) if after_serving else None,
        server_cpu=round(server_cpu, 2), load_cpu=round(load_cpu, 3),
        load_cpu_peak=round(peak.peak, 3) if peak.peak is not None else None, load_lag=Distribution.of(lag_samples),
        posts=posts, delivery=crowd.delivery(head), server_errors=server_errors,
    ).judge()  # fmt: skip


async def _kill(server: RestartableServer) -> bool:
    await server.kill()
    return False


def _command(o: argparse.Namespace) -> str:
    return (
        f"bench/storm.py --clients {o.clients} --stop {o.stop} --backoff {o.backoff} --rate {o.rate:g}"
        f" --settle {o.settle:g} --seed {o.seed}"
    )


def table(r: Result) -> str:
    m, d, w = r.machine, r.delivery, r.resume
    how = "SIGKILL" if r.stop == "kill" else f"Ctrl-C ({'clean' if r.stopped_cleanly else 'had to be killed'})"
    lines = [
        "reconnect storm: hashtalk",
        f"  machine     {m.cores} cores, {m.cpu}, Python {m.python}, load average {' '.join(map(str, m.load_average))}",
        f"  command     {r.command}",
        f"  run         {r.clients} participants joined in {r.join_seconds:g} s; stopped by {how} in"
        f" {r.stop_seconds:g} s; {r.rate:g} posts/s throughout",
        f"  backoff     {r.backoff}: {r.backoff_constants}",
        f"  restart     serving again {r.start_seconds:g} s after the restart",
        f"  resumed     {r.resumed}/{r.clients}; restart → welcome p50 {_s(w.p50)}, p99 {_s(w.p99)},"
        f" max {_s(w.max)} (last welcome {r.resume_after_serving_max} s after serving)",
        f"              restart → TCP connection p50 {_s(r.accepted.p50)}, p99 {_s(r.accepted.p99)},"
        f" max {_s(r.accepted.max)}; connection → welcome p50 {_s(r.welcome_wait.p50)},"
        f" p99 {_s(r.welcome_wait.p99)}, max {_s(r.welcome_wait.max)}",
        f"  attempts    {d.attempts} in all; without a welcome: {counts_text(d.failures)}",
        f"  server      {r.server_cpu:g} s of CPU from its start to the last welcome",
        f"  load        {r.load_cpu:.0%} of its core while they came back (busiest half second"
        f" {r.load_cpu_peak or 0:.0%}); loop lag p99 {_ms(r.load_lag.p99)},"
        f" max {_ms(r.load_lag.max)}",
        f"  delivery    {d.complete}/{d.clients} saw every event once; gaps {d.gaps}, duplicates {d.duplicates},"
        f" rewinds {d.rewinds}; hello errors {counts_text(d.hello_errors)}; {r.posts} posts, {d.resends} resent,"
        f" {d.unacked} unacked, errors {counts_text(d.errors)}",
        "",
    ]
    if r.saturated:
        lines.append("  SATURATED   " + "; ".join(r.saturated) + ": the times are an upper bound")
    for name, ok in r.checks.items():
        lines.append(f"  {'pass' if ok else 'FAIL':<11} {name}")
    if r.server_errors:
        lines.append(f"  server log  {len(r.server_errors)} ERROR lines, the first: {r.server_errors[0]}")
    return "\n".join(lines)


def _s(ms: float | None) -> str:
    return "-" if ms is None else f"{ms / 1000:.2f} s"


def _ms(ms: float | None) -> str:
    return "-" if ms is None else f"{ms:g} ms"


def main(argv: list[str] | None = None) -> int:
    options, json_output = parse_options(argv)
    print(f"seed {options.seed}", file=sys.stderr, flush=True)
    result = asyncio.run(measure(options))
    print(result.to_json() if json_output else table(result))
    return 0 if result.passed else 1


if __name__ == "__main__":
    sys.exit(main())
