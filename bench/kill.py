"""Kill benchmark: SIGKILL the server at random moments under load, again and again, and check that nothing was lost.

    .venv/bin/python bench/kill.py --kills 20 --clients 200 --rate 50 [--seed N] [--json]

The real server runs as `hashtalk serve` pinned to one core, on one SQLite
file and one port for the whole run; the participants run pinned to another
core. Some of them post on a fixed timetable, each post with its own `cid`.
At a random moment the server is killed with SIGKILL and started again at
once on the same file and port; every participant reconnects with the page's
jittered backoff, resumes with its token and the last `seq` it saw, and sends
again every post whose ack had not come. After the last restart the run
checks the file (integrity, `seq` without a gap, every acked post exactly
once) and what every participant saw (every event once, in order, across all
its connections). Method and published figures: docs/benchmarks.md.

Exit status: 0 when every check passes, 1 when one fails.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository's packages importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.backoff import POLICIES  # noqa: E402
from bench.crowd import Crowd, Delivery, post_on_timetable  # noqa: E402
from bench.logcheck import LogFigures, check_log  # noqa: E402
from bench.meters import cores_problem, cpu_seconds, raise_fd_limit  # noqa: E402
from bench.report import Machine, counts_text  # noqa: E402
from bench.restartable import RestartableServer  # noqa: E402

RECOVERY_TIMEOUT = 30.0
"""A kill after which some participant has no welcome within this long counts as not recovered."""


@dataclass(frozen=True)
class KillFigures:
    """One kill and the recovery from it; times in seconds."""

    after: float
    """Posting time between the previous recovery and this kill."""
    unacked: int
    """Posts sent or queued but not yet acked at the kill."""
    start: float
    """From the kill to the new server serving."""
    recovered: float | None
    """From the kill to the last participant's welcome; None if some never came back."""
    after_serving: float | None
    """From the new server serving to the last participant's welcome: the backoff's share of `recovered`."""
    resumed: int


@dataclass
class Result:
    command: str
    seed: int
    machine: Machine
    clients: int
    posters: int
    rate: float
    backoff: str
    kills: list[KillFigures]
    posts: int
    acked: int
    delivery: Delivery
    log: LogFigures
    load_cpu: float
    """The load process's CPU over the run, as a share of its core."""
    seconds: float
    server_errors: list[str] = field(default_factory=list)
    """ERROR lines in the server's log, over all its starts."""
    checks: dict[str, bool] = field(default_factory=dict)

    def judge(self) -> Result:
        d, log = self.delivery, self.log
        self.checks = {
            "every kill recovered": all(k.recovered is not None for k in self.kills),
            "every post acked": self.acked == self.posts and d.unacked == 0,
            "every acked post in the log exactly once": log.every_ack_once and d.ack_conflicts == 0,
            "integrity_check ok": log.sound,
            "seq 1..head without a gap": log.seq_unbroken,
            "no hello refused": not d.hello_errors,
            "no error in the server's log": not self.server_errors,
            "every client saw every event once": d.every_event_once,
        }
        return self

    @property
    def passed(self) -> bool:
        return all(self.checks.values())

    def to_json(self) -> str:
        data = asdict(self)
        data["recovery"] = recovery_summary(self.kills)
        data["passed"] = self.passed
        return json.dumps(data, indent=2)


def recovery_summary(kills: list[KillFigures]) -> dict[str, float | None]:
    recovered = [k.recovered for k in kills if k.recovered is not None]
    after_serving = [k.after_serving for k in kills if k.after_serving is not None]
    starts = [k.start for k in kills]
    return {
        "after_serving_median": round(statistics.median(after_serving), 3) if after_serving else None,
        "after_serving_max": round(max(after_serving), 3) if after_serving else None,
        "recover_median": round(statistics.median(recovered), 3) if recovered else None,
        "recover_max": round(max(recovered), 3) if recovered else None,
        "start_median": round(statistics.median(starts), 3) if starts else None,
        "start_max": round(max(starts), 3) if starts else None,
    }


