"""Community insights: a session's figures kept once, replaced when computed again, read for many sessions at once."""

from __future__ import annotations

from host.store.interface import Storage
from tests.conftest import T0, make_spec


async def test_kept_figures_are_read_back_replaced_and_go_with_their_session(storage: Storage) -> None:
    """Figures and person keys come back as kept, a second keep replaces the first, and removing the session removes them."""
    first = await storage.add_session(make_spec("first"), "g", T0)
    second = await storage.add_session(make_spec("second"), "g", T0)
    assert await storage.kept_insights([first, second]) == {}
    await storage.keep_insights(first, 40, 1, {"slug": "first", "answers": 3, "mood": 0.5}, ["bob", "ana"], T0)
    await storage.keep_insights(second, 12, 1, {"slug": "second", "answers": 0}, [], T0 + 1)
    kept = await storage.kept_insights([first, second])
    assert (kept[first].head, kept[first].version, kept[first].figures, kept[first].people) == (
        40, 1, {"slug": "first", "answers": 3, "mood": 0.5}, ("ana", "bob")
    )
    assert kept[second].computed_at == T0 + 1 and list(await storage.kept_insights([second])) == [second]
    await storage.keep_insights(first, 41, 2, {"slug": "first", "answers": 4}, ["ana"], T0 + 2)
    again = (await storage.kept_insights([first]))[first]
    assert (again.head, again.version, again.figures, again.people) == (41, 2, {"slug": "first", "answers": 4}, ("ana",))
    assert await storage.delete_session("first")
    assert await storage.kept_insights([first, second]) == {second: kept[second]}
    assert await storage.kept_insights([]) == {}
