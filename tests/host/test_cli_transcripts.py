"""`hashtalk transcript`, `hashtalk import` and `hashtalk recap` against real SQLite files."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from host.app.cli import main
from host.store.engines import storage_at
from tests.host.chatdb import store_chat
from tests.host.test_sessionfile import GOOD
from tests.transcripts.chatgen import generate_chat
from tests.transcripts.test_archive import ARCHIVE


def hashtalk(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "x.db"
    asyncio.run(store_chat(path, generate_chat(seed=3, people=20, answers_per_question=10)))
    return str(path)


def test_transcript_in_each_format(db: str, tmp_path: Path) -> None:
    """The transcript comes out as JSON, Markdown or CSV, on stdout or in a file; hidden posts only on request."""
    code, out, _ = hashtalk("transcript", "leadership", "--format", "json", "--db", db)
    assert code == 0 and [q["number"] for q in json.loads(out)["questions"]] == list(range(1, 9))
    assert "naive nonsense" not in out
    code, out, _ = hashtalk("transcript", "leadership", "--db", db)
    assert code == 0 and out.startswith("# The Role of Leadership in Social Media Communities: transcript")
    target = tmp_path / "t.csv"
    code, _, err = hashtalk("transcript", "leadership", "--format", "csv", "--include-hidden", "--out", str(target),
                            "--db", db)
    assert code == 0 and f"wrote {target}" in err
    assert "naive nonsense" in target.read_text(encoding="utf-8")


def test_recap_as_markdown_and_html(db: str, tmp_path: Path) -> None:
    """`recap` prints the Markdown post; with --format html it writes a page with the activity chart."""
    code, out, _ = hashtalk("recap", "leadership", "--db", db, "--url", "https://chat.example")
    assert code == 0 and out.startswith("# The Role of Leadership")
    assert "](https://chat.example/s/leadership#m" in out and "## Wrapping up" in out
    page = tmp_path / "recap.html"
    code, _, _ = hashtalk("recap", "leadership", "--format", "html", "--out", str(page), "--db", db)
    html = page.read_text(encoding="utf-8")
    assert code == 0 and "<svg" in html and "<h2>Q8: Share some tips" in html and "<script" not in html


def test_a_long_transcript_shows_progress(tmp_path: Path) -> None:
    """A recap of more than a thousand posts reports its progress on stderr, and stdout stays the post."""
    path = tmp_path / "long.db"
    asyncio.run(store_chat(path, generate_chat(seed=4, people=80, answers_per_question=130)))
    code, out, err = hashtalk("recap", "leadership", "--db", str(path))
    assert code == 0 and "Writing the recap of" in err and out.startswith("# The Role")


def test_unknown_session_is_a_clear_error(tmp_path: Path) -> None:
    """Both commands name the missing slug instead of printing a traceback, or a missing database, creating none."""
    missing = tmp_path / "x.db"
    for command in ("transcript", "recap"):
        code, _, err = hashtalk(command, "nope", "--db", str(missing))
        assert code == 1 and "no database at" in err and not missing.exists()
    asyncio.run(store_chat(missing, generate_chat(seed=4, people=20, answers_per_question=5)))
    for command in ("transcript", "recap"):
        code, _, err = hashtalk(command, "nope", "--db", str(missing))
        assert code == 1 and "no session “nope”" in err


def test_import_reports_bad_rows_by_line_and_imports_the_rest(tmp_path: Path) -> None:
    """An archive with bad rows imports the good ones, names each bad line, and stores a first recap draft."""
    archive = tmp_path / "chat.csv"
    archive.write_text(ARCHIVE, encoding="utf-8")
    questions = tmp_path / "chat.toml"
    questions.write_text(GOOD, encoding="utf-8")
    db = str(tmp_path / "x.db")
    code, out, err = hashtalk("import", str(archive), "--questions", str(questions), "--db", db)
    assert code == 0, err
    assert f"{archive}: line 8: time “yesterday”" in err and f"{archive}: line 15: author" in err
    assert "imported 7 tweets into “leadership” (4 people); 4 rows skipped; 1 retweet left out" in out
    code, out, _ = hashtalk("transcript", "leadership", "--format", "json", "--db", db)
    q1 = json.loads(out)["questions"][0]
    assert [a["author"] for a in q1["answers"]] == ["genepetrov", "kathryn", "tom"]

    async def drafts() -> list[str]:
        async with storage_at(Path(db)) as storage:
            stored = await storage.session("leadership")
            assert stored is not None
            return [r.kind for r in await storage.recaps(stored.id)]

    assert asyncio.run(drafts()) == ["generated"]
    code, _, err = hashtalk("import", str(archive), "--questions", str(questions), "--db", db)
    assert code == 1 and "already exists" in err


def test_import_refuses_unusable_files(tmp_path: Path) -> None:
    """A CSV without the needed columns, or a questions file with a mistake, is refused with the reason."""
    questions = tmp_path / "chat.toml"
    questions.write_text(GOOD, encoding="utf-8")
    archive = tmp_path / "chat.csv"
    archive.write_text("id,who\n1,ana\n", encoding="utf-8")
    code, _, err = hashtalk("import", str(archive), "--questions", str(questions), "--db", str(tmp_path / "x.db"))
    assert code == 1 and "line 1: the header needs a column for author" in err
    bad = tmp_path / "bad.toml"
    bad.write_text(GOOD.replace('hashtag = "#TwitterSmarter"', 'hashtag = "nohash"'), encoding="utf-8")
    archive.write_text(ARCHIVE, encoding="utf-8")
    code, _, err = hashtalk("import", str(archive), "--questions", str(bad), "--db", str(tmp_path / "x.db"))
    assert code == 1 and "hashtag:" in err
    archive.write_bytes(b"id_str,from_user,text,created_at\n1,ana,\xff\xfe,now\n")
    code, _, err = hashtalk("import", str(archive), "--questions", str(questions), "--db", str(tmp_path / "x.db"))
    assert code == 1 and "not UTF-8" in err


@pytest.mark.parametrize("command", [["transcript"], ["import"], ["recap"]])
def test_the_new_commands_have_help(command: list[str]) -> None:
    """--help works for each new sub-command and names --db."""
    code, out, _ = hashtalk(*command, "--help")
    assert code == 0 and "Usage:" in out and "--db" in out
