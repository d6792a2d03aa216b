"""The insights report in each format the API and the command offer, chosen by name."""

from __future__ import annotations

from typing import Any

from transcripts.insights_export import insights_csv, insights_json, insights_markdown
from transcripts.insights_page import insights_page


def insights_text(report: dict[str, Any], fmt: str, *, by_question: bool = False) -> str:
    """The report as `fmt` (json, csv, md, or html: a standalone page); CSV per question with `by_question`."""
    if fmt == "csv":
        return insights_csv(report, by_question=by_question)
    if fmt == "md":
        return insights_markdown(report)
    if fmt == "html":
        return insights_page(report)
    return insights_json(report)
