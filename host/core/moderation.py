"""Moderation: the pure rules for a moderator's actions and the state they leave.

Like the engine, nothing here does I/O. `on_action` turns a moderator's `mod`
frame into the changes to append; `apply` folds committed events back into the
`Moderation` state the room keeps (and rebuilds from the log after a restart).
Every action is an event in the log, so `hashtalk session modlog` can say who
did what, when and why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from host.core.engine import Change, LiveState
from host.core.handles import handle_key, handle_keys, handle_problem
from host.protocol.limits import (
    MAX_ANNOUNCEMENT_CHARS,
    MAX_FILTERS,
    MAX_MUTE_SECONDS,
    MAX_PATTERN_CHARS,
    MAX_REASON_CHARS,
    MAX_SLOW_SECONDS,
)
from host.protocol.refusal import Refused
from host.protocol.times import iso, parse_iso

MODERATION_KINDS = (
    "hide", "unhide", "mute", "unmute", "ban", "unban", "settings", "held", "approve", "reject",
    "report", "dismiss", "feature", "announcement", "refile",
)
MODERATION_ACTIONS = frozenset({
    "hide", "unhide", "mute", "unmute", "ban", "unban", "slow_mode", "premoderation", "filter_add",
    "filter_remove", "approve", "reject", "dismiss", "feature", "announce", "refile",
})
FILTER_ACTIONS = ("hold", "hide", "reject")


@dataclass(frozen=True)
class WordFilter:
    """A word, phrase or pattern matched on word boundaries, case-insensitively."""

    pattern: str
    action: str
    """hold (for review), hide or reject."""
    regex: bool = False

    def compiled(self) -> re.Pattern[str]:
        body = self.pattern if self.regex else re.escape(self.pattern)
        # Word boundaries on both sides, so "kill" does not catch "skill".
        return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)

    def to_json(self) -> dict[str, Any]:
        return {"pattern": self.pattern, "action": self.action, "regex": self.regex}


@dataclass(frozen=True)
class Settings:
    """The session's moderation switches, as the last `settings` event left them."""

    slow_mode: float = 0.0
    """Seconds a participant waits between posts; 0 is off."""
    drop_slow_window: float = 0.0
    """For this long after each question drops, `drop_slow_seconds` applies (the burst after a drop)."""
    drop_slow_seconds: float = 10.0
    premoderation: bool = False
    """Every participant post waits for a moderator's approval."""
    filters: tuple[WordFilter, ...] = ()

    def to_json(self, *, with_filters: bool) -> dict[str, Any]:
        data: dict[str, Any] = {
            "slow_mode": self.slow_mode,
            "drop_slow_window": self.drop_slow_window,
            "drop_slow_seconds": self.drop_slow_seconds,
            "premoderation": self.premoderation,
        }
        if with_filters:  # a public word list would tell trolls what to misspell
            data["filters"] = [word_filter.to_json() for word_filter in self.filters]
        return data


@dataclass(frozen=True)
class Moderation:
    """What moderators have decided so far; a projection of the log."""

    settings: Settings = field(default_factory=Settings)
    hidden: frozenset[int] = frozenset()
    held: frozenset[int] = frozenset()
    """Messages waiting for approval."""
    rejected: frozenset[int] = frozenset()
    """Held messages a moderator turned down: never published."""
    muted: tuple[tuple[str, str, float], ...] = ()
    """(handle, key, until) for each muted handle."""
    banned: tuple[tuple[str, frozenset[str]], ...] = ()
    """(handle, its look-alike keys) for each banned handle."""
    reports: tuple[tuple[int, str, str], ...] = ()
    """Open reports: (target, reporter's handle, reason)."""
    featured: int | None = None

    def muted_until(self, key: str, now: float) -> float | None:
        for _handle, muted_key, until in self.muted:
            if muted_key == key and until > now:
                return until
        return None

    def is_banned(self, keys: frozenset[str]) -> bool:
        return any(keys & banned_keys for _handle, banned_keys in self.banned)

    def is_public(self, seq: int) -> bool:
        """Whether everyone may read message `seq` now: published, and neither held, rejected nor hidden."""
        return seq not in self.hidden and seq not in self.held and seq not in self.rejected

    def snapshot(self, *, for_moderator: bool, now: float) -> dict[str, Any]:
        public: dict[str, Any] = {"featured": self.featured, **self.settings.to_json(with_filters=for_moderator)}
        if not for_moderator:
            return public
        counts: dict[int, int] = {}
        for target, _by, _reason in self.reports:
            counts[target] = counts.get(target, 0) + 1
        return {
            **public,
            "held": sorted(self.held),
            "hidden": sorted(self.hidden),
            "reports": [{"target": target, "count": count} for target, count in sorted(counts.items())],
            "muted": [{"handle": h, "until": iso(until)} for h, _k, until in self.muted if until > now],
            "banned": [handle for handle, _keys in self.banned],
        }


def initial_moderation(settings: Settings) -> Moderation:
    return Moderation(settings=settings)


