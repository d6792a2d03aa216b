"""What a fault must not have done to the log, read straight from the SQLite file (read-only) after the run.

The server is stopped first, so nothing but the file is asked: the events
table is the source of truth (host/store/sqlite/log.py), `messages` its projection.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench.target import SLUG


@dataclass(frozen=True)
class AckedPost:
    """A post whose ack said it was committed as `seq`."""

    author: str
    cid: str
    body: str
    seq: int


@dataclass
class LogFigures:
    integrity: str
    """What `PRAGMA integrity_check` said ("ok" when the file is sound)."""
    head: int
    events: int
    seq_missing: list[int] = field(default_factory=list)
    """Numbers between 1 and the head with no event (at most the first 20)."""
    messages: int = 0
    acked: int = 0
    acked_missing: list[str] = field(default_factory=list)
    """Acked posts (author/cid) not at their seq with their body and author, or not in `messages` with their cid."""
    doubled: list[str] = field(default_factory=list)
    """Bodies of benchmark posts found in more than one message event."""

    @property
    def sound(self) -> bool:
        return self.integrity == "ok"

    @property
    def seq_unbroken(self) -> bool:
        return not self.seq_missing and self.events == self.head

    @property
    def every_ack_once(self) -> bool:
        return not self.acked_missing and not self.doubled


def check_log(db_path: Path, acked: list[AckedPost], slug: str = SLUG) -> LogFigures:
    """Integrity, the `seq` run and every acked post exactly once, from the file alone."""
    db = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        (integrity,) = db.execute("PRAGMA integrity_check").fetchone()
        (session_id,) = db.execute("SELECT id FROM sessions WHERE slug = ?", (slug,)).fetchone()
        rows = db.execute(
            "SELECT seq, kind, data FROM events WHERE session_id = ? ORDER BY seq", (session_id,)
        ).fetchall()
        cids = dict(db.execute("SELECT seq, cid FROM messages WHERE session_id = ?", (session_id,)).fetchall())
    finally:
        db.close()
    seqs = [row[0] for row in rows]
    head = seqs[-1] if seqs else 0
    present = set(seqs)
    missing = [seq for seq in range(1, head + 1) if seq not in present][:20]
    messages = {seq: json.loads(data)["message"] for seq, kind, data in rows if kind == "message"}
    bodies = Counter(message["body"] for message in messages.values())
    sent_bodies = {post.body for post in acked}
    figures = LogFigures(
        integrity=str(integrity), head=head, events=len(seqs), seq_missing=missing,
        messages=len(messages), acked=len(acked),
    )  # fmt: skip
    for post in acked:
        message = messages.get(post.seq)
        if message is None or message["body"] != post.body or message["author"] != post.author:
            figures.acked_missing.append(f"{post.author}/{post.cid}")
        elif cids.get(post.seq) != post.cid:
            figures.acked_missing.append(f"{post.author}/{post.cid} (messages row)")
    figures.doubled = sorted(body for body, n in bodies.items() if n > 1 and body in sent_bodies)
    return figures
