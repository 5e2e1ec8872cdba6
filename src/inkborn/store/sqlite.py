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

import snowballstemmer

from ..home import private_file
from .migrations import migrate_sqlite

__all__ = ["SQLiteDatabase"]


_STEMMER = snowballstemmer.stemmer("porter")  # the stems FTS5's porter tokenizer indexes
COMMON = 0.01  # a word in more than this share of all memories is too common to search for...
COMMON_FLOOR = 200  # ...once it is in more than this many


class SQLiteDatabase:
    """One connection, shared by the process's threads under a lock."""

    kind = "sqlite"

    def __init__(self, path: Path | str):
        """path: the file, or a URL: `sqlite:///relative.db`, `sqlite:////absolute.db`."""
        path = str(path)
        self.path = Path(path.removeprefix("sqlite:///") if path.startswith("sqlite:///") else path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.touch(mode=0o600, exist_ok=True)
        self.db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
        self.db.row_factory = sqlite3.Row
        self.lock = threading.RLock()
        self._counted: dict[tuple[int, str], tuple[int, int]] = {}  # (her id, stem) → (her memories holding it, store size)
        self._vocab: dict[str, tuple[int, int]] = {}  # stem → (memories holding it, store size)
        self._theirs: dict[int, tuple[int, int]] = {}  # her id → (her memories, store size)
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

    def search(self, cid: int, words: Sequence[str], limit: int, everything: bool = False) -> list[Any]:
        """Her memories holding any of the words, best first by BM25 (FTS5), what was said before each
        weighing half as much as its own words: rows of (id, score). The search is driven by the words
        and her memories are kept by joining them (her id as a word of the search, ANDed with the rest,
        made FTS5 walk all of hers: at 100,000 memories, 5.6 ms of a 7.8 ms search at p50; joined, 2.0 ms,
        the same rows in the same order; recall at 100,000 went from p50 10.1 / p95 17.5 ms to 4.3 / 10.2 ms,
        bench/results/memory-20261207-join.json), and those no longer recallable are left out before the
        limit is taken (`everything`: kept).

        When every word is too common to tell her memories apart (`_telling`), the one searched for is
        in more than COMMON of them, and ranking them all by BM25 was most of the slowest recalls at
        100,000 (30-55 ms for "painted", "kids", "family"): the newest `limit` holding it are taken
        instead, in the order FTS5 keeps them, and ranked among themselves by BM25: a word that common
        tells her memories apart poorly either way (LoCoMo's recall@k did not move)."""
        telling, common = self._telling(cid, words)
        if not telling:
            return []
        match = "{speaker text context} : (" + " OR ".join('"' + w.replace('"', '""') + '"' for w in telling) + ")"
        order = "f.rowid DESC" if common else "bm25(memories_fts, 1.0, 1.0, 0.5, 0.0)"
        recallable = "" if everything else " AND o.deleted_at IS NULL AND o.superseded_by IS NULL"  # before the limit
        return self.rows("SELECT s.id, s.score FROM (SELECT o.id, -bm25(memories_fts, 1.0, 1.0, 0.5, 0.0) AS score"
                         " FROM memories_fts f CROSS JOIN memories o ON o.id = f.rowid"  # CROSS: the words drive it
                         f" WHERE memories_fts MATCH ? AND o.character_id = ?{recallable} ORDER BY {order} LIMIT ?) s"
                         " ORDER BY s.score DESC", (match, int(cid), limit))

    def _telling(self, cid: int, words: Sequence[str]) -> tuple[list[str], bool]:
        """The words worth searching for: those in at most COMMON of all memories (BM25 gives the
        others little weight, yet ranking every memory that holds them is most of a search's time:
        measured at 100,000 memories, p95 from ~60 ms to 17.5 ms: bench/results/memory-scale-20261207.json),
        else the rarest one, and whether it is that common. A word that common in the store is counted
        among her memories alone before it is left out. Counts are kept until the store has grown a tenth
        (fts5vocab counts a word by reading all of its memories: 0.8 ms a search at 100,000)."""
        stems = {w: _STEMMER.stemWord(w) for w in words}
        if not stems:
            return [], False
        total = self.rows("SELECT COALESCE(MAX(id), 0) AS n FROM memories", ())[0]["n"]  # about as many as there are
        limit = max(COMMON_FLOOR, COMMON * total)
        counts = self._in_store(set(stems.values()), total)
        for word, stem in stems.items():
            if counts.get(stem, 0) > limit:
                counts[stem] = self._hers(cid, word, stem, total, counts[stem], limit)
        telling = [w for w in words if counts.get(stems[w], 0) <= limit]
        if telling:
            return telling, False
        return sorted(words, key=lambda w: counts.get(stems[w], 0))[:1], True

    def _in_store(self, stems: set[str], total: int) -> dict[str, int]:
        """How many memories in the store hold each stem, as counted when the store was at most a tenth smaller."""
        stale = [s for s in stems if s not in self._vocab or total > self._vocab[s][1] * 1.1]
        if stale:
            found = {r["term"]: r["doc"] for r in self.rows(
                f"SELECT term, doc FROM memories_vocab WHERE term IN ({', '.join('?' * len(stale))})", stale)}
            self._vocab.update((s, (found.get(s, 0), total)) for s in stale)
        return {s: self._vocab[s][0] for s in stems}

    def _hers(self, cid: int, word: str, stem: str, total: int, in_store: int, limit: float) -> int:
        """How many of her memories hold the word: counted, unless so many of the store's do that
        more than `limit` must be hers (at 100,000 memories, nearly all hers, the count took 1-3 ms
        a word and a third of the first search's time for words not yet counted)."""
        if not stem.isdigit():  # a number is also her id, a word of every memory of hers in the store's counts
            surely = in_store - (total - self._her_size(cid, total))  # all but those that may be others'
            if surely > limit:
                return surely
        known = self._counted.get((cid, stem))
        if known is None or total > known[1] * 1.1:
            match = f'character_id : "{int(cid)}" AND {{speaker text context}} : "' + word.replace('"', '""') + '"'
            count = self.rows("SELECT COUNT(*) AS n FROM memories_fts WHERE memories_fts MATCH ?", (match,))[0]["n"]
            known = self._counted[(cid, stem)] = (count, total)
        return known[0]

    def _her_size(self, cid: int, total: int) -> int:
        """How many memories are hers, as counted when the store was at most a tenth smaller (never more
        than she has: her memories are never taken out of the store)."""
        known = self._theirs.get(cid)
        if known is None or total > known[1] * 1.1:
            count = self.rows("SELECT COUNT(*) AS n FROM memories WHERE character_id = ?", (int(cid),))[0]["n"]
            known = self._theirs[cid] = (count, total)
        return known[0]

    def forget_counts(self) -> None:
        """Forget every count kept of the store's words and her memories: memories were taken out
        (a character deleted with hers), and a count may only ever be lower than the truth."""
        self._vocab.clear()
        self._counted.clear()
        self._theirs.clear()

    def tables(self) -> list[str]:
        return [r["name"] for r in self.rows("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", ())]

    def close(self) -> None:
        self.db.close()
