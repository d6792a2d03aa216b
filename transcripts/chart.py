"""An SVG chart of answers per minute, with each question's drop marked: no script, no external files."""

from __future__ import annotations

from xml.sax.saxutils import escape

from transcripts.stats import Activity

WIDTH, HEIGHT = 720, 220
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 24, 30


def answers_chart(activity: Activity) -> str:
    """The chart as an inline <svg> element; the numbers are fixed-precision, so the bytes are stable."""
    minutes = activity.per_minute or (0,)
    peak = max(max(minutes), 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / len(minutes)
    total = sum(minutes)
    label = f"Answers per minute: {total} answers over {len(minutes)} minutes, peaking at {max(minutes)} a minute."
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'role="img" aria-labelledby="chart-title" class="activity-chart">',
        f'<title id="chart-title">{escape(label)}</title>',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" stroke="#888"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="#888"/>',
        _text(LEFT - 6, TOP + 4, str(peak), anchor="end"),
        _text(LEFT - 6, TOP + plot_h, "0", anchor="end"),
    ]
    for index, value in enumerate(minutes):
        if value == 0:
            continue
        height = plot_h * value / peak
        parts.append(
            f'<rect x="{LEFT + index * step + 0.5:.1f}" y="{TOP + plot_h - height:.1f}" '
            f'width="{max(step - 1.0, 0.5):.1f}" height="{height:.1f}" fill="#3b82c4">'
            f"<title>minute {index + 1}: {value}</title></rect>"
        )
    tick_every = _tick_every(len(minutes))
    for minute in range(0, len(minutes) + 1, tick_every):
        parts.append(_text(LEFT + minute * step, TOP + plot_h + 16, f"{minute}′", anchor="middle"))
    for number, at_minute in activity.drops:
        x = LEFT + at_minute * step
        parts.append(
            f'<line x1="{x:.1f}" y1="{TOP - 4}" x2="{x:.1f}" y2="{TOP + plot_h}" stroke="#c0392b" '
            f'stroke-dasharray="4 3"/>'
        )
        parts.append(_text(x + 3, TOP - 8, f"Q{number}", anchor="start", fill="#c0392b"))
    parts.append("</svg>")
    return "\n".join(parts)


def _tick_every(minutes: int) -> int:
    for every in (1, 2, 5, 10, 15, 30, 60):
        if minutes / every <= 12:
            return every
    return 120


def _text(x: float, y: float, text: str, *, anchor: str, fill: str = "#555") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="11" font-family="sans-serif" text-anchor="{anchor}" '
        f'fill="{fill}">{escape(text)}</text>'
    )
