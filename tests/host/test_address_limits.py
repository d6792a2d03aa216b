"""The per-address limits count a subscriber, not an address: an IPv6 /64 is one address, a mapped IPv4 its IPv4."""

from __future__ import annotations

import pytest

from host.net.gate import limited_address


@pytest.mark.parametrize(
    ("address", "counted_as"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
        ("::ffff:198.51.100.4", "198.51.100.4"),
        ("unknown", "unknown"),
    ],
)
def test_addresses_in_one_ipv6_64_are_one_address(address: str, counted_as: str) -> None:
    """Any two addresses of one /64 are counted together, so picking a fresh one does not reset a limit."""
    assert limited_address(address) == counted_as
