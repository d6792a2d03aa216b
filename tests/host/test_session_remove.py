"""Definitions that could not be sent back are refused; `hashtalk session remove` deletes a session, server or not."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import sys
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from host.core.session import SessionSpec
from host.core.tokens import new_token, token_hash
from host.protocol.times import iso
from host.store.engines import storage_at
from tests.conftest import MODERATOR_TOKEN, T0, WAIT, Harness, add_session, make_spec

AUTH = {"Authorization": f"Bearer {MODERATOR_TOKEN}", "Content-Type": "application/json"}
SESSION_TABLES = ("events", "participants", "handle_keys", "messages", "reactions", "recaps", "writer_tokens")


async def hashtalk(*args: str, answer: str = "") -> tuple[int, str, str]:
    """Run the `hashtalk` command in its own process, typing `answer` at its prompt."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "host", *args,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    async with asyncio.timeout(WAIT * 4):
        out, err = await process.communicate(answer.encode())
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def rows_left(db_path: Path) -> dict[str, int]:
    """How many rows each session table holds, read straight from the file."""
    with sqlite3.connect(db_path) as db:
        counts = {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in SESSION_TABLES}
        counts["sessions"] = db.execute("SELECT count(*) FROM sessions").fetchone()[0]
    return counts


def definition(**changes: object) -> dict[str, object]:
    return {
        "slug": "series-1", "title": "Leadership", "hashtag": "#TestChat", "starts_at": iso(T0 + 3600),
        "guest": {"handle": "genepetrov", "name": "Gene Petrov"}, "questions": ["Why lead?"],
    } | changes


async def test_a_lone_surrogate_or_too_many_rules_is_refused_and_nothing_is_stored(harness: Harness) -> None:
    """A lone surrogate in the title, or 20,000 rules, is a 400 naming the field; the lists keep working."""
    async with httpx.AsyncClient(base_url=harness.server.url) as http:
        # json.dumps writes the lone surrogate as the escape "\ud800", as a hostile client would send it.
        surrogate = await http.post("/api/sessions", content=json.dumps(definition(title="bad \ud800")), headers=AUTH)
        rules = await http.post("/api/sessions", content=json.dumps(definition(rules=["Be kind"] * 20_000)),
                                headers=AUTH)
        listed = await http.get("/api/sessions")
        calendar = await http.get("/sessions.ics")
    assert (surrogate.status_code, surrogate.json()["code"]) == (400, "bad_session")
    assert surrogate.json()["message"].startswith("title: ")
    assert (rules.status_code, rules.json()["message"]) == (400, "rules: at most 20")
    assert listed.status_code == 200 and listed.json()["sessions"] == []
    assert calendar.status_code == 200
    assert rows_left(harness.db_path)["sessions"] == 0


async def test_removing_an_open_session_needs_force_and_disconnects_everyone(live: Harness) -> None:
    """remove refuses a live session without --force; with it every row goes and clients get unknown_session."""
    db = str(live.db_path)
    async with live.participant("ana") as ana, live.moderator() as moderator:
        assert (await ana.post("A1: hello", cid="a"))["type"] == "ack"
        code, _, err = await hashtalk("session", "remove", "chat", "--yes", "--db", db)
        assert code == 1 and "“chat” is open (live)" in err and rows_left(live.db_path)["sessions"] == 1
        code, out, err = await hashtalk("session", "remove", "chat", "--yes", "--force", "--db", db)
        assert code == 0 and out == "removed chat\n", err
        for client in (ana, moderator):
            error = await client.recv_until(lambda f: f["type"] == "error")
            assert error["code"] == "unknown_session"
            with pytest.raises(ConnectionClosed):
                await client.recv_until(lambda f: False)
            assert client.ws.close_code == 1008
    async with httpx.AsyncClient(base_url=live.server.url) as http:
        listed = await http.get("/api/sessions")
        shown = await http.get("/api/sessions/chat")
    assert listed.json()["sessions"] == [] and shown.status_code == 404
    assert set(rows_left(live.db_path).values()) == {0}
    refused, close_code = await live.refused_hello(role="participant", handle="bob")
    assert refused["code"] == "unknown_session" and close_code == 1008


async def test_remove_asks_first_and_mends_a_session_stored_with_a_surrogate(harness: Harness) -> None:
    """A session stored with a lone surrogate no longer breaks `session list`; remove asks, and "n" keeps it."""
    bad = make_spec("broken")
    await add_session(harness.db_path, SessionSpec(**{**bad.__dict__, "title": "bad \udc80 title"}))
    db = str(harness.db_path)
    code, out, err = await hashtalk("session", "list", "--db", db)
    assert code == 0 and "bad \ufffd title" in out, err
    code, out, _ = await hashtalk("session", "remove", "broken", "--db", db, answer="n\n")
    assert code == 1 and "Remove “broken” (bad \ufffd title) and its 0 post(s) for good?" in out
    assert rows_left(harness.db_path)["sessions"] == 1
    code, out, _ = await hashtalk("session", "remove", "broken", "--db", db, answer="y\n")
    assert code == 0 and out.endswith("removed broken\n")
    async with httpx.AsyncClient(base_url=harness.server.url) as http:
        listed = await http.get("/api/sessions")
    assert listed.status_code == 200 and listed.json()["sessions"] == []
    code, _, err = await hashtalk("session", "remove", "broken", "--yes", "--db", db)
    assert code == 1 and "no session “broken”" in err


async def test_a_slug_removed_and_added_again_is_a_new_room(live: Harness) -> None:
    """A session removed and stored again under its slug between two scans gets a room of its own, not the old one."""
    async with storage_at(live.db_path) as storage:
        assert await storage.delete_session("chat")
        await storage.add_session(make_spec(), token_hash(new_token()), live.clock.now())
    async with httpx.AsyncClient(base_url=live.server.url) as http:
        listed = (await http.get("/api/sessions")).json()["sessions"]
    assert [(session["slug"], session["state"]) for session in listed] == [("chat", "scheduled")]
    async with live.moderator() as moderator, live.participant("ana") as ana:
        assert (await moderator.mod("start"))["type"] == "ack"
        assert (await ana.post("A1: the new session hears me", cid="new"))["type"] == "ack"
