"""Kill benchmark for several processes: SIGKILL one of three workers on one PostgreSQL database, again and again.

    .venv/bin/python bench/workers_kill.py --kills 20 --clients 300 --rate 40 [--seed N] [--json]

`hashtalk serve --workers 3` runs on a PostgreSQL cluster of the run's own,
pinned to one core; the participants run pinned to the other, all on the one
port (the kernel spreads them over the workers). Some post on a timetable,
each post with its own `cid`. At a random moment one worker, chosen at
random, is killed with SIGKILL (the parent starts another); the participants
it served reconnect with the page's jittered backoff and resume with their
token and last `seq` through the others, sending again every post whose ack
had not come. At the end the run checks the log in PostgreSQL (every counter
row at its head, `seq` without a gap, every acked post exactly once) and
what every participant saw (every event once, in order, across all its
connections), and how long each kill's participants took to be welcomed
again (target: under 5 s). Method and figures: docs/benchmarks.md.

Exit status: 0 when every check passes, 1 when one fails.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository's packages importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.backoff import POLICIES  # noqa: E402
from bench.crowd import Crowd, post_on_timetable  # noqa: E402
from bench.logcheck import AckedPost, LogFigures  # noqa: E402
from bench.meters import cores_problem, raise_fd_limit  # noqa: E402
from bench.report import Machine  # noqa: E402
from bench.restartable import START_TIMEOUT, RestartableServer  # noqa: E402
from bench.resuming import ResumingClient  # noqa: E402
from bench.target import SLUG, bench_spec  # noqa: E402
from host.core.tokens import new_token, token_hash  # noqa: E402
from host.store.postgres import PostgresStorage  # noqa: E402
from tests.pg import Cluster, start_cluster, stop_cluster  # noqa: E402

RECOVERY_TIMEOUT = 30.0
WORKERS = 3


class WorkersServer(RestartableServer):
    """`hashtalk serve --workers 3 --db postgresql://…` on one port; one worker at a time is killed."""

    def __init__(self, workdir: Path, core: int, url: str) -> None:
        super().__init__(workdir, core)
        self.url = url

    async def create_session(self) -> None:
        async with PostgresStorage(self.url) as storage:
            await storage.add_session(bench_spec(time.time()), token_hash(new_token()), time.time())

    async def start(self) -> None:
        env = {
            **os.environ, "HASHTALK_MODERATOR_TOKEN": self.moderator_token, "HASHTALK_MAX_PER_ADDRESS": "0",
            "HASHTALK_RATE_POSTS": "1000000", "HASHTALK_DUPLICATE_SECONDS": "0", "HASHTALK_JOINS_PER_ADDRESS": "0",
            "PYTHONUNBUFFERED": "1", "XDG_DATA_HOME": str(self.workdir / "data"),
            "XDG_CONFIG_HOME": str(self.workdir / "config"),
        }
        with open(self.log_path, "ab") as log:
            self._process = await asyncio.create_subprocess_exec(
                "taskset", "-c", str(self.core), sys.executable, "-m", "host", "serve", "--db", self.url,
                "--port", str(self.port), "--workers", str(WORKERS),
                stdout=asyncio.subprocess.PIPE, stderr=log, env=env,
            )  # fmt: skip
        self.pid = self._process.pid
        try:
            await asyncio.wait_for(self._serving(), START_TIMEOUT)
        except (TimeoutError, EOFError):
            await self.kill()
            raise RuntimeError(f"the server did not start; its log:\n{self.log_tail()}") from None

    def workers(self) -> list[int]:
        """The worker processes' pids now (the parent's children that run a server)."""
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
                command = (stat.parent / "cmdline").read_bytes()
            except (OSError, IndexError, ValueError):
                continue
            if ppid == self.pid and b"resource_tracker" not in command:
                found.append(int(stat.parent.name))
        return sorted(found)


@dataclass(frozen=True)
class KillFigures:
    after: float
    """Posting time between the previous recovery and this kill."""
    moved: int
    """Participants the killed worker served, who had to reconnect."""
    recovered: float | None
    """From the kill to the last of them welcomed again through another worker; None if some never were."""


@dataclass
class Result:
    command: str
    seed: int
    machine: Machine
    clients: int
    kills: list[KillFigures]
    posts: int
    acked: int
    log: LogFigures
    gaps: int
    duplicates: int
    complete: int
    errors: dict[str, int]
    seconds: float
    checks: dict[str, bool] = field(default_factory=dict)

    def judge(self) -> Result:
        recovered = [k.recovered for k in self.kills]
        self.checks = {
            "every kill recovered": all(r is not None for r in recovered),
            "every kill recovered within 5 s": all(r is not None and r < 5 for r in recovered),
            "every post acked": self.acked == self.posts,
            "every acked post in the log exactly once": self.log.every_ack_once,
            "seq 1..head without a gap, counter rows at their heads": self.log.seq_unbroken and self.log.sound,
            "every client saw every event once": self.complete == self.clients and not (self.gaps or self.duplicates),
        }
        return self


async def measure(o: argparse.Namespace) -> Result:
    os.sched_setaffinity(0, {o.load_core})
    raise_fd_limit(o.clients + 256)
    machine, rng, began = Machine.here(), random.Random(o.seed), time.monotonic()
    cluster: Cluster = await asyncio.to_thread(start_cluster)
    try:
        url = await asyncio.to_thread(cluster.new_database)
        with tempfile.TemporaryDirectory(prefix="hashtalk-workers-kill-") as scratch:
            server = WorkersServer(Path(scratch), o.server_core, url)
            await server.create_session()
            await server.start()
            crowd = Crowd(server.session_url, o.clients, POLICIES["page"], o.seed, prefix="w")
            stop_posting = asyncio.Event()
            try:
                await server.open_for_posts()
                joined = time.monotonic()
                crowd.start()
                if await crowd.wait_welcomed(joined, RECOVERY_TIMEOUT) < o.clients:
                    raise RuntimeError(f"not every participant could join; the log:\n{server.log_tail()}")
                posting = asyncio.create_task(post_on_timetable(crowd.clients[: o.posters], o.rate, stop_posting))
                kills = [await _kill_one(server, crowd, rng, rng.uniform(o.min_gap, o.max_gap)) for _ in range(o.kills)]
                await asyncio.sleep(rng.uniform(o.min_gap, o.max_gap))
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
            log = await check_postgres_log(url, acked)
    finally:
        await asyncio.to_thread(stop_cluster, cluster)
    return Result(
        command=_command(o), seed=o.seed, machine=machine, clients=o.clients, kills=kills, posts=posts,
        acked=len(acked), log=log, gaps=delivery.gaps, duplicates=delivery.duplicates, complete=delivery.complete,
        errors=dict(delivery.errors), seconds=round(time.monotonic() - began, 1),
    ).judge()  # fmt: skip


async def _kill_one(server: WorkersServer, crowd: Crowd, rng: random.Random, after: float) -> KillFigures:
    await asyncio.sleep(after)
    before = {client.handle: len(client.welcomes) for client in crowd.clients}
    victim = rng.choice(server.workers())
    killed = time.monotonic()
    os.kill(victim, signal.SIGKILL)
    deadline = killed + RECOVERY_TIMEOUT
    recovered: float | None = None
    while time.monotonic() < deadline:
        await asyncio.sleep(0.02)
        # Settled when every participant is connected with a welcome, and those that moved were welcomed again.
        moved = [c for c in crowd.clients if len(c.welcomes) > before[c.handle]]
        if time.monotonic() - killed > 0.5 and all(_connected(c) for c in crowd.clients):
            recovered = max((c.welcomes[-1] for c in moved), default=killed) - killed
            break
    return KillFigures(round(after, 3), len(moved), None if recovered is None else round(recovered, 3))


def _connected(client: ResumingClient) -> bool:
    link = client._link  # the current connection, once welcomed
    return link is not None and link.is_open


async def check_postgres_log(url: str, acked: list[AckedPost]) -> LogFigures:
    """The same checks as bench/logcheck.py's, read from PostgreSQL through the storage interface."""
    async with PostgresStorage(url) as storage:
        stored = await storage.session(SLUG)
        assert stored is not None
        events = await storage.events(stored.id)
        sound = await storage.integrity_ok()
        head = await storage.head(stored.id)
        cids = {}
        for post in acked:
            row = await storage.message(stored.id, post.seq)
            cids[post.seq] = row
    seqs = [event.seq for event in events]
    present = set(seqs)
    messages = {e.seq: e.data["message"] for e in events if e.kind == "message"}
    bodies = Counter(message["body"] for message in messages.values())
    figures = LogFigures(
        integrity="ok" if sound else "counter rows disagree with the log", head=head, events=len(seqs),
        seq_missing=[seq for seq in range(1, head + 1) if seq not in present][:20], messages=len(messages),
        acked=len(acked),
    )  # fmt: skip
    for post in acked:
        message, row = messages.get(post.seq), cids.get(post.seq)
        if message is None or message["body"] != post.body or message["author"] != post.author or row is None:
            figures.acked_missing.append(f"{post.author}/{post.cid}")
    sent = {post.body for post in acked}
    figures.doubled = sorted(body for body, n in bodies.items() if n > 1 and body in sent)
    return figures


