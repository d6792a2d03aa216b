"""How the live page looks: a 360-pixel phone and a laptop screenshot, no sideways scrolling, AA contrast.

`make screenshots` runs this module with HASHTALK_SCREENSHOTS=docs/images to
refresh the README's pictures; otherwise they go to a temporary folder.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from playwright.async_api import Page, ViewportSize, expect

from tests.web.conftest import PHONE, People, join, post, post_by
from tests.web.scenes import crowd_spoke, live_session

pytestmark = pytest.mark.asyncio(loop_scope="module")
LIVE_VIEW: ViewportSize = {"width": 1100, "height": 1300}
"""Tall enough for the README's picture to show a thread with its reply."""

# Every visible text node: its colour against the first opaque background behind it (WCAG 2 formula).
CONTRAST_JS = """
() => {
  const parse = (text) => {
    const parts = text.match(/[\\d.]+/g).map(Number);
    return { r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1 };
  };
  const channel = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const luminance = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  const background = (node) => {
    for (let n = node; n; n = n.parentElement) {
      const colour = parse(getComputedStyle(n).backgroundColor);
      if (colour.a > 0) return colour;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const text = walker.currentNode;
    const node = text.parentElement;
    if (!text.textContent.trim() || !node.checkVisibility()) continue;
    const a = luminance(parse(getComputedStyle(node).color));
    const b = luminance(background(node));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    found.push({ text: text.textContent.trim().slice(0, 30), ratio: Math.round(ratio * 100) / 100 });
  }
  return found;
}
"""


async def live_page(people: People, **options: object) -> Page:
    """Kim's page in a live session where the guest and two participants have spoken, 19 s into Q1."""
    guest_token = await live_session(people.harness)
    await crowd_spoke(people.harness, guest_token)
    await people.advance(19)
    page = await people.page(**options)  # type: ignore[arg-type]
    await join(page, "kim")
    await post(page, "A1: A community answers back. An audience only claps.")
    await expect(post_by(page, "kim", "A1: A community answers back.")).to_have_count(1)
    await expect(page.locator("#countdown")).to_have_text("Q2 drops in 0:41")
    await page.evaluate("window.scrollTo(0, 0)")
    return page


def png_size(path: Path) -> tuple[int, int]:
    width, height = struct.unpack(">II", path.read_bytes()[16:24])
    return width, height


async def test_the_live_page_fits_a_phone_screen(people: People, screenshot_dir: Path) -> None:
    """At 360 px wide nothing scrolls sideways, the compose box and banner fit, and the screenshot is taken."""
    page = await live_page(people, viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for selector in ("#now", "#compose", "#compose-body", "article.post.guest"):
        box = await page.locator(selector).first.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], selector
    path = screenshot_dir / "page-phone.png"
    await page.screenshot(path=path)
    assert png_size(path) == (PHONE["width"] * 2, PHONE["height"] * 2)


async def test_the_live_page_on_a_laptop_meets_aa_contrast(people: People, screenshot_dir: Path) -> None:
    """Every visible text on the live page (banner, badges, guest's answer, buttons) has a contrast of 4.5:1 or more."""
    page = await live_page(people, viewport=LIVE_VIEW)
    await page.locator("#about summary").click()  # the guest card and rules too
    measured = await page.evaluate(CONTRAST_JS)
    assert len(measured) > 30
    assert [m for m in measured if m["ratio"] < 4.5] == []
    await page.locator("#about summary").click()
    path = screenshot_dir / "page-live.png"
    await page.screenshot(path=path)
    assert png_size(path) == (LIVE_VIEW["width"], LIVE_VIEW["height"])
