"""Secret tokens: made at random, shown once, stored only as a hash.

Tokens carry 192 random bits, so a fast hash is enough: nobody can guess one
to compare against, and the hash lets us look a token up in one query.
"""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> str:
    return secrets.token_urlsafe(24)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