def parse_options(argv: list[str] | None = None) -> tuple[argparse.Namespace, bool]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--kills", type=int, default=20, help="times the server is killed and restarted [20]")
    add("--clients", type=int, default=200, help="participants connected the whole time [200]")
    add("--posters", type=int, default=20, help="participants among them who post, in turn [20]")
    add("--rate", type=float, default=50.0, help="posts per second, all posters together [50]")
    add("--min-gap", type=float, default=0.5, help="least posting time between a recovery and the next kill [0.5]")
    add("--max-gap", type=float, default=3.0, help="most posting time between a recovery and the next kill [3]")
    add("--backoff", choices=sorted(POLICIES), default="page", help="whose reconnection backoff to mirror [page]")
    add("--seed", type=int, default=None, help="the random seed (kill moments and jitter) [a fresh one, printed]")
    add("--grace", type=float, default=30.0, help="seconds to wait for the last acks and events at the end [30]")
    add("--server-core", type=int, default=0, help="the core the server is pinned to [0]")
    add("--load-core", type=int, default=1, help="the core the participants are pinned to [1]")
    add("--json", action="store_true", help="print the figures as JSON instead of a table")
    args = parser.parse_args(argv)
    if args.kills < 1 or args.clients < 1 or not 1 <= args.posters <= args.clients:
        parser.error("at least one kill and one client; posters between 1 and --clients")
    if args.rate <= 0 or not 0 <= args.min_gap <= args.max_gap:
        parser.error("--rate must be positive and 0 <= --min-gap <= --max-gap")
    if (wrong := cores_problem(args.server_core, args.load_core)) is not None:
        parser.error(wrong)
    if args.seed is None:
        args.seed = random.SystemRandom().randrange(2**32)
    json_output = args.json
    del args.json
    return args, json_output


async def measure(o: argparse.Namespace) -> Result:
    os.sched_setaffinity(0, {o.load_core})
    raise_fd_limit(o.clients + 256)
    machine = Machine.here()
    rng = random.Random(o.seed)
    began, cpu_began = time.monotonic(), cpu_seconds(os.getpid())
    with tempfile.TemporaryDirectory(prefix="hashtalk-kill-") as scratch:
        server = RestartableServer(Path(scratch), o.server_core)
        await server.create_session()
        await server.start()
        crowd = Crowd(server.session_url, o.clients, POLICIES[o.backoff], o.seed, prefix="k")
        stop_posting = asyncio.Event()
        try:
            await server.open_for_posts()
            joined = time.monotonic()
            crowd.start()
            if await crowd.wait_welcomed(joined, RECOVERY_TIMEOUT) < o.clients:
                raise RuntimeError(f"not every participant could join; the server's log:\n{server.log_tail()}")
            posting = asyncio.create_task(post_on_timetable(crowd.clients[: o.posters], o.rate, stop_posting))
            kills = [await _kill_once(server, crowd, rng.uniform(o.min_gap, o.max_gap)) for _ in range(o.kills)]
            await asyncio.sleep(rng.uniform(o.min_gap, o.max_gap))  # the last restart under load too
            stop_posting.set()
            posts = await posting
            await crowd.wait_acked(o.grace)
            head = await server.head()
            await crowd.wait_at(head, o.grace)
        finally:
            stop_posting.set()
            await crowd.stop()
            await server.stop()
        delivery = crowd.delivery(head)
        acked = crowd.acked_posts()
        log = check_log(server.db_path, acked)
        server_errors = server.logged_errors()
    seconds = time.monotonic() - began
    return Result(
        command=_command(o), seed=o.seed, machine=machine, clients=o.clients, posters=o.posters, rate=o.rate,
        backoff=o.backoff, kills=kills, posts=posts, acked=len(acked), delivery=delivery, log=log,
        load_cpu=round((cpu_seconds(os.getpid()) - cpu_began) / seconds, 3), seconds=round(seconds, 1),
        server_errors=server_errors,
    ).judge()  # fmt: skip