def _command(o: argparse.Namespace) -> str:
    return (f"bench/workers_kill.py --kills {o.kills} --clients {o.clients} --posters {o.posters} --rate {o.rate:g}"
            f" --seed {o.seed}")


def table(r: Result) -> str:
    recovered = [k.recovered for k in r.kills if k.recovered is not None]
    moved = [k.moved for k in r.kills]
    lines = [
        "kill benchmark: hashtalk serve --workers 3 on PostgreSQL",
        f"  machine     {r.machine.cores} cores, {r.machine.cpu}, Python {r.machine.python},"
        f" load average {' '.join(map(str, r.machine.load_average))}",
        f"  command     {r.command}",
        f"  run         {r.clients} participants, {len(r.kills)} SIGKILLs of one worker of 3; {r.seconds:g} s",
        f"  moved       {min(moved)}–{max(moved)} participants per kill (median {statistics.median(moved):g})",
        f"  recovery    kill → every moved participant welcomed again: median"
        f" {statistics.median(recovered) if recovered else '-'} s, max {max(recovered) if recovered else '-'} s",
        f"  posts       {r.posts} made, {r.acked} acked; errors {r.errors or 'none'}",
        f"  log         head {r.log.head}, {r.log.events} events, {r.log.messages} messages;"
        f" seq gaps {r.log.seq_missing or 'none'}; acked missing {len(r.log.acked_missing)}, doubled {len(r.log.doubled)}",
        f"  delivery    {r.complete}/{r.clients} saw every event once; gaps {r.gaps}, duplicates {r.duplicates}",
        "",
    ]
    lines += [f"  {'pass' if ok else 'FAIL':<11} {name}" for name, ok in r.checks.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--kills", type=int, default=20, help="workers killed, one at a time [20]")
    add("--clients", type=int, default=300, help="participants connected the whole time [300]")
    add("--posters", type=int, default=20, help="participants among them who post, in turn [20]")
    add("--rate", type=float, default=40.0, help="posts per second, all posters together [40]")
    add("--min-gap", type=float, default=0.5, help="least posting time between a recovery and the next kill [0.5]")
    add("--max-gap", type=float, default=3.0, help="most posting time between a recovery and the next kill [3]")
    add("--seed", type=int, default=None, help="the random seed [a fresh one, printed]")
    add("--grace", type=float, default=30.0, help="seconds to wait for the last acks and events [30]")
    add("--server-core", type=int, default=0, help="the core the workers are pinned to [0]")
    add("--load-core", type=int, default=1, help="the core the participants are pinned to [1]")
    add("--json", action="store_true", help="print the figures as JSON")
    o = parser.parse_args(argv)
    if (wrong := cores_problem(o.server_core, o.load_core)) is not None:
        parser.error(wrong)
    if o.seed is None:
        o.seed = random.SystemRandom().randrange(2**32)
    print(f"seed {o.seed}", file=sys.stderr, flush=True)
    result = asyncio.run(measure(o))
    print(json.dumps(result.__dict__, default=lambda x: x.__dict__, indent=2) if o.json else table(result))
    return 0 if all(result.checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
