"""A run's figures, the verdict on them, and the two ways they are shown: a table for people, JSON for tools."""

from __future__ import annotations

import json
import os
import platform
from dataclasses import asdict, dataclass, field

from bench.meters import Distribution

MAX_LOAD_CPU = 0.85
"""Above this share of its core the load generator is itself the bottleneck."""
MAX_LOOP_LAG_MS = 10.0
"""A p99 timer lateness above this in the probes' loop distorts their timestamps."""
MAX_LATE_MS = 10.0
"""Posts going out later than this (p99) mean the timetable was not kept."""
MAX_FOREIGN_CPU = 0.10
"""Other programs using more than this share of a benchmark core make the run noisy."""


@dataclass(frozen=True)
class Machine:
    cores: int
    cpu: str
    python: str
    load_average: tuple[float, float, float]
    """1, 5 and 15 minute load averages when the run started."""

    @classmethod
    def here(cls) -> Machine:
        load = os.getloadavg()
        return cls(
            os.cpu_count() or 0,
            _cpu_model(),
            platform.python_version(),
            (round(load[0], 2), round(load[1], 2), round(load[2], 2)),
        )


@dataclass(frozen=True)
class ProbeFigures:
    handle: str
    received: int
    share: float
    duplicates: int
    seq_faults: int
    lost: str | None


@dataclass(frozen=True)
class ServerFigures:
    pid: int
    core: int
    connect_seconds: float
    """Wall time to connect every probe, poster and receiver."""
    cpu_connect_seconds: float
    cpu_share: float
    """Server CPU over the posting window, as a share of one core."""
    cpu_peak: float | None
    """The busiest second of the posting window."""
    cpu_until_delivered_seconds: float
    """Server CPU from the first post until every connection had every post (or the grace ran out)."""
    rss_idle: int
    rss_connected: int
    rss_after: int
    connections: int

    @property
    def bytes_per_connection(self) -> float:
        return (self.rss_connected - self.rss_idle) / self.connections if self.connections else 0.0


@dataclass(frozen=True)
class LoadFigures:
    core: int
    processes: int
    cpu_share: float
    """All load processes' CPU over the posting window, as a share of one core."""
    cpu_peak: float | None
    loop_lag: Distribution
    """Timer lateness in the probes' and posters' event loop."""
    drain_loop_lag_max_ms: float | None
    drain_loop_lag_p99_ms: float | None
    """The worst drain process's p99 timer lateness: a receiver that reads late holds the server's sends back."""
    drain_us_per_frame: float | None
    """The drain processes' CPU per frame received while posting and catching up, in µs."""
    late: Distribution
    """How late each post went out against its timetable."""


@dataclass(frozen=True)
class Result:
    target: str
    command: str
    machine: Machine
    receivers: int
    probes: int
    posters: int
    rate: float
    duration: float
    body_chars: int
    posts: int
    acks: int
    errors: dict[str, int]
    latency: Distribution
    """Post due → arrival at a probe, over every probe's arrivals."""
    ack_latency: Distribution
    probe_figures: list[ProbeFigures]
    receivers_connected: int
    receivers_failed: dict[str, int]
    receivers_complete: int
    """Receivers that got a frame for every post."""
    receiver_events: tuple[int, int, int]
    """Fewest, median and most live events a receiver got after its welcome (alone or in batch frames)."""
    receiver_deliveries: int
    """Posts delivered to receivers, each receiver counted up to the number of posts."""
    receivers_lost: dict[str, int]
    stalled: int
    """Receivers stopped (SIGSTOP) while posting: they must not move anyone else's figures."""
    stalled_ended: dict[str, int]
    """How the server ended the stalled receivers' connections, by reason."""
    server: ServerFigures
    load: LoadFigures
    core_busy: dict[int, float]
    """Each benchmark core's busy share over the window, counting every program on it."""
    p99_limit_ms: float
    invalid: list[str] = field(default_factory=list)
    noisy: list[str] = field(default_factory=list)

    @property
    def every_post_everywhere(self) -> bool:
        return all(probe.received == self.posts for probe in self.probe_figures) and (
            self.receivers_complete == self.receivers
        )

    @property
    def delivered_share(self) -> float:
        """Every post to every probe and receiver: the share of those deliveries that happened."""
        wanted = self.posts * (self.probes + self.receivers)
        got = sum(probe.received for probe in self.probe_figures) + self.receiver_deliveries
        return got / wanted if wanted else 0.0

    @property
    def cpu_per_post_ms(self) -> float:
        """The server's CPU for each post, from the first post until every delivery was made."""
        return self.server.cpu_until_delivered_seconds / self.posts * 1000 if self.posts else 0.0

    @property
    def floor_met(self) -> bool:
        p99 = self.latency.p99
        return p99 is not None and p99 < self.p99_limit_ms and self.every_post_everywhere and not self.errors

    def to_json(self) -> str:
        data = asdict(self)
        data["server"]["kib_per_connection"] = round(self.server.bytes_per_connection / 1024, 1)
        data["every_post_everywhere"] = self.every_post_everywhere
        data["delivered_share"] = round(self.delivered_share, 6)
        data["cpu_per_post_ms"] = round(self.cpu_per_post_ms, 3)
        data["floor_met"] = self.floor_met
        data["valid"] = not self.invalid
        return json.dumps(data, indent=2)


