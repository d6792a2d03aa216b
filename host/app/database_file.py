"""Whether a `--db` path can be used before any command opens it: a sentence instead of a traceback.

Opening a path with SQLite creates the file when it is missing and fails
deep inside a worker thread when it is not a database; both are mistakes an
operator makes with a mistyped `--db`, so they are caught here, up front.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"
"""The first 16 bytes of every SQLite database file."""


class DatabaseFileProblem(Exception):
    """A database path that must not be opened; `str()` is the sentence to print."""


def check_database_file(path: Path, *, must_exist: bool, folder_must_exist: bool) -> None:
    """Raise `DatabaseFileProblem` when `path` is not a hashtalk database a command may open.

    `must_exist`: a command that only reads (a missing file would be created empty and show nothing).
    `folder_must_exist`: a path the operator named, whose folder is not made for them (a typo, most often).
    """
    if not path.exists():
        if must_exist:
            raise DatabaseFileProblem(f"no database at {path}: check --db (or HASHTALK_DB); nothing was created")
        if folder_must_exist and not path.parent.is_dir():
            raise DatabaseFileProblem(f"the folder {path.parent} does not exist: create it first, or give another --db")
        return
    if path.is_dir():
        raise DatabaseFileProblem(f"{path} is a folder: --db names the database file itself, like {path / 'hashtalk.db'}")
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError as error:
        raise DatabaseFileProblem(f"cannot read {path}: {error.strerror}") from None
    if not header:
        return  # an empty file is an empty database to SQLite: hashtalk sets it up
    if header != SQLITE_HEADER:
        raise DatabaseFileProblem(f"{path} cannot be used as a hashtalk database: it is not an SQLite file at all; check --db")
    if _foreign_tables(path):
        raise DatabaseFileProblem(f"{path} cannot be used as a hashtalk database: it is another program's SQLite database; check --db")


def _foreign_tables(path: Path) -> bool:
    """Whether the file holds tables but was never set up by hashtalk (whose migrations number `user_version`)."""
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as connection:
            (version,) = connection.execute("PRAGMA user_version").fetchone()
            (tables,) = connection.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()
    except sqlite3.DatabaseError as error:
        raise DatabaseFileProblem(f"{path} cannot be read as a hashtalk database: {error}") from None
    return version == 0 and tables > 0
