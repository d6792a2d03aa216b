"""Where a connected websocket's memory goes, inside the server process.

Two views of what was allocated since tracing started (`tracemalloc.start()`,
taken before any client connected), both divided by the number of connections:

- **by line**: tracemalloc's own statistics, grouped by the line that
  allocated (and by file). Exact, but a line in asyncio or in the json module
  says little about whose memory it is.
- **by owner**: from each connection's roots (uvicorn's protocol object, its
  websockets `ServerProtocol`, the ASGI scope, the transport, the tasks, the
  Starlette `WebSocket`, our `Outbox`), every object reachable and allocated
  since tracing started, claimed by the first root that reaches it, sized with
  `sys.getsizeof`. Objects that existed before (modules, the app, the loop)
  are neither counted nor walked through, so one connection's walk never
  wanders into another's. What tracemalloc saw but no root reached (the
  growth of shared tables such as the selector's fd map, freed-but-cached
  memory) is reported as unattributed.
"""

from __future__ import annotations

import asyncio
import gc
import sys
import tracemalloc
from collections import Counter, defaultdict
from typing import Any

import uvicorn

_MANAGED_DICT = 1 << 4
"""Py_TPFLAGS_MANAGED_DICT (CPython 3.11)."""


class Baseline:
    """What existed before the connections: tracked objects by identity (kept alive so no id is reused), the tasks."""

    def __init__(self) -> None:
        gc.collect()
        frozen = gc.get_freeze_count() > 0
        gc.unfreeze()  # the collector does not list frozen objects: list them, then freeze them again
        self.objects = gc.get_objects()
        if frozen:
            gc.freeze()
        self.tasks = set(asyncio.all_tasks())
        self.ids = {id(obj) for obj in self.objects}
        self.ids |= {id(self.objects), id(self.ids), id(self.tasks)}
        tracemalloc.start()

    def older(self, obj: Any) -> bool:
        """Shared with what existed before: not the connection's.

        CPython 3.11's tracemalloc cannot find the allocation of an instance
        whose attributes live before its header (every plain class's), so
        objects the collector tracks are judged by identity instead.
        """
        if gc.is_tracked(obj):
            return id(obj) in self.ids
        return tracemalloc.get_object_traceback(obj) is None


def census(server: uvicorn.Server, connections: int, baseline: Baseline) -> dict[str, Any]:
    """Per-connection bytes by owner and by allocating line, for what was allocated since `baseline`."""
    gc.collect()
    leftovers = [obj for obj in gc.get_objects() if not baseline.older(obj)]
    # The census's own allocations are not the connections'.
    snapshot = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(False, __file__)])
    traced = sum(stat.size for stat in snapshot.statistics("filename"))
    owners, types = _by_owner(server, baseline, leftovers)
    attributed = sum(owners.values())
    per = max(connections, 1)
    return {
        "connections": connections,
        "traced_per_connection": round(traced / per),
        "by_owner": {name: round(size / per) for name, size in owners.items()},
        "unattributed": round((traced - attributed) / per),
        "types_by_owner": {
            name: {kind: round(size / per) for kind, size in counter.most_common(6)} for name, counter in types.items()
        },
        "by_file": _top(snapshot.statistics("filename"), per, 15),
        "by_line": _top(snapshot.statistics("lineno"), per, 30),
    }


def _top(stats: list[tracemalloc.Statistic], per: int, count: int) -> list[dict[str, Any]]:
    rows = []
    for stat in stats[:count]:
        frame = stat.traceback[0]
        rows.append(
            {
                "where": f"{_short(frame.filename)}:{frame.lineno}",
                "bytes": round(stat.size / per),
                "blocks": round(stat.count / per, 1),
            }
        )
    return rows


def _short(filename: str) -> str:
    for marker in ("site-packages/", "lib/python3.11/", "/host/", "/bench/"):
        if marker in filename:
            head = "" if marker.endswith("python3.11/") or marker == "site-packages/" else marker.strip("/") + "/"
            return head + filename.split(marker, 1)[1]
    return filename


