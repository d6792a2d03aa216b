"""What participants and hosts typed reaches the operator's terminal through `hashtalk` as text, never as commands."""

from __future__ import annotations

import re

import httpx

from host.protocol.times import iso
from tests.conftest import MODERATOR_TOKEN, T0, Harness
from tests.host.test_csv_cells import hashtalk

CLEAR_AND_RETITLE = "\x1b[2J\x1b]0;owned\x07"
# What a terminal would act on: C0 controls (a CR LF pair is a line break and may stay), DEL, C1, bidi overrides.
TERMINAL_ACTORS = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]|\r(?!\n)")


def assert_only_text(output: str) -> None:
    assert not TERMINAL_ACTORS.search(output), repr(output)


async def test_escapes_in_titles_reasons_and_posts_never_reach_the_terminal(live: Harness) -> None:
    """session list/show/modlog and transcript/recap print a title with CR/LF, an escaping report and post as text."""
    title = "Fine chat\r\nfake-row  ended  \x1b[31mred\u202e"
    definition = {
        "slug": "evil", "title": title, "hashtag": "#TestChat", "starts_at": iso(T0 + 3600),
        "guest": {"handle": "genepetrov", "name": "Gene\x1b[8m Petrov"}, "questions": ["Q1\x9b2J?"],
    }
    async with httpx.AsyncClient(base_url=live.server.url) as http:
        created = await http.post("/api/sessions", json=definition,
                                  headers={"Authorization": f"Bearer {MODERATOR_TOKEN}"})
    assert created.status_code == 201, created.text
    async with live.participant("ana") as ana, live.participant("bob") as bob:
        posted = await bob.post(f"A1: hello{CLEAR_AND_RETITLE}", cid="p")
        await ana.send(type="report", target=posted["seq"], reason=f"{CLEAR_AND_RETITLE}spam", cid="r")
        assert (await ana.recv_until(lambda f: f.get("cid") == "r"))["type"] == "ack"
    db = str(live.db_path)
    outputs = {}
    for command in (["session", "list"], ["session", "show", "evil"], ["session", "modlog", "chat"],
                    ["transcript", "chat"], ["recap", "chat"]):
        code, out, err = await hashtalk(*command, "--db", db)
        assert code == 0, err
        assert_only_text(out)
        outputs[command[1] if command[0] == "session" else command[0]] = out
    listed = outputs["list"].splitlines()
    assert len(listed) == 3 and "Fine chat fake-row  ended  red" in listed[2]  # one row, not a forged second
    assert "Gene Petrov (@genepetrov)" in outputs["show"] and "spam" in outputs["modlog"]
    assert "A1: hello" in outputs["transcript"] and "\n## Q1: " in outputs["transcript"]  # lines are kept