def apply(state: Moderation, kind: str, data: dict[str, Any]) -> Moderation:
    """Fold one committed event into the moderation state."""
    if kind == "hide":
        return replace(state, hidden=state.hidden | {data["target"]}, reports=_without_reports(state, data["target"]))
    if kind == "unhide":
        return replace(state, hidden=state.hidden - {data["target"]})
    if kind == "held":
        return replace(state, held=state.held | {data["message"]["seq"]})
    if kind == "approve":
        return replace(state, held=state.held - {data["target"]})
    if kind == "reject":
        return replace(state, held=state.held - {data["target"]}, rejected=state.rejected | {data["target"]})
    if kind == "mute":
        key = handle_key(data["handle"])
        kept = tuple(entry for entry in state.muted if entry[1] != key)
        return replace(state, muted=kept + ((data["handle"], key, parse_iso(data["until"])),))
    if kind == "unmute":
        key = handle_key(data["handle"])
        return replace(state, muted=tuple(entry for entry in state.muted if entry[1] != key))
    if kind == "ban":
        keys = handle_keys(data["handle"])
        return replace(state, banned=state.banned + ((data["handle"], keys),))
    if kind == "unban":
        keys = handle_keys(data["handle"])
        return replace(state, banned=tuple(entry for entry in state.banned if not entry[1] & keys))
    if kind == "settings":
        return replace(state, settings=settings_from_json(data))
    if kind == "report":
        return replace(state, reports=state.reports + ((data["target"], data["by"], data.get("reason", "")),))
    if kind == "dismiss":
        return replace(state, reports=_without_reports(state, data["target"]))
    if kind == "feature":
        return replace(state, featured=data["target"])
    return state


def settings_from_json(data: dict[str, Any]) -> Settings:
    return Settings(
        slow_mode=float(data.get("slow_mode", 0.0)),
        drop_slow_window=float(data.get("drop_slow_window", 0.0)),
        drop_slow_seconds=float(data.get("drop_slow_seconds", 10.0)),
        premoderation=bool(data.get("premoderation", False)),
        filters=tuple(WordFilter(f["pattern"], f["action"], bool(f.get("regex", False))) for f in data.get("filters", ())),
    )


@dataclass(frozen=True)
class Target:
    """What the room knows about a message a moderator acts on."""

    seq: int
    author: str
    role: str
    status: str
    """visible, held or rejected."""
    message: dict[str, Any]


def on_action(
    state: Moderation,
    live: LiveState,
    action: str,
    args: dict[str, Any],
    now: float,
    target: Target | None,
    by: str,
) -> list[Change]:
    """The changes a moderator's action makes; raises Refused when it cannot apply.

    `target` is the message named by `args["target"]`, looked up by the room.
    """
    names_a_message = action in ("hide", "unhide", "approve", "reject", "dismiss", "refile") or (
        action == "feature" and args.get("target") is not None
    )
    if names_a_message and target is None:
        raise Refused("bad_target", "There is no such message in this session.")
    if action in ("hide", "unhide"):
        assert target is not None
        if target.status != "visible" or target.seq in state.held or target.seq in state.rejected:
            # A held or rejected post was never published: hiding it, then unhiding it, would publish it.
            raise Refused("bad_state", "Only a published message can be hidden or shown again; approve or reject it.")
    if action == "hide":
        assert target is not None
        if target.seq in state.hidden:
            raise Refused("bad_state", "That message is already hidden.")
        return [Change("hide", {"target": target.seq, "author": target.author, "reason": _reason(args), "by": by})]
    if action == "unhide":
        assert target is not None
        if target.seq not in state.hidden:
            raise Refused("bad_state", "That message is not hidden.")
        return [Change("unhide", {"target": target.seq, "by": by, "message": target.message})]
    if action in ("approve", "reject"):
        assert target is not None
        if target.seq not in state.held:
            raise Refused("bad_state", "That message is not waiting for review.")
        if action == "approve":
            return [Change("approve", {"target": target.seq, "by": by, "message": target.message})]
        return [Change("reject", {"target": target.seq, "author": target.author, "by": by, "reason": _reason(args)})]
    if action == "dismiss":
        assert target is not None
        if not any(report[0] == target.seq for report in state.reports):
            raise Refused("bad_state", "That message has no open reports.")
        return [Change("dismiss", {"target": target.seq, "by": by})]
    if action == "feature":
        if target is not None and (target.status != "visible" or target.seq in state.hidden):
            raise Refused("bad_state", "Only a message everyone can see can be featured.")
        return [Change("feature", {"target": target.seq if target else None, "by": by})]
    if action == "refile":
        assert target is not None
        question = args.get("question")
        if isinstance(question, bool) or not isinstance(question, int) or not 1 <= question <= len(live.opened):
            raise Refused("bad_question", "question: the number of a question that has dropped.")
        return [Change("refile", {"target": target.seq, "question": question, "by": by})]
    if action == "announce":
        body = args.get("body")
        if not isinstance(body, str) or not body.strip() or len(body) > MAX_ANNOUNCEMENT_CHARS:
            raise Refused("bad_field", f"body: the announcement, 1 to {MAX_ANNOUNCEMENT_CHARS} characters.")
        return [Change("announcement", {"body": body, "by": by})]
    if action in ("mute", "unmute", "ban", "unban"):
        return [_handle_action(state, action, args, now, by)]
    changed = _settings_action(state.settings, action, args)
    return [Change("settings", {**changed.to_json(with_filters=True), "by": by})]


