"""hashtalk beside the naive baselines: every fan-out target with the same options, one after another, in one table.

    .venv/bin/python bench/compare.py --receivers 5000 --rate 10 --duration 30 [--targets a,b] [--json]

Each target is measured exactly as `bench/fanout.py --target NAME` would
(same load, same cores, same checks), from a fresh server, in turn. The
table gives each one's delivery latency, the share of every post to every
connection that arrived, the server's CPU (while posting, and per post until
delivered), its memory per connection and whether the run was valid; then
each baseline's p99 and CPU per post as a multiple of hashtalk's.
The baselines do less work than hashtalk: they store nothing, while hashtalk
commits every post to SQLite before acknowledging it (docs/benchmarks.md).

Exit status: 0 when every run was valid, 2 when any was invalid (its load
generator was saturated: repeat it smaller or on more cores). A target
missing the p99 floor is a finding, not a failure: that is what the
baselines are here to show.
"""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import replace
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository's packages importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.fanout import TARGETS, Options, measure, option_parser, options_from  # noqa: E402
from bench.report import Result  # noqa: E402

REFERENCE = "hashtalk"
ORDER = ("hashtalk", "naive-starlette", "websockets-broadcast")


def parse(argv: list[str] | None = None) -> tuple[Options, list[str], bool]:
    parser = option_parser(__doc__.splitlines()[0])
    parser.add_argument(
        "--targets", default=",".join(ORDER), help=f"comma-separated, run in this order [{','.join(ORDER)}]"
    )
    args = parser.parse_args(argv)
    targets = [name.strip() for name in args.targets.split(",") if name.strip()]
    unknown = [name for name in targets if name not in TARGETS]
    if unknown or not targets:
        parser.error(f"--targets: choose from {', '.join(sorted(TARGETS))}")
    return options_from(parser, args, targets[0]), targets, args.json


def ratio(value: float | None, reference: float | None) -> float | None:
    return None if value is None or not reference else round(value / reference, 2)


def comparison_rows(results: list[Result]) -> list[dict[str, object]]:
    """One row of figures per run, with the ratios to the reference target's run when there is one."""
    reference = next((result for result in results if result.target == REFERENCE), None)
    rows: list[dict[str, object]] = []
    for result in results:
        latency = result.latency
        rows.append(
            {
                "target": result.target,
                "p50_ms": latency.p50,
                "p95_ms": latency.p95,
                "p99_ms": latency.p99,
                "max_ms": latency.max,
                "delivered": round(result.delivered_share, 6),
                "acks": result.acks,
                "posts": result.posts,
                "errors": sum(result.errors.values()),
                "server_cpu_share": result.server.cpu_share,
                "cpu_per_post_ms": round(result.cpu_per_post_ms, 2),
                "kib_per_connection": round(result.server.bytes_per_connection / 1024, 1),
                "load_cpu_share": result.load.cpu_share,
                "valid": not result.invalid,
                "noisy": bool(result.noisy),
                "p99_vs_hashtalk": ratio(latency.p99, reference.latency.p99) if reference else None,
                "cpu_per_post_vs_hashtalk": ratio(result.cpu_per_post_ms, reference.cpu_per_post_ms)
                if reference
                else None,
            }
        )
    return rows


def comparison_table(results: list[Result]) -> str:
    first = results[0]
    m = first.machine
    lines = [
        "fan-out comparison",
        f"  machine   {m.cores} cores, {m.cpu}, Python {m.python}, load average {' '.join(map(str, m.load_average))}"
        " (at the first run)",
        f"  each run  {first.receivers} receivers + {first.probes} probes + {first.posters} posters;"
        f" {first.rate:g} posts/s for {first.duration:g} s ({first.posts} posts of {first.body_chars} chars)",
        "",
        f"  {'target':<22}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>9}{'delivered':>11}{'acks':>10}"
        f"{'CPU':>6}{'ms/post':>9}{'KiB/conn':>10}{'load':>6}  {'run':<16}{'p99 ×':>7}{'CPU/post ×':>11}",
    ]
    for row in comparison_rows(results):
        widths = (("p50_ms", 8), ("p95_ms", 8), ("p99_ms", 8), ("max_ms", 9))
        cells = "".join(f"{_ms(row[key]):>{width}}" for key, width in widths)
        acks = f"{row['acks']}/{row['posts']}"
        run = "valid" if row["valid"] else "INVALID"
        if row["noisy"]:
            run += ", NOISY"
        lines.append(
            f"  {row['target']:<22}{cells}{row['delivered']:>11.2%}{acks:>10}"
            f"{row['server_cpu_share']:>6.0%}{row['cpu_per_post_ms']:>9.1f}{row['kib_per_connection']:>10.1f}"
            f"{row['load_cpu_share']:>6.0%}  {run:<16}{_times(row['p99_vs_hashtalk']):>7}"
            f"{_times(row['cpu_per_post_vs_hashtalk']):>11}"
        )
    lines += [
        "",
        "  ms: post due → arrival at a probe. delivered: of every post to every probe and receiver."
        " CPU: the server's, while posting, of one core.",
        "  ms/post: server CPU from the first post until every connection had every post (or the grace ran out)."
        " ×: against hashtalk's run.",
        "  The baselines store nothing; hashtalk commits every post to SQLite before its ack.",
    ]
    for result in results:
        for verdict, reasons in (("INVALID", result.invalid), ("NOISY", result.noisy)):
            if reasons:
                lines.append(f"  {result.target} {verdict}: {'; '.join(reasons)}")
    return "\n".join(lines)


async def run_all(options: Options, targets: list[str]) -> list[Result]:
    results = []
    for target in targets:
        print(f"measuring {target} …", file=sys.stderr, flush=True)
        results.append(await measure(replace(options, target=target)))
    return results


def main(argv: list[str] | None = None) -> int:
    options, targets, json_output = parse(argv)
    results = asyncio.run(run_all(options, targets))
    if json_output:
        print(json.dumps({"rows": comparison_rows(results), "runs": [json.loads(r.to_json()) for r in results]}))
    else:
        print(comparison_table(results))
    return 2 if any(result.invalid for result in results) else 0


def _ms(value: object) -> str:
    return "-" if value is None else f"{value:.1f}"


def _times(value: object) -> str:
    return "-" if value is None else f"{value:.2f}"


if __name__ == "__main__":
    sys.exit(main())