def _by_owner(
    server: uvicorn.Server, baseline: Baseline, leftovers: list[Any]
) -> tuple[dict[str, int], dict[str, Counter[str]]]:
    """Walk each connection's roots in a fixed order; the first root to reach an object owns it."""
    protocols = [p for p in server.server_state.connections if hasattr(p, "scope") or hasattr(p, "conn")]
    asgi_tasks = {_protocol_of(task): task for task in server.server_state.tasks}
    new_tasks = [task for task in asyncio.all_tasks() if task not in baseline.tasks]
    outboxes = {id(_sender_of(o)): o for o in gc.get_objects() if type(o).__name__ == "Outbox"}
    roots: list[tuple[str, list[Any]]] = []
    for protocol in protocols:
        state = vars(protocol)
        task = asgi_tasks.get(protocol)
        websockets = _find_websockets(task)
        outbox = next((outboxes[id(w)] for w in websockets if id(w) in outboxes), None)
        roots += [
            ("handshake Request/Response kept", [state.get("request"), state.get("response")]),
            ("websockets protocol (parser, reader)", [state.get("conn")]),
            ("ASGI scope", [state.get("scope")]),
            ("asyncio transport + socket", [state.get("transport")]),
            ("Starlette WebSocket objects", websockets),
            ("Outbox + Identity", [outbox]),
            ("ASGI task + coroutine frames", [task]),
            ("uvicorn protocol object (queue, events, timers)", [protocol]),
        ]
    roots.append(("sender + receiver tasks", [t for t in new_tasks if t not in asgi_tasks.values()]))

    # Roots never walk into each other: each is only reached as its own root.
    stop = {id(obj) for _, objects in roots for obj in objects if obj is not None}
    roots.append(("other new objects", leftovers))
    seen: set[int] = set()
    owners: dict[str, int] = defaultdict(int)
    types: dict[str, Counter[str]] = defaultdict(Counter)
    for name, objects in roots:
        for obj in objects:
            if obj is not None:
                _walk(obj, baseline, stop, seen, owners, types[name], name)
    return dict(owners), dict(types)


def _walk(
    root: Any,
    baseline: Baseline,
    stop: set[int],
    seen: set[int],
    owners: dict[str, int],
    types: Counter[str],
    name: str,
) -> None:
    pending = [root]
    while pending:
        obj = pending.pop()
        key = id(obj)
        if key in seen or (obj is not root and key in stop) or baseline.older(obj):
            continue
        seen.add(key)
        size = sys.getsizeof(obj)
        referents = _referents(obj)
        if type(obj).__flags__ & _MANAGED_DICT:
            # 3.11 keeps a plain instance's attributes in a values array beside it, visited without
            # a dict (reading __dict__ would make one): a pointer per attribute and a small header.
            size += 8 * len(referents) + 16
        owners[name] += size
        types[type(obj).__name__] += size
        pending.extend(referents)


def _referents(obj: Any) -> list[Any]:
    if isinstance(obj, dict):
        return [*obj.keys(), *obj.values()]
    # A coroutine's locals come out of gc.get_referents without a frame object being made for them.
    return gc.get_referents(obj)


def _protocol_of(task: asyncio.Task[Any]) -> Any:
    """uvicorn's protocol object: the `self` of the task's run_asgi coroutine."""
    return next((value for value in gc.get_referents(task.get_coro()) if hasattr(value, "transport")), None)


def _find_websockets(task: asyncio.Task[Any] | None) -> list[Any]:
    """The Starlette WebSockets in the ASGI task's coroutine chain (its middleware and its router each make one)."""
    from starlette.websockets import WebSocket

    found: list[Any] = []
    coro: Any = task.get_coro() if task is not None else None
    while coro is not None:
        found += [value for value in gc.get_referents(coro) if isinstance(value, WebSocket) and value not in found]
        coro = getattr(coro, "cr_await", None)
    return found


def _sender_of(outbox: Any) -> Any:
    """The WebSocket an Outbox sends through (its `send` is that WebSocket's bound `send_text`)."""
    return getattr(getattr(outbox, "_send", None), "__self__", None)
