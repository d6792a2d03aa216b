"""`hashtalk db check`: a database written by a real server passes; one damaged by hand is described, row by row."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from host.app.cli import main
from tests.conftest import Harness


def db_check(db_path: Path) -> tuple[int, str]:
    """The command's status and its sentences on stdout (the count of problems goes to stderr), or else its error."""
    result = CliRunner().invoke(main, ["db", "check", "--db", str(db_path)], catch_exceptions=False)
    return result.exit_code, result.stdout or result.output


async def checked(db_path: Path) -> tuple[int, str]:
    """The command's status and output; run in a thread, as the command runs its own event loop."""
    return await asyncio.to_thread(db_check, db_path)


def damage(db_path: Path, sql: str, *params: object) -> None:
    with sqlite3.connect(db_path) as db:
        assert db.execute(sql, params).rowcount == 1


async def lived_in(live: Harness) -> dict[str, int]:
    """A session with posts, a reply, likes given and taken back, a hidden post and a refiled one; their seqs."""
    async with live.participant("ana") as ana, live.participant("bo") as bo, live.moderator() as moderator:
        answer = await ana.post("A1: people who help each other", cid="a1")
        reply = await bo.post("Agreed, and they stay", cid="r1", reply_to=answer["seq"])
        await bo.send(type="react", target=answer["seq"], emoji="like", cid="l1")
        await ana.recv_until(lambda f: f.get("kind") == "reaction" and f["by"] == "bo")
        for cid in ("l2", "l3"):  # on, then off again
            await ana.send(type="react", target=reply["seq"], emoji="like", cid=cid)
            await ana.recv_until(lambda f: f.get("kind") == "reaction" and f["by"] == "ana")
        assert (await moderator.mod("hide", target=reply["seq"], reason="test"))["type"] == "ack"
        assert (await moderator.mod("next"))["type"] == "ack"
        late = await ana.post("A1: one more thought", cid="a2")
        assert (await moderator.mod("refile", target=late["seq"], question=1))["type"] == "ack"
    return {"answer": answer["seq"], "reply": reply["seq"], "late": late["seq"]}


async def test_a_database_written_by_the_server_has_no_problems(live: Harness) -> None:
    """Every kind of projection change a live session makes agrees with the log, checked beside the running server."""
    await lived_in(live)
    code, out = await checked(live.db_path)
    assert code == 0, out
    assert re.fullmatch(r".*hashtalk\.db: no problems \(1 session, \d+ events read\)\n", out), out


async def test_a_deleted_event_is_a_gap_and_leaves_its_message_row_behind(live: Harness) -> None:
    """An event row deleted by hand shows as a gap in the log and a messages row the log no longer has."""
    seqs = await lived_in(live)
    damage(live.db_path, "DELETE FROM events WHERE seq = ?", seqs["answer"])
    code, out = await checked(live.db_path)
    assert code == 1
    gap = f"the log skips seq {seqs['answer']} (a session's events are numbered 1, 2, 3, … with no gap)."
    assert out.splitlines() == [
        f"Session “chat”: {gap}",
        f"Session “chat”: the messages table has message {seqs['answer']}, which is not in the log.",
    ]


async def test_a_deleted_or_changed_message_row_is_named(live: Harness) -> None:
    """A messages row missing, or saying other than the log (here: not hidden, back under Q2), is named with its seq."""
    seqs = await lived_in(live)
    damage(live.db_path, "DELETE FROM messages WHERE seq = ?", seqs["answer"])
    damage(live.db_path, "UPDATE messages SET hidden = 0 WHERE seq = ?", seqs["reply"])
    damage(live.db_path, "UPDATE messages SET question = 2 WHERE seq = ?", seqs["late"])
    code, out = await checked(live.db_path)
    assert code == 1
    assert out.splitlines() == [
        f"Session “chat”: message {seqs['answer']} is in the log but not in the messages table.",
        f"Session “chat”: message {seqs['reply']} in the messages table differs from the log in hidden.",
        f"Session “chat”: message {seqs['late']} in the messages table differs from the log in question.",
    ]


async def test_reactions_and_participants_that_disagree_with_the_log_are_named(live: Harness) -> None:
    """A like lost or added by hand, and a poster missing from the participants table, each get their sentence."""
    seqs = await lived_in(live)
    damage(live.db_path, "DELETE FROM reactions WHERE target = ?", seqs["answer"])
    damage(
        live.db_path,
        "INSERT INTO reactions (session_id, target, by_key, emoji) SELECT id, ?, 'bo', 'like' FROM sessions",
        seqs["late"],
    )
    damage(live.db_path, "DELETE FROM participants WHERE handle = 'bo'")
    code, out = await checked(live.db_path)
    assert code == 1
    assert out.splitlines() == [
        f"Session “chat”: message {seqs['answer']} has 0 “like” in the reactions table where the log has 1.",
        "Session “chat”: the reactions table has 1 reaction the log never recorded.",
        "Session “chat”: bo posted as a participant but is not in the participants table.",
    ]


def test_a_missing_file_is_refused_rather_than_created(tmp_path: Path) -> None:
    """Checking a path with no database says so and creates nothing."""
    code, out = db_check(tmp_path / "none.db")
    assert code == 1 and "no database at" in out
    assert not (tmp_path / "none.db").exists()
