"""Writer links: who may edit and publish a session's recap.

A writer link is `<base>/s/<slug>/recap/edit#writer=<token>`: the token rides
in the fragment, which browsers never send, so it stays out of every server
log; the editor page moves it to the browser's storage and sends it as an
`Authorization: Bearer` header. Tokens are stored hashed, per session. A
session may have several (one per writer, or the console's and the command
line's); `replace` makes the earlier ones stop working.
"""

from __future__ import annotations

from starlette.requests import Request

from host.core.settings import Settings
from host.core.tokens import new_token, token_hash
from host.http.bearer import bearer_token
from host.net.access import is_moderator_token
from host.store.interface import Storage


async def issue_writer_token(storage: Storage, session_id: int, now: float, *, replace: bool = False) -> str:
    """A fresh writer token for the session, valid from now on."""
    token = new_token()
    await storage.add_writer_token(session_id, token_hash(token), now, replace=replace)
    return token


def writer_link(base_url: str, slug: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/s/{slug}/recap/edit#writer={token}"



async def may_write(request: Request, session_id: int) -> bool:
    """Whether the request carries this session's writer token, or a moderator's (hosts may edit too)."""
    token = bearer_token(request)
    if token is None:
        return False
    storage: Storage = request.app.state.storage
    settings: Settings = request.app.state.settings
    if await storage.writer_token_matches(session_id, token_hash(token)):
        return True
    return await is_moderator_token(token, storage, settings)
