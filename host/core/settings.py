"""Server settings: each field documented, each one settable from the environment.

The README's configuration table lists the same names; a test checks that
every field here is documented there.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import platformdirs

from host.core.flood import LimitSettings
from host.protocol.limits import DEFAULT_POST_CHARS
from host.protocol.times import Clock, SystemClock


def default_db_path() -> Path:
    """`HASHTALK_DB` when it names a file, or hashtalk.db in the user's data directory."""
    configured = default_database()
    return configured if isinstance(configured, Path) else _user_data_file()


def default_database() -> Path | str:
    """`HASHTALK_DB` (a file or a PostgreSQL address), or hashtalk.db in the user's data directory."""
    configured = os.environ.get("HASHTALK_DB")
    return parse_database(configured) if configured else _user_data_file()


def _user_data_file() -> Path:
    return Path(platformdirs.user_data_dir("hashtalk")) / "hashtalk.db"


POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def parse_database(text: str) -> Path | str:
    """What `--db` or HASHTALK_DB names: a PostgreSQL address as it is, `sqlite:///PATH` or a bare path as a path."""
    if text.startswith(POSTGRES_SCHEMES):
        return text
    if text.startswith("sqlite:///"):
        return Path(text.removeprefix("sqlite://")).expanduser()
    if "://" in text:
        raise ValueError(f"{text!r} is neither a file nor a postgresql:// or sqlite:/// address")
    return Path(text).expanduser()


def printable_database(database: Path | str) -> str:
    """A file's path, or a PostgreSQL address without its password: safe to print and log."""
    if isinstance(database, Path):
        return str(database)
    parts = urlsplit(database)
    if parts.password is None:
        return database
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}@{parts.netloc.rsplit('@', 1)[1]}"))



DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"
"""`hashtalk serve`'s own address when nothing else is said."""


