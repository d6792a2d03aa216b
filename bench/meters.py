"""What a benchmark run measures besides latency: CPU and memory from /proc, event-loop lag, percentiles.

Everything is read from the kernel's own accounting (/proc/<pid>/stat,
/proc/<pid>/status, /proc/stat), so a figure means the same for the server
under test, the load generator and whatever else happens to run on the cores.
"""

from __future__ import annotations

import asyncio
import math
import os
import resource
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far, all threads included."""
    with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as file:
        stat = file.read()
    # The command name (field 2) may hold spaces and parentheses: count fields after the last ")".
    fields = stat[stat.rindex(")") + 2 :].split()
    utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of proc(5)
    return (utime + stime) / CLOCK_TICKS


def rss_bytes(pid: int) -> int:
    """A process's resident memory now."""
    with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as file:
        for line in file:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise ValueError(f"no VmRSS in /proc/{pid}/status")


@dataclass(frozen=True)
class ProcessSample:
    """One process's CPU time and resident memory at one instant."""

    cpu: float
    rss: int


def sample(pid: int) -> ProcessSample:
    return ProcessSample(cpu_seconds(pid), rss_bytes(pid))


def core_busy_seconds(cores: Iterable[int]) -> dict[int, float]:
    """Busy time of each core so far (everything but idle and iowait), whoever ran on it."""
    wanted = {f"cpu{core}": core for core in cores}
    busy = {}
    with open("/proc/stat", encoding="ascii") as file:
        for line in file:
            name, *values = line.split()
            if name in wanted:
                ticks = [int(value) for value in values]
                busy[wanted[name]] = (sum(ticks[:8]) - ticks[3] - ticks[4]) / CLOCK_TICKS
    missing = set(wanted.values()) - set(busy)
    if missing:
        raise ValueError(f"/proc/stat shows no core {sorted(missing)}")
    return busy


def raise_fd_limit(needed: int) -> None:
    """Lift this process's open-file limit so `needed` sockets fit; children inherit it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return
    if hard != resource.RLIM_INFINITY and hard < needed:
        raise SystemExit(f"this needs {needed} open files but the hard limit is {hard}; raise it with `ulimit -Hn`")
    resource.setrlimit(resource.RLIMIT_NOFILE, (needed if hard == resource.RLIM_INFINITY else hard, hard))


class LoopLag:
    """How late this event loop wakes a short timer.

    A late wake-up means the loop was busy: while it is, the frames it should
    timestamp and the posts it should send wait too, so a load generator whose
    lag grows is measuring itself rather than the server.
    """

    def __init__(self, interval: float = 0.005) -> None:
        self.interval = interval
        self.samples: list[float] = []

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            start = loop.time()
            await asyncio.sleep(self.interval)
            self.samples.append(max(0.0, loop.time() - start - self.interval))

    def mark(self) -> int:
        """Where the samples stand now, to summarise a window later."""
        return len(self.samples)


class PeakCpu:
    """The busiest `interval` of a set of processes: a run's average can hide a saturated second."""

    def __init__(self, pids: Sequence[int], interval: float = 1.0) -> None:
        self.pids = list(pids)
        self.interval = interval
        self.shares: list[float] = []

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        before, at = self._total(), loop.time()
        while True:
            await asyncio.sleep(self.interval)
            now, total = loop.time(), self._total()
            self.shares.append((total - before) / (now - at))
            before, at = total, now

    def _total(self) -> float:
        total = 0.0
        for pid in self.pids:
            try:
                total += cpu_seconds(pid)
            except (FileNotFoundError, ProcessLookupError):
                continue  # a process that has exited adds nothing more
        return total

    @property
    def peak(self) -> float | None:
        return max(self.shares) if self.shares else None


@dataclass(frozen=True)
class Distribution:
    """Order statistics of a set of durations, in milliseconds."""

    count: int
    p50: float | None
    p95: float | None
    p99: float | None
    max: float | None

    @classmethod
    def of(cls, seconds: Iterable[float]) -> Distribution:
        values = sorted(seconds)
        if not values:
            return cls(0, None, None, None, None)
        return cls(
            len(values),
            _ms(percentile(values, 50)),
            _ms(percentile(values, 95)),
            _ms(percentile(values, 99)),
            _ms(values[-1]),
        )


def percentile(ordered: Sequence[float], q: float) -> float:
    """The nearest-rank percentile of already sorted values: a value that was actually measured."""
    if not ordered:
        raise ValueError("no values")
    if not 0 < q <= 100:
        raise ValueError("q must be in (0, 100]")
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def cores_problem(server_core: int, load_core: int) -> str | None:
    """Why the server and the load cannot be pinned to these cores, or None when they can."""
    available = os.sched_getaffinity(0)
    for flag, core in (("--server-core", server_core), ("--load-core", load_core)):
        if core not in available:
            return f"{flag} {core}: this process may only use cores {sorted(available)}"
    if server_core == load_core:
        return "the server and the load need a core each"
    return None