def judge(result: Result) -> Result:
    """Fill in why a run cannot be trusted (invalid) or should be repeated on a quieter machine (noisy)."""
    load = result.load
    if load.cpu_share > MAX_LOAD_CPU:
        result.invalid.append(f"load generator used {load.cpu_share:.0%} of its core (limit {MAX_LOAD_CPU:.0%})")
    if load.loop_lag.p99 is not None and load.loop_lag.p99 > MAX_LOOP_LAG_MS:
        result.invalid.append(f"probe loop lag p99 {load.loop_lag.p99} ms (limit {MAX_LOOP_LAG_MS} ms)")
    if load.late.p99 is not None and load.late.p99 > MAX_LATE_MS:
        result.invalid.append(f"posts went out {load.late.p99} ms late at p99 (limit {MAX_LATE_MS} ms)")
    ours = {result.server.core: result.server.cpu_share, load.core: load.cpu_share}
    for core, busy in sorted(result.core_busy.items()):
        foreign = busy - ours.get(core, 0.0)
        if foreign > MAX_FOREIGN_CPU:
            result.noisy.append(f"other programs used {foreign:.0%} of core {core}")
    return result


def table(result: Result) -> str:
    r, server, load = result, result.server, result.load
    m = r.machine
    lines = [
        f"fan-out benchmark: {r.target}",
        f"  machine     {m.cores} cores, {m.cpu}, Python {m.python}, load average {' '.join(map(str, m.load_average))}",
        f"  command     {r.command}",
        f"  run         {r.receivers} receivers + {r.probes} probes + {r.posters} posters;"
        f" {r.rate:g} posts/s for {r.duration:g} s ({r.posts} posts of {r.body_chars} chars)",
        "",
        f"  {'ms':<24}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}{'n':>8}",
        _row("post → probe delivery", r.latency),
        _row("post → ack", r.ack_latency),
        _row("post sent late by", load.late),
        _row("probe loop lag", load.loop_lag),
        "",
        f"  acks        {r.acks}/{r.posts}; errors {counts_text(r.errors)}",
    ]
    for probe in r.probe_figures:
        extra = "".join(
            f"; {text}"
            for text, show in (
                (f"{probe.duplicates} duplicates", probe.duplicates),
                (f"{probe.seq_faults} seq faults", probe.seq_faults),
                (f"{probe.lost}", probe.lost),
            )
            if show
        )
        lines.append(f"  probe       {probe.handle}: {probe.received}/{r.posts} ({probe.share:.1%}){extra}")
    fewest, median, most = r.receiver_events
    lines += [
        f"  receivers   {r.receivers_connected}/{r.receivers} connected (failed: {counts_text(r.receivers_failed)});"
        f" {r.receivers_complete} got every post; events min/median/max {fewest}/{median}/{most};"
        f" lost {counts_text(r.receivers_lost)}",
        *(
            [f"  stalled     {r.stalled} more receivers stopped (SIGSTOP) while posting; the server ended them:"
             f" {counts_text(r.stalled_ended)}"]
            if r.stalled
            else []
        ),
        f"  server      core {server.core}: CPU {server.cpu_share:.0%} of a core while posting"
        f" (busiest second {_share(server.cpu_peak)}), {r.cpu_per_post_ms:.1f} ms per post until delivered;"
        f" connecting {server.connections} took"
        f" {server.connect_seconds:.1f} s and {server.cpu_connect_seconds:.1f} s of CPU",
        f"  memory      RSS {_mib(server.rss_idle)} idle → {_mib(server.rss_connected)} connected"
        f" ({server.bytes_per_connection / 1024:.1f} KiB per connection) → {_mib(server.rss_after)} after posting",
        f"  load        core {load.core}, {load.processes} processes: CPU {load.cpu_share:.0%}"
        f" (busiest second {_share(load.cpu_peak)}); drain loop lag p99 {load.drain_loop_lag_p99_ms} ms,"
        f" max {load.drain_loop_lag_max_ms} ms; {load.drain_us_per_frame} µs of drain CPU per frame",
        "  cores       " + ", ".join(f"core {core} {busy:.0%} busy" for core, busy in sorted(r.core_busy.items()))
        + " (every program on it)",
        "",
    ]
    if r.invalid:
        lines.append("  INVALID     " + "; ".join(r.invalid))
    else:
        lines.append("  valid       the load generator kept up")
    if r.noisy:
        lines.append("  NOISY       " + "; ".join(r.noisy) + ": repeat on a quiet machine")
    verdict = "met" if r.floor_met else "NOT met"
    lines.append(
        f"  floor       p99 under {r.p99_limit_ms:g} ms, every post to every connection, no errors: {verdict}"
    )
    return "\n".join(lines)


def _row(name: str, d: Distribution) -> str:
    cells = "".join(f"{'-' if v is None else f'{v:.1f}':>8}" for v in (d.p50, d.p95, d.p99, d.max))
    return f"  {name:<24}{cells}{d.count:>8}"


def counts_text(counts: dict[str, int]) -> str:
    """`{"closed 1011": 3}` as "closed 1011 ×3", or "none"."""
    return ", ".join(f"{name} ×{n}" for name, n in counts.items()) if counts else "none"


def _share(share: float | None) -> str:
    return "-" if share is None else f"{share:.0%}"


def _mib(size: int) -> str:
    return f"{size / 2**20:.1f} MiB"


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as file:
            for line in file:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"
