"""The projection rules, without a database: which statements an event turns into."""

from __future__ import annotations

from host.store.interface import NewEvent
from host.store.projection import projection
from tests.conftest import T0
from tests.host.store.conftest import message, reaction


def test_each_kind_of_event_changes_the_rows_it_names() -> None:
    """A post inserts its row, a reaction adds or removes one, a moderation updates its target, the rest nothing."""
    [(insert, params)] = projection(7, message(3, T0, "ana", "A1: hi", kind="held"))
    assert insert.startswith("INSERT INTO messages") and params[:2] == (7, 3) and params[-2:] == ("held", False)
    [(add, _)] = projection(7, reaction(4, T0, 3, "bo"))
    [(remove, _)] = projection(7, reaction(5, T0, 3, "bo", on=False))
    assert add.startswith("INSERT INTO reactions") and remove.startswith("DELETE FROM reactions")
    [(update, values)] = projection(7, NewEvent(6, "refile", T0, {"target": 3, "question": 2}))
    assert update.startswith("UPDATE messages SET question") and values == (2, 7, 3)
    assert projection(7, NewEvent(8, "announcement", T0, {"body": "hi", "by": "host"})) == []
