"""What hashtalk relies on inside uvicorn's private protocol classes, checked once before a server starts.

ws_trim.py, wire.py and http_guard.py subclass uvicorn's
`WebSocketsSansIOProtocol` and `H11Protocol`, which uvicorn does not promise
to keep. pyproject.toml pins the uvicorn versions the suite runs against; if
another one is installed anyway and has changed what the subclasses use, the
server refuses to start with a sentence naming the version and what is
missing, rather than failing inside the first connection.
"""

from __future__ import annotations

import functools
import importlib.metadata
import inspect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from host.net.ws_trim import Flag, Inbox


class UvicornMismatch(RuntimeError):
    """The installed uvicorn lacks something hashtalk's protocol subclasses use."""


@dataclass(frozen=True)
class Relied:
    """What hashtalk's subclasses use of one uvicorn class."""

    cls: type
    methods: tuple[str, ...]
    """Overridden or called methods, written as `inspect` shows them: "async send(message)"."""
    attributes: tuple[str, ...]
    """Attributes the class assigns (`self.name = …`) that the subclasses read or replace."""
    replaced: dict[str, type] = field(default_factory=dict)
    """Attributes the subclasses replace with a lighter object: uvicorn may call only what that object offers."""


WEBSOCKET = Relied(
    WebSocketsSansIOProtocol,
    methods=(
        "__init__(config, server_state, app_state, _loop)",  # ws_trim: replaces queue and writable after it
        "async send(message)",  # ws_trim: forgets the handshake; wire: marks a refused upgrade complete
        "handle_connect(event)",  # wire: offers the Wire in the scope
        "keepalive_timeout()",  # wire: aborts a client that stopped answering pings
    ),
    attributes=(
        "queue", "writable",  # ws_trim: replaced by Inbox and Flag
        "request", "response",  # ws_trim: dropped after the accept
        "handshake_complete", "scope",  # ws_trim, wire
        "close_sent", "disconnected", "transport", "conn", "loop", "close_timeout", "close_timer",  # wire.close_now
    ),
    replaced={"queue": Inbox, "writable": Flag},
)

HTTP = Relied(
    H11Protocol,
    methods=(
        "__init__(config, server_state, app_state, _loop)",
        "connection_made(transport)",
        "connection_lost(exc)",
        "data_received(data)",
        "handle_events()",
        "handle_websocket_upgrade(event)",
    ),
    attributes=("conn", "loop", "transport"),  # http_guard: h11 state, the header deadline's timer, abort
)


@functools.cache
def check_installed_uvicorn() -> None:
    """Raise UvicornMismatch unless the installed uvicorn has everything the subclasses use (checked once)."""
    check(WEBSOCKET, HTTP)


def check(*relied: Relied) -> None:
    """Raise UvicornMismatch with one sentence listing every difference from what hashtalk relies on."""
    problems = [problem for each in relied for problem in _differences(each)]
    if problems:
        raise UvicornMismatch(
            f"hashtalk cannot run on uvicorn {uvicorn.__version__}: {'; '.join(problems)}. "
            f"Install a uvicorn the project supports ({_supported_range()})."
        )


def _differences(relied: Relied) -> Iterator[str]:
    name = relied.cls.__name__
    for expected in relied.methods:
        method_name = expected.removeprefix("async ").split("(", 1)[0]
        method = getattr(relied.cls, method_name, None)
        if not callable(method):
            yield f"{name} has no method {method_name}, which hashtalk expects as `{expected}`"
        elif (found := _shown(method_name, method)) != expected:
            yield f"{name} has `{found}` where hashtalk expects `{expected}`"
    source = _source(relied.cls)
    if source is None:
        return  # without uvicorn's source only the methods can be checked
    for attribute in relied.attributes:
        if not re.search(rf"\bself\.{attribute}\s*(:[^=\n]+)?=(?!=)", source):
            yield f"{name} no longer sets `self.{attribute}`"
    for attribute, replacement in relied.replaced.items():
        offered = {member for member in dir(replacement) if not member.startswith("_")}
        for used in sorted(set(re.findall(rf"\bself\.{attribute}\.(\w+)", source)) - offered):
            yield f"{name} calls `self.{attribute}.{used}`, which hashtalk's {replacement.__name__} does not offer"


def _shown(name: str, method: Callable[..., object]) -> str:
    """A method as "async name(a, b)": its parameters after self, by name."""
    parameters = list(inspect.signature(method).parameters)
    prefix = "async " if inspect.iscoroutinefunction(method) else ""
    return f"{prefix}{name}({', '.join(parameters[1:])})"


def _source(cls: type) -> str | None:
    """The source of the class and of its bases from uvicorn, where the attributes are assigned."""
    parts = []
    for klass in cls.__mro__:
        if klass.__module__.split(".")[0] != "uvicorn" and klass is not cls:
            continue
        try:
            parts.append(inspect.getsource(klass))
        except (OSError, TypeError):
            return None
    return "\n".join(parts)


def _supported_range() -> str:
    """The uvicorn requirement hashtalk was installed with, as pyproject.toml writes it."""
    try:
        requirements = importlib.metadata.requires("hashtalk") or []
    except importlib.metadata.PackageNotFoundError:
        requirements = []
    for requirement in requirements:
        if re.match(r"uvicorn\b", requirement):
            return requirement
    return "the uvicorn versions pyproject.toml names"
