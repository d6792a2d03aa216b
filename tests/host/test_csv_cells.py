"""CSV transcripts through the real server and the real command: a would-be formula arrives as quoted text."""

from __future__ import annotations

import asyncio
import csv
import io
import sys

import httpx

from tests.conftest import WAIT, Harness

FORMULAS = ['=HYPERLINK("http://evil.example","click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)"]


async def hashtalk(*args: str) -> tuple[int, str, str]:
    """Run the `hashtalk` command in its own process, as an operator would."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "host", *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    async with asyncio.timeout(WAIT * 4):
        out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def assert_formulas_are_text(text: str) -> None:
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["body"] for row in rows] == ["'" + formula for formula in FORMULAS]
    assert '"\'=HYPERLINK(""http://evil.example"",""click"")"' in text
    assert not any(line.startswith(("=", "+", "-", "@")) for line in text.split("\r\n"))


async def test_posts_that_look_like_formulas_export_as_quoted_text(live: Harness) -> None:
    """Answers starting with =, +, - or @ leave transcript.csv and `hashtalk transcript` behind a '."""
    async with live.participant("ana") as ana:
        for number, formula in enumerate(FORMULAS):
            assert (await ana.post(formula, cid=f"f{number}"))["type"] == "ack"
    async with httpx.AsyncClient(base_url=live.server.url) as http:
        response = await http.get("/api/sessions/chat/transcript.csv")
    assert response.status_code == 200
    assert_formulas_are_text(response.text)
    code, out, err = await hashtalk("transcript", "chat", "--format", "csv", "--db", str(live.db_path))
    assert code == 0, err
    assert_formulas_are_text(out)
