"""The share card: the picture a link preview shows for a page (og:image), drawn by the server.

1200 × 630 pixels, the size Open Graph and Twitter's large card both crop
least: the hashtag, the title, the guest and the date on the page's banner
colours. Drawn with Pillow in a worker thread; a card depends only on what
it shows, so each is drawn once and kept (a shared link is fetched by every
chat app it lands in, often within seconds).
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
BACKGROUND = "#12305f"  # the page's banner
INK = "#ffffff"
SOFT = "#d6e2ff"
ACCENT = "#ffd66b"
KEPT_CARDS = 256
"""About 40 KB each: a few MB at most, for as many sessions as a server shows at once."""

# DejaVu comes with most Linux systems (Debian's fonts-dejavu-core); Pillow finds it by name in the system's
# font folders. Without it, Pillow's own scalable default font (10.1 and later) draws the card all the same.
BOLD_FONT = "DejaVuSans-Bold.ttf"
REGULAR_FONT = "DejaVuSans.ttf"
FontType = ImageFont.FreeTypeFont | ImageFont.ImageFont | ImageFont.TransposedFont


@dataclass(frozen=True)
class CardText:
    """What a card shows; equal texts make the same picture."""

    title: str
    hashtag: str
    guest: str = ""
    """The guest's name, or empty for a card of the whole site."""
    date: str = ""


async def share_card(text: CardText) -> bytes:
    """The card as PNG bytes, drawn off the event loop the first time, then kept."""
    return await asyncio.to_thread(_drawn, text)


@lru_cache(maxsize=KEPT_CARDS)
def _drawn(text: CardText) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    width = WIDTH - 2 * MARGIN
    top = MARGIN
    hashtag = _font(BOLD_FONT, 44)
    draw.text((MARGIN, top), _fit(text.hashtag, hashtag, width), font=hashtag, fill=ACCENT)
    top += 90
    title_font = _font(BOLD_FONT, 64)
    for line in _wrapped(text.title, title_font, width, lines=3):
        draw.text((MARGIN, top), line, font=title_font, fill=INK)
        top += 80
    regular = _font(REGULAR_FONT, 38)
    bottom = HEIGHT - MARGIN - 46
    if text.date:
        draw.text((MARGIN, bottom), _fit(text.date, regular, width), font=regular, fill=SOFT)
        bottom -= 56
    if text.guest:
        draw.text((MARGIN, bottom), _fit(f"with {text.guest}", regular, width), font=regular, fill=INK)
    small = _font(BOLD_FONT, 30)
    draw.text((WIDTH - MARGIN, HEIGHT - MARGIN - 40), "hashtalk", font=small, fill=SOFT, anchor="ra")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


@lru_cache(maxsize=16)
def _font(name: str, size: int) -> FontType:
    try:
        return ImageFont.truetype(name, size)
    except OSError:
        return ImageFont.load_default(size)


def _wrapped(text: str, font: FontType, width: int, *, lines: int) -> list[str]:
    """`text` in at most `lines` lines of at most `width` pixels, the last one cut with an ellipsis."""
    out: list[str] = []
    words = text.split()
    while words and len(out) < lines:
        line = words.pop(0)
        while words and _length(f"{line} {words[0]}", font) <= width:
            line = f"{line} {words.pop(0)}"
        out.append(line)
    if words and out:
        out[-1] = f"{out[-1]} {' '.join(words)}"
    return [_fit(line, font, width) for line in out]


def _fit(text: str, font: FontType, width: int) -> str:
    """`text`, cut with an ellipsis where it would run past `width` pixels."""
    if _length(text, font) <= width:
        return text
    while text and _length(f"{text}…", font) > width:
        text = text[:-1]
    return f"{text.rstrip()}…"


def _length(text: str, font: FontType) -> float:
    return float(font.getlength(text))