async def _kill_once(server: RestartableServer, crowd: Crowd, after: float) -> KillFigures:
    await asyncio.sleep(after)
    unacked = sum(len(client.outbox) for client in crowd.clients)
    killed = time.monotonic()
    await server.kill()
    await server.start()
    serving = time.monotonic()
    resumed = await crowd.wait_welcomed(killed, RECOVERY_TIMEOUT)
    last = max((client.welcomes[-1] for client in crowd.clients if client.welcomes), default=killed)
    return KillFigures(
        after=round(after, 3), unacked=unacked, start=round(serving - killed, 3),
        recovered=round(last - killed, 3) if resumed == len(crowd.clients) else None,
        after_serving=round(last - serving, 3) if resumed == len(crowd.clients) else None, resumed=resumed,
    )  # fmt: skip


def _command(o: argparse.Namespace) -> str:
    return (
        f"bench/kill.py --kills {o.kills} --clients {o.clients} --posters {o.posters} --rate {o.rate:g}"
        f" --min-gap {o.min_gap:g} --max-gap {o.max_gap:g} --backoff {o.backoff} --seed {o.seed}"
    )


def table(r: Result) -> str:
    m, d, log = r.machine, r.delivery, r.log
    summary = recovery_summary(r.kills)
    lines = [
        "kill benchmark: hashtalk",
        f"  machine     {m.cores} cores, {m.cpu}, Python {m.python}, load average {' '.join(map(str, m.load_average))}",
        f"  command     {r.command}",
        f"  seed        {r.seed}",
        f"  run         {r.clients} participants ({r.posters} posting {r.rate:g} posts/s in all), {len(r.kills)}"
        f" SIGKILLs, {r.backoff} backoff; {r.seconds:g} s",
        f"  kills       {len(r.kills)} done; at each kill {_spread([k.unacked for k in r.kills])} posts were unacked",
        f"  recovery    kill → serving again: median {summary['start_median']} s, max {summary['start_max']} s",
        f"              kill → every participant welcomed: median {summary['recover_median']} s,"
        f" max {summary['recover_max']} s",
        f"              serving → every participant welcomed: median {summary['after_serving_median']} s,"
        f" max {summary['after_serving_max']} s",
        f"  posts       {r.posts} made, {r.acked} acked, {d.resends} resent after a reconnect,"
        f" {d.unacked} never acked; errors {counts_text(d.errors)}",
        f"  attempts    {d.attempts} connection attempts; without a welcome: {counts_text(d.failures)}",
        f"  log         head {log.head}, {log.events} events, {log.messages} messages; integrity_check {log.integrity}",
        f"  delivery    {d.complete}/{d.clients} participants saw every event 1..{log.head} once;"
        f" gaps {d.gaps}, duplicates {d.duplicates}, rewinds {d.rewinds}; hello errors {counts_text(d.hello_errors)}",
        f"  load        the participants' process used {r.load_cpu:.0%} of its core",
        "",
    ]
    for name, ok in r.checks.items():
        lines.append(f"  {'pass' if ok else 'FAIL':<11} {name}")
    if log.acked_missing:
        lines.append(f"  missing     {', '.join(log.acked_missing[:10])}")
    if log.doubled:
        lines.append(f"  doubled     {', '.join(log.doubled[:10])}")
    if log.seq_missing:
        lines.append(f"  seq gaps    {log.seq_missing}")
    unrecovered = [f"kill {n + 1}: {k.resumed}/{r.clients}" for n, k in enumerate(r.kills) if k.recovered is None]
    if unrecovered:
        lines.append(f"  unrecovered {', '.join(unrecovered)}")
    if r.server_errors:
        lines.append(f"  server log  {len(r.server_errors)} ERROR lines, the first: {r.server_errors[0]}")
    return "\n".join(lines)


def _spread(values: list[int]) -> str:
    return f"{min(values)}–{max(values)} (median {statistics.median(values):g})" if values else "-"


def main(argv: list[str] | None = None) -> int:
    options, json_output = parse_options(argv)
    print(f"seed {options.seed}", file=sys.stderr, flush=True)
    result = asyncio.run(measure(options))
    print(result.to_json() if json_output else table(result))
    return 0 if result.passed else 1


if __name__ == "__main__":
    sys.exit(main())
