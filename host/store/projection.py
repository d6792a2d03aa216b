"""How an event changes the tables kept for lookups (messages, reactions): the one statement of those rules.

Both engines' appends run the statements `projection` returns, in the
transaction that adds the event, and `hashtalk db check` replays a log with
`message_columns` and `message_update` to say what those tables must hold.
Pure: no connection, no I/O. The SQL uses `?` placeholders; an engine whose
driver wants another style swaps them once per statement text.
"""

from __future__ import annotations

from typing import Any

from host.store.rows import NewEvent

Statement = tuple[str, tuple[Any, ...]]
"""One SQL statement with `?` placeholders, and its parameters."""

MESSAGE_KINDS = frozenset({"message", "held"})
"""The kinds of event that post a message (a held one waits for review)."""

_SET_AFTER: dict[str, tuple[str, Any]] = {
    "approve": ("status", "visible"),
    "reject": ("status", "rejected"),
    "hide": ("hidden", True),
    "unhide": ("hidden", False),
}

_INSERT_MESSAGE = (
    "INSERT INTO messages"
    " (session_id, seq, author, author_key, role, question, body, reply_to, at, cid, status, hidden)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_ADD_REACTION = "INSERT INTO reactions (session_id, target, emoji, by_key) VALUES (?, ?, ?, ?)"
_REMOVE_REACTION = "DELETE FROM reactions WHERE session_id = ? AND target = ? AND emoji = ? AND by_key = ?"
# One fixed text per column, never built per event: an engine that rewrites placeholders does it once per text.
_UPDATE_MESSAGE = {
    column: f"UPDATE messages SET {column} = ? WHERE session_id = ? AND seq = ?"
    for column in ("status", "hidden", "question")
}


def message_columns(kind: str, at: float, data: dict[str, Any]) -> dict[str, Any]:
    """The columns of the messages row a posting event (`MESSAGE_KINDS`) creates, before anything changes it."""
    message = data["message"]
    return {
        "author": message["author"],
        "role": message["role"],
        "question": message["question"],
        "body": message["body"],
        "reply_to": message["reply_to"],
        "at": at,
        "status": "held" if kind == "held" else "visible",
        "hidden": False,
    }


def message_update(kind: str, data: dict[str, Any]) -> tuple[str, Any] | None:
    """The column an event changes in the message its `target` names, and the new value; None if it changes none."""
    if kind == "refile":
        return "question", data["question"]
    return _SET_AFTER.get(kind)


def projection(session_id: int, event: NewEvent) -> list[Statement]:
    """The statements that bring the messages and reactions tables up to date with this event, in order."""
    statements: list[Statement] = []
    if event.message_key is not None:
        author_key, cid = event.message_key
        row = message_columns(event.kind, event.at, event.data)
        statements.append((_INSERT_MESSAGE, (
            session_id, event.seq, row["author"], author_key, row["role"], row["question"], row["body"],
            row["reply_to"], row["at"], cid, row["status"], row["hidden"],
        )))
    if event.reaction_by is not None:
        data = event.data
        toggle = _ADD_REACTION if data["on"] else _REMOVE_REACTION
        statements.append((toggle, (session_id, data["target"], data["emoji"], event.reaction_by)))
    if (update := message_update(event.kind, event.data)) is not None:
        column, value = update
        statements.append((_UPDATE_MESSAGE[column], (value, session_id, event.data["target"])))
    return statements
