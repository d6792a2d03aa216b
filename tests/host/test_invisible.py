"""Invisible characters (default-ignorable code points and blank fillers) make no handle and no post."""

from __future__ import annotations

import pytest

from host.core.handles import handle_key, handle_keys
from tests.conftest import Harness
from tests.host.test_moderation import kind

FILLERS = ("\u3164", "\uffa0", "\u115f", "\u1160", "\u2800", "\u034f", "\u200b", "\u2060", "\ufe0f", "\U000e0020")


@pytest.mark.parametrize(
    "handle",
    ["genepetrov\u3164", "host\u034f", "admin\u3164", "\u3164host", "mod\uffa0", "genepetrov\u115f", "host\u180e"],
)
async def test_a_handle_padded_with_an_invisible_character_is_refused(live: Harness, handle: str) -> None:
    """A reserved or guest handle with an invisible filler or joiner beside it is refused like the bare one."""
    error, close_code = await live.refused_hello(role="participant", handle=handle)
    assert error["code"] == "bad_handle" and "invisible" in error["message"] and close_code == 1008


async def test_a_banned_or_taken_handle_plus_a_filler_does_not_get_in(live: Harness) -> None:
    """After "troll" is banned and "ana" has joined, "troll" and "ana" with a Hangul filler are refused."""
    async with live.moderator() as moderator, live.participant("ana"):
        assert (await moderator.mod("ban", handle="troll"))["type"] == "ack"
        for handle in ("troll\u3164", "ana\u3164", "an\u034fa"):
            error, close_code = await live.refused_hello(role="participant", handle=handle)
            assert error["code"] == "bad_handle" and close_code == 1008, handle


async def test_a_post_of_only_invisible_characters_is_empty(live: Harness) -> None:
    """A post made of fillers, zero-width characters and spaces is refused as empty; an emoji joined by ZWJ is not."""
    async with live.participant("ana") as ana, live.client(role="viewer") as viewer:
        refused = [await ana.post(filler * 3, cid=f"f{n}") for n, filler in enumerate(FILLERS)]
        mixed = await ana.post(" \u3164\u200b\u2800\u00a0\ufeff\ufff9\ufffa\ufffb\u0001 ", cid="mixed")
        emoji = await ana.post("A1: \U0001f469\u200d\U0001f4bb", cid="emoji")
        shown = await viewer.recv_until(kind("message"))
    assert [answer.get("code") for answer in refused + [mixed]] == ["empty_post"] * (len(FILLERS) + 1)
    assert emoji["type"] == "ack" and shown["message"]["seq"] == emoji["seq"]


def test_invisible_characters_are_left_out_of_the_comparison_keys() -> None:
    """A handle stored before invisible characters were refused still meets the handle it imitates."""
    assert handle_key("host\u3164") == handle_key("host")
    assert handle_keys("Gene\u034fPetrov") & handle_keys("genepetrov")
