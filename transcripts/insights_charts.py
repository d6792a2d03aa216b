"""The insights report's SVG charts, drawn by the server: no script, no external files, stable bytes."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

NEW, RETURNING = "#3b82c4", "#8cc084"
MOOD_COLOURS = {"positive": "#4a9d5b", "neutral": "#b8b8b8", "negative": "#c0392b"}
WIDTH = 720


def growth_chart(sessions: list[dict[str, Any]]) -> str:
    """Newcomers and returning participants per session, stacked, in start order."""
    height, left, bottom, top = 240, 40, 44, 24
    plot_w, plot_h = WIDTH - left - 12, height - top - bottom
    peak = max([s["newcomers"] + s["returning"] for s in sessions] + [1])
    step = plot_w / max(len(sessions), 1)
    label = "Participants per session: newcomers (blue) and returning people (green), stacked."
    parts = [
        _svg_open(height, "growth-title"),
        f'<title id="growth-title">{escape(label)}</title>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#888"/>',
        _text(left - 6, top + 4, str(peak), "end"),
        _text(left - 6, top + plot_h, "0", "end"),
    ]
    label_every = max(1, len(sessions) // 12)
    for index, session in enumerate(sessions):
        x = left + index * step + step * 0.15
        width = max(step * 0.7, 1.0)
        base = top + plot_h
        for count, colour, name in (
            (session["returning"], RETURNING, "returning"),
            (session["newcomers"], NEW, "new"),
        ):
            if count:
                bar = plot_h * count / peak
                base -= bar
                parts.append(
                    f'<rect x="{x:.1f}" y="{base:.1f}" width="{width:.1f}" height="{bar:.1f}" fill="{colour}">'
                    f"<title>{escape(session['slug'])}: {count} {name}</title></rect>"
                )
        if index % label_every == 0:
            parts.append(_text(x + width / 2, top + plot_h + 16, session["starts_at"][5:10], "middle"))
    parts += [
        _legend(left, height - 10, [("newcomers", NEW), ("returning", RETURNING)]),
        "</svg>",
    ]
    return "\n".join(parts)


def mood_chart(session: dict[str, Any]) -> str:
    """Each question's posts as one bar split into positive, neutral and negative shares."""
    questions = session["questions"]
    row, left, top = 26, 56, 8
    height = top + row * max(len(questions), 1) + 30
    plot_w = WIDTH - left - 60
    chart_id = f"mood-{escape(session['slug'])}"
    parts = [
        _svg_open(height, chart_id),
        f'<title id="{chart_id}">{escape("Mood per question of " + session["slug"])}</title>',
    ]
    for index, question in enumerate(questions):
        y = top + index * row
        mood = question["sentiment"]
        parts.append(_text(left - 6, y + 15, f"Q{question['number']}", "end"))
        x = float(left)
        for name, colour in MOOD_COLOURS.items():
            width = plot_w * mood[name]
            if width > 0:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y + 3}" width="{width:.1f}" height="{row - 8}" fill="{colour}">'
                    f"<title>Q{question['number']}: {mood[name] * 100:.0f} % {name}</title></rect>"
                )
                x += width
        parts.append(_text(left + plot_w + 6, y + 15, f"{mood['compound']:+.2f}", "start"))
    parts += [_legend(left, height - 8, list(MOOD_COLOURS.items())), "</svg>"]
    return "\n".join(parts)


def _svg_open(height: int, title_id: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'role="img" aria-labelledby="{title_id}">'
    )


def _legend(x: float, y: float, entries: list[tuple[str, str]]) -> str:
    parts = []
    for name, colour in entries:
        parts.append(f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" fill="{colour}"/>')
        parts.append(_text(x + 14, y, name, "start"))
        x += 24 + 7 * len(name)
    return "".join(parts)


def _text(x: float, y: float, text: str, anchor: str) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="11" font-family="sans-serif" text-anchor="{anchor}" '
        f'fill="#555">{escape(text)}</text>'
    )
