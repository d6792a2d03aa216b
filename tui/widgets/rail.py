"""The question rail: every question, the current one marked, those to come, and the host's notes on each."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tui.plain import plain
from tui.room_view import RoomView


class Rail(Static):
    """The session's questions, top to bottom."""

    COMPONENT_CLASSES = {"rail--done", "rail--current", "rail--coming", "rail--notes", "rail--number"}

    def show(self, room: RoomView) -> None:
        style = self.get_component_rich_style
        text = Text(end="")
        for question in room.questions:
            if question.number == room.question and room.state != "ended":
                marker, component = "▶", "rail--current"
            elif question.opened_at is not None:
                marker, component = "✓", "rail--done"
            else:
                marker, component = "·", "rail--coming"
            text.append(f"{marker} Q{question.number} ", style("rail--number") + style(component))
            text.append_text(plain(question.text, style(component)))
            text.append("\n")
            if question.notes:
                text.append("  ✎ ", style("rail--notes"))
                text.append_text(plain(question.notes, style("rail--notes")))
                text.append("\n")
            text.append("\n")
        if not room.questions:
            text.append("No questions yet.", style("rail--coming"))
        self.update(text)
