"""The verdict on a run's figures and the comparison of targets, on figures made to order."""

from __future__ import annotations

from dataclasses import replace

from bench.compare import comparison_rows, comparison_table
from bench.meters import Distribution
from bench.report import LoadFigures, Machine, ProbeFigures, Result, ServerFigures, judge

QUIET_LAG = Distribution(1000, 0.2, 1.0, 2.0, 4.0)


def result(
    target: str = "hashtalk",
    p99: float = 60.0,
    server_cpu: float = 3.0,
    load_share: float = 0.5,
    probe_lag: Distribution = QUIET_LAG,
    foreign: float = 0.0,
    received: int = 300,
) -> Result:
    """A run of 1,000 receivers and 5 probes at 10 posts/s for 30 s, with the figures asked for."""
    server = ServerFigures(
        pid=1, core=0, connect_seconds=2.0, cpu_connect_seconds=2.0, cpu_share=0.1, cpu_peak=0.2,
        cpu_until_delivered_seconds=server_cpu, rss_idle=30 << 20, rss_connected=60 << 20, rss_after=61 << 20,
        connections=1015,
    )  # fmt: skip
    load = LoadFigures(
        core=1, processes=2, cpu_share=load_share, cpu_peak=load_share, loop_lag=probe_lag,
        drain_loop_lag_max_ms=20.0, drain_loop_lag_p99_ms=5.0, drain_us_per_frame=4.0,
        late=Distribution(300, 0.5, 1.0, 2.0, 3.0),
    )  # fmt: skip
    return judge(
        Result(
            target=target, command="bench/fanout.py", machine=Machine(2, "a CPU", "3.11.7", (0.1, 0.1, 0.1)),
            receivers=1000, probes=5, posters=10, rate=10.0, duration=30.0, body_chars=140, posts=300, acks=300,
            errors={}, latency=Distribution(1500, 20.0, 40.0, p99, p99 + 10), ack_latency=QUIET_LAG,
            probe_figures=[ProbeFigures(f"probe{n}", received, received / 300, 0, 0, None) for n in range(5)],
            receivers_connected=1000, receivers_failed={}, receivers_complete=1000 if received == 300 else 0,
            receiver_events=(received, received, received), receiver_deliveries=1000 * received, receivers_lost={}, stalled=0, stalled_ended={},
            server=server, load=load,
            core_busy={0: server.cpu_share + foreign, 1: load_share + foreign}, p99_limit_ms=100.0,
        )  # fmt: skip
    )


def test_a_saturated_load_generator_makes_the_run_invalid() -> None:
    """A load core near saturation, or a probe loop waking late, makes a run INVALID; other programs make it NOISY."""
    assert result().invalid == [] and result().noisy == []
    assert "load generator used 95%" in result(load_share=0.95).invalid[0]
    assert "probe loop lag p99 25.0 ms" in result(probe_lag=Distribution(1000, 1.0, 10.0, 25.0, 40.0)).invalid[0]
    assert result(foreign=0.3).invalid == [] and len(result(foreign=0.3).noisy) == 2


def test_comparison_gives_each_baseline_as_a_multiple_of_hashtalk() -> None:
    """The rows carry each target's p99 and CPU per post over hashtalk's, the share delivered and the verdict."""
    runs = [
        result(),
        result("naive-starlette", p99=240.0, server_cpu=6.0, received=270),
        result("websockets-broadcast", p99=30.0, server_cpu=1.5, load_share=0.9),
    ]
    rows = comparison_rows(runs)
    assert [(row["p99_vs_hashtalk"], row["cpu_per_post_vs_hashtalk"]) for row in rows] == [
        (1.0, 1.0), (4.0, 2.0), (0.5, 0.5)
    ]  # fmt: skip
    assert [row["cpu_per_post_ms"] for row in rows] == [10.0, 20.0, 5.0]
    assert [row["delivered"] for row in rows] == [1.0, 0.9, 1.0]
    assert [row["valid"] for row in rows] == [True, True, False]
    table = comparison_table(runs)
    assert "websockets-broadcast INVALID: load generator used 90%" in table
    without_reference = comparison_rows([replace(runs[1])])
    assert without_reference[0]["p99_vs_hashtalk"] is None
