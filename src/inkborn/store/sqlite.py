"""The embedded database: one SQLite file in the Inkborn home, in WAL mode.

WAL lets a `talk` in one terminal read what a `write` in another just saved. A write
transaction begins IMMEDIATE, so two processes saving the same character take turns; the
author's words (a character, a revision) are on the disk before the save returns.
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Sequence

from ..home import private_file
from .migrations import migrate_sqlite

__all__ = ["SQLiteDatabase"]


class SQLiteDatabase:
    """One connection, shared by the process's threads under a lock."""

    kind = "sqlite"

    def __init__(self, path: Path | str):
        """path: the file, or `sqlite:///` and its path."""
        path = str(path)
        self.path = Path(path.removeprefix("sqlite://") if path.startswith("sqlite:///") else path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.touch(mode=0o600, exist_ok=True)
        self.db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
        self.db.row_factory = sqlite3.Row
        self.lock = threading.RLock()
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA foreign_keys = ON")
        self.db.execute("PRAGMA busy_timeout = 30000")
        with self.lock:
            migrate_sqlite(self.db)
        # her manuscript and every conversation: the author's alone, even in a file made looser before
        for suffix in ("", "-wal", "-shm"):
            private_file(self.path.with_name(self.path.name + suffix))

    def __str__(self) -> str:
        return str(self.path)

    def rows(self, sql: str, args: Sequence[Any]) -> list[Any]:
        with self.lock:
            return self.db.execute(sql, tuple(args)).fetchall()

    @contextmanager
    def transaction(self, *, durable: bool = False) -> Iterator[sqlite3.Connection]:
        with self.lock:
            self.db.execute(f"PRAGMA synchronous = {'FULL' if durable else 'NORMAL'}")
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    def hold(self, db: sqlite3.Connection, cid: int) -> None:
        """Saves of one character take turns: BEGIN IMMEDIATE already holds the whole file."""

    @staticmethod
    def orphaned(exc: BaseException) -> bool:
        """A row for something deleted meanwhile (a foreign key that no longer holds)."""
        return isinstance(exc, sqlite3.IntegrityError) and "FOREIGN KEY" in str(exc)

    @staticmethod
    def duplicate(exc: BaseException) -> bool:
        return isinstance(exc, sqlite3.IntegrityError) and "UNIQUE" in str(exc)

    @staticmethod
    def unstorable(exc: BaseException) -> bool:
        """Text the database cannot hold: a lone surrogate."""
        return isinstance(exc, UnicodeEncodeError)

    def search(self, cid: int, words: Sequence[str], limit: int) -> list[Any]:
        """Her memories holding any of the words, best first by BM25 (FTS5), what was said before each
        weighing half as much as its own words: rows of (id, score)."""
        match = " OR ".join('"' + w.replace('"', '""') + '"' for w in words)
        return self.rows("SELECT m.id, -bm25(memories_fts, 1.0, 1.0, 0.5) AS score FROM memories_fts JOIN memories m"
                         " ON m.id = memories_fts.rowid WHERE memories_fts MATCH ? AND m.character_id = ?"
                         " AND m.deleted_at IS NULL AND m.superseded_by IS NULL"
                         " ORDER BY bm25(memories_fts, 1.0, 1.0, 0.5) LIMIT ?", (match, cid, limit))

    def tables(self) -> list[str]:
        return [r["name"] for r in self.rows("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", ())]

    def close(self) -> None:
        self.db.close()