def screen(state: Moderation, body: str, role: str, max_links: int) -> tuple[str, str] | None:
    """What moderation does with a new post: None to publish it, or (verdict, reason).

    The verdict is `reject`, `hide` or `hold`; the strictest rule that matches wins.
    """
    verdicts = []
    for word_filter in state.settings.filters:
        if word_filter.compiled().search(body):
            verdicts.append((word_filter.action, f"word filter: {word_filter.pattern}"))
    if role == "participant":
        if len(_LINK.findall(body)) > max_links:
            verdicts.append(("hold", f"more than {max_links} links"))
        if state.settings.premoderation:
            verdicts.append(("hold", "pre-moderation"))
    for verdict in FILTER_ACTIONS[::-1]:
        for found, reason in verdicts:
            if found == verdict:
                return verdict, reason
    return None


_LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


def _handle_action(state: Moderation, action: str, args: dict[str, Any], now: float, by: str) -> Change:
    handle = args.get("handle")
    if not isinstance(handle, str) or handle_problem(handle) is not None:
        raise Refused("bad_field", "handle: the participant's handle.")
    key = handle_key(handle)
    if action == "mute":
        seconds = args.get("seconds")
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not 0 < seconds <= MAX_MUTE_SECONDS:
            raise Refused("bad_field", f"seconds: how long to mute, 1 to {MAX_MUTE_SECONDS}.")
        return Change("mute", {"handle": handle, "until": iso(now + seconds), "reason": _reason(args), "by": by})
    if action == "unmute":
        if state.muted_until(key, now) is None:
            raise Refused("bad_state", f"{handle} is not muted.")
        return Change("unmute", {"handle": handle, "by": by})
    keys = handle_keys(handle)
    if action == "ban":
        if state.is_banned(keys):
            raise Refused("bad_state", f"{handle} is already banned.")
        return Change("ban", {"handle": handle, "reason": _reason(args), "by": by})
    if not state.is_banned(keys):
        raise Refused("bad_state", f"{handle} is not banned.")
    return Change("unban", {"handle": handle, "by": by})


def _settings_action(settings: Settings, action: str, args: dict[str, Any]) -> Settings:
    if action == "slow_mode":
        changes: dict[str, Any] = {}
        for name, attribute in (("seconds", "slow_mode"), ("drop_window", "drop_slow_window"),
                                ("drop_seconds", "drop_slow_seconds")):
            if name in args:
                value = args[name]
                if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= MAX_SLOW_SECONDS:
                    raise Refused("bad_field", f"{name}: seconds, 0 to {MAX_SLOW_SECONDS}.")
                changes[attribute] = float(value)
        if not changes:
            raise Refused("bad_field", "seconds: the pause between a participant's posts (0 turns slow mode off).")
        return replace(settings, **changes)
    if action == "premoderation":
        on = args.get("on")
        if not isinstance(on, bool):
            raise Refused("bad_field", "on: true or false.")
        return replace(settings, premoderation=on)
    pattern = args.get("pattern")
    if not isinstance(pattern, str) or not pattern.strip() or len(pattern) > MAX_PATTERN_CHARS:
        raise Refused("bad_field", f"pattern: a word, phrase or pattern of 1 to {MAX_PATTERN_CHARS} characters.")
    kept = tuple(f for f in settings.filters if f.pattern != pattern)
    if action == "filter_remove":
        if len(kept) == len(settings.filters):
            raise Refused("bad_state", f"“{pattern}” is not in the word filter.")
        return replace(settings, filters=kept)
    filter_action = args.get("verdict", "hold")
    if filter_action not in FILTER_ACTIONS:
        raise Refused("bad_field", f"verdict: one of {', '.join(FILTER_ACTIONS)}.")
    regex = args.get("regex", False)
    if not isinstance(regex, bool):
        raise Refused("bad_field", "regex: true or false.")
    word_filter = WordFilter(pattern, filter_action, regex)
    try:
        word_filter.compiled()
    except re.error as error:
        raise Refused("bad_field", f"pattern: not a valid pattern ({error}).") from None
    if len(kept) >= MAX_FILTERS:
        raise Refused("bad_field", f"A session's word filter holds at most {MAX_FILTERS} entries.")
    return replace(settings, filters=kept + (word_filter,))


def _reason(args: dict[str, Any]) -> str:
    reason = args.get("reason", "")
    if not isinstance(reason, str) or len(reason) > MAX_REASON_CHARS:
        raise Refused("bad_field", f"reason: at most {MAX_REASON_CHARS} characters.")
    return reason


def _without_reports(state: Moderation, target: int) -> tuple[tuple[int, str, str], ...]:
    return tuple(report for report in state.reports if report[0] != target)

