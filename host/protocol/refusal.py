"""The one way anything in hashtalk says no: a stable code and a sentence for a person."""

from __future__ import annotations

from typing import Any


class Refused(Exception):
    """A request that changes nothing; `code` is stable (see docs/protocol.md)."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        fatal: bool = False,
        cid: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.fatal = fatal
        """True when the connection is closed after the error is sent."""
        self.cid = cid
        """The client's id of the frame refused, echoed so the client can match it."""
        self.details = details or {}
        """Extra fields for the error frame, like `until` for a mute or `retry_after`."""
