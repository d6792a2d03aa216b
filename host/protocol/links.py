"""The public links to a session: the participants' page and the guest's link, from one base URL.

Every printer of these links (the command line, the HTTP API the console
reads) builds them here from the server's public URL, so the page a link
opens never depends on which address the printer itself used to reach the
server.
"""

from __future__ import annotations


def page_url(base: str, slug: str) -> str:
    """The session's page, the one participants open."""
    return f"{base.rstrip('/')}/s/{slug}"


def guest_url(base: str, slug: str, guest_token: str) -> str:
    """The guest's link: the page with the guest token."""
    # In the fragment, so the token never reaches a server log.
    return f"{page_url(base, slug)}#guest={guest_token}"