@dataclass
class Settings:
    """Everything `create_app` needs; tests build one directly."""

    db_path: Path = field(default_factory=default_db_path)
    """The SQLite file (env HASHTALK_DB)."""
    db_url: str | None = field(default_factory=lambda: _address_or_none(default_database()))
    """A PostgreSQL address, `postgresql://USER:PASSWORD@HOST:PORT/DB`, used instead of the SQLite file
    (env HASHTALK_DB when it is such an address): several processes can then serve the same sessions."""
    moderator_token: str | None = None
    """A moderator token accepted besides the stored ones (env HASHTALK_MODERATOR_TOKEN)."""
    max_frame_bytes: int = 16 * 1024
    """Largest client frame accepted; bigger ones get `frame_too_large` (env HASHTALK_MAX_FRAME_BYTES)."""
    max_post_chars: int = DEFAULT_POST_CHARS
    """Longest post body, in characters (env HASHTALK_MAX_POST_CHARS)."""
    send_buffer: int = 1024 * 1024
    """Bytes waiting for one slow connection before it is cut off to resume later (env HASHTALK_SEND_BUFFER)."""
    fanout_tick: float = 0.005
    """Shortest window, in seconds, whose events go out together as one frame (env HASHTALK_FANOUT_TICK)."""
    hello_timeout: float = 5.0
    """Seconds a new connection has to send its hello (env HASHTALK_HELLO_TIMEOUT)."""
    rescan_seconds: float = 2.0
    """How often the server looks for sessions added by `hashtalk session add` (env HASHTALK_RESCAN_SECONDS)."""
    public_url: str | None = None
    """The address people reach this server at, for links (env HASHTALK_URL); unset, the address it listens on."""
    hosts: tuple[str, ...] = ()
    """Host names the server answers to (env HASHTALK_HOSTS, comma-separated); unset, the public URL's host,
    localhost, 127.0.0.1, ::1 and the address it listens on. Any other `Host` is refused (DNS rebinding)."""
    allowed_origins: tuple[str, ...] = ()
    """Browser origins allowed to open websockets besides the server's own (env HASHTALK_ALLOWED_ORIGINS, comma-separated)."""
    max_connections: int = 10_000
    """Open websockets allowed in all (env HASHTALK_MAX_CONNECTIONS)."""
    max_per_address: int = 50
    """Open websockets allowed per client address, 0 for no cap (env HASHTALK_MAX_PER_ADDRESS)."""
    max_http_per_address: int = 20
    """Connections from one client address not upgraded to a websocket, open at once; extras are closed
    at once. 0 for no cap; no cap either when HASHTALK_MAX_PER_ADDRESS is 0, nor for a trusted proxy's
    address (env HASHTALK_MAX_HTTP_PER_ADDRESS)."""
    header_timeout: float = 10.0
    """Seconds a connection has to send a request's headers before it is closed (env HASHTALK_HEADER_TIMEOUT)."""
    trusted_proxies: str = ""
    """Addresses of reverse proxies whose X-Forwarded-For is believed (env HASHTALK_TRUSTED_PROXIES, comma-separated)."""
    ping_interval: float = 20.0
    """Seconds between the server's pings on each websocket (env HASHTALK_PING_INTERVAL)."""
    ping_timeout: float = 20.0
    """A connection that does not answer a ping within this long is closed (env HASHTALK_PING_TIMEOUT)."""
    max_links: int = 2
    """A participant's post with more links than this is held for review (env HASHTALK_MAX_LINKS)."""
    transcript_builds: int = 1
    """Transcripts built from the log at the same time; more wait their turn (env HASHTALK_TRANSCRIPT_BUILDS)."""
    transcript_queue: int = 8
    """Transcript builds that may wait for their turn; beyond them a request gets 503 `busy`
    (env HASHTALK_TRANSCRIPT_QUEUE)."""
    transcript_fresh_seconds: float = 5.0
    """A built transcript this young is served even if the log has moved on: a live session's transcript costs
    one build per this many seconds, whatever its readers and posts (env HASHTALK_TRANSCRIPT_FRESH_SECONDS)."""
    transcript_cache_bytes: int = 64 * 1024 * 1024
    """Built transcripts kept for the next readers, in bytes (env HASHTALK_TRANSCRIPT_CACHE_BYTES)."""
    render_seconds: float = 2.0
    """Longest a recap's Markdown may take to render (or two versions to compare); longer is refused (env HASHTALK_RENDER_SECONDS)."""
    limits: LimitSettings = field(default_factory=LimitSettings)
    """Per-identity flood limits (env HASHTALK_RATE_POSTS, HASHTALK_RATE_SECONDS, HASHTALK_DUPLICATE_SECONDS),
    and the rates of reactions, reports and new handles (env HASHTALK_RATE_REACTIONS, HASHTALK_REACTIONS_PER_ADDRESS,
    HASHTALK_REACTION_TOGGLES, HASHTALK_RATE_REPORTS, HASHTALK_REPORTS_PER_ADDRESS, HASHTALK_JOINS_PER_ADDRESS)."""
    clock: Clock = field(default_factory=SystemClock)
    """Injected by tests; not configurable from the environment."""
    listening_url: str | None = None
    """Where a running server listens (`http://HOST:PORT`), set by the server once its socket is bound; not
    configurable: links use it when HASHTALK_URL is not set."""

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Settings from HASHTALK_* variables, then `overrides` (None values are ignored)."""
        # Each value's type is the one its converter makes for that field, which a dict of one value type cannot say.
        values: dict[str, Any] = {}
        environment: dict[str, tuple[str, Callable[[str], object]]] = {
            "moderator_token": ("HASHTALK_MODERATOR_TOKEN", str),
            "max_frame_bytes": ("HASHTALK_MAX_FRAME_BYTES", int),
            "max_post_chars": ("HASHTALK_MAX_POST_CHARS", int),
            "send_buffer": ("HASHTALK_SEND_BUFFER", int),
            "fanout_tick": ("HASHTALK_FANOUT_TICK", float),
            "hello_timeout": ("HASHTALK_HELLO_TIMEOUT", float),
            "rescan_seconds": ("HASHTALK_RESCAN_SECONDS", float),
            "public_url": ("HASHTALK_URL", str),
            "allowed_origins": ("HASHTALK_ALLOWED_ORIGINS", _comma_separated),
            "hosts": ("HASHTALK_HOSTS", _comma_separated),
            "max_connections": ("HASHTALK_MAX_CONNECTIONS", int),
            "max_per_address": ("HASHTALK_MAX_PER_ADDRESS", int),
            "max_http_per_address": ("HASHTALK_MAX_HTTP_PER_ADDRESS", int),
            "header_timeout": ("HASHTALK_HEADER_TIMEOUT", float),
            "trusted_proxies": ("HASHTALK_TRUSTED_PROXIES", str),
            "max_links": ("HASHTALK_MAX_LINKS", int),
            "ping_interval": ("HASHTALK_PING_INTERVAL", float),
            "ping_timeout": ("HASHTALK_PING_TIMEOUT", float),
            "transcript_builds": ("HASHTALK_TRANSCRIPT_BUILDS", int),
            "transcript_queue": ("HASHTALK_TRANSCRIPT_QUEUE", int),
            "transcript_cache_bytes": ("HASHTALK_TRANSCRIPT_CACHE_BYTES", int),
            "transcript_fresh_seconds": ("HASHTALK_TRANSCRIPT_FRESH_SECONDS", float),
            "render_seconds": ("HASHTALK_RENDER_SECONDS", float),
        }
        limits: dict[str, tuple[str, Callable[[str], object]]] = {
            "rate_posts": ("HASHTALK_RATE_POSTS", int),
            "rate_seconds": ("HASHTALK_RATE_SECONDS", float),
            "duplicate_seconds": ("HASHTALK_DUPLICATE_SECONDS", float),
            "rate_reactions": ("HASHTALK_RATE_REACTIONS", int),
            "reactions_per_address": ("HASHTALK_REACTIONS_PER_ADDRESS", int),
            "reaction_toggles": ("HASHTALK_REACTION_TOGGLES", int),
            "rate_reports": ("HASHTALK_RATE_REPORTS", int),
            "reports_per_address": ("HASHTALK_REPORTS_PER_ADDRESS", int),
            "joins_per_address": ("HASHTALK_JOINS_PER_ADDRESS", int),
        }
        for old_name, new_name in RENAMED.items():
            if os.environ.get(old_name):
                raise ValueError(f"{old_name} is no longer read: {new_name}")
        limit_values = _read_environment(limits)
        if limit_values:
            values["limits"] = LimitSettings(**limit_values)
        values.update(_read_environment(environment))
        values.update({key: value for key, value in overrides.items() if value is not None})
        return cls(**values)

    @property
    def database(self) -> Path | str:
        """Where the data is: the PostgreSQL address when one is set, else the SQLite file."""
        return self.db_url or self.db_path

    @property
    def database_name(self) -> str:
        """Where the data is, safe to print (no password)."""
        return printable_database(self.database)

    @property
    def printed_url(self) -> str:
        """Where links point (recaps, commands): HASHTALK_URL, else where the running server listens, else the default."""
        return (self.public_url or self.listening_url or DEFAULT_PUBLIC_URL).rstrip("/")



RENAMED = {
    "HASHTALK_SEND_QUEUE": "set HASHTALK_SEND_BUFFER instead, in bytes (default 1048576)",
}
"""Settings that were renamed: set, they stop the server with a sentence rather than being ignored."""


def _address_or_none(database: Path | str) -> str | None:
    return database if isinstance(database, str) else None


def _comma_separated(raw: str) -> tuple[str, ...]:
    return tuple(part.strip().rstrip("/") for part in raw.split(",") if part.strip())


def _read_environment(names: dict[str, tuple[str, Callable[[str], object]]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, (variable, convert) in names.items():
        raw = os.environ.get(variable)
        if raw:
            try:
                values[name] = convert(raw)
            except ValueError:
                raise ValueError(f"{variable}={raw!r} is not valid here") from None
    return values
