"""`hashtalk insights HASHTAG`: a series' community insights, for a community manager's monthly report.

Registered on the `hashtalk` group by `host.app.cli`. Ended sessions' figures
are computed once and kept in the database; the report is then read from them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from host.app.cli_common import db_option, run_async, settings_for
from host.app.cli_transcripts import emit, out_option
from host.live.series_insights import series_report
from host.protocol.times import SystemClock
from host.store.engines import storage_at
from transcripts.insights_export import INSIGHT_FORMATS
from transcripts.insights_formats import insights_text


@click.command()
@click.argument("hashtag")
@click.option("--format", "fmt", type=click.Choice(INSIGHT_FORMATS), default="md", show_default=True)
@click.option(
    "--by", type=click.Choice(["session", "question"]), default="session", show_default=True,
    help="CSV rows: one per session, or one per question.",
)
@out_option
@db_option
def insights(hashtag: str, fmt: str, by: str, out: Path | None, db_path: Path | str | None) -> None:
    """Report a series' growth, engagement, sentiment per question and satisfaction (the sessions of HASHTAG).

    HASHTAG is compared in any case, with or without its #.
    """
    settings = settings_for(db_path, reads=True)

    async def load() -> dict[str, Any] | None:
        async with storage_at(settings.database) as storage:
            return await series_report(storage, hashtag, SystemClock().now())

    report = run_async(load, database=settings.database_name)
    if report is None:
        raise click.ClickException(f"no session with the hashtag “{hashtag}” in {settings.database_name}")
    emit(insights_text(report, fmt, by_question=by == "question"), out)
