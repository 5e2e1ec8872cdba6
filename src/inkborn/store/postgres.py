"""PostgreSQL, for more than one machine: `INKBORN_DATABASE_URL=postgresql://...`.

Several `inkborn serve` processes may share one database: each save locks its character's
row, so two saves of the same manuscript take turns and the second is refused as stale
when it was based on the first's head. Needs psycopg 3: `pip install 'inkborn[postgres]'`.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Any, Iterator, Sequence

from ..errors import InvalidInput
from .migrations import migrate_postgres

__all__ = ["PostgresDatabase"]


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError:
        raise InvalidInput("a PostgreSQL database needs psycopg: pip install 'inkborn[postgres]'") from None
    return psycopg


class PostgresDatabase:
    """One connection, shared by the process's threads under a lock (as the SQLite one is)."""

    kind = "postgres"

    def __init__(self, url: str):
        psycopg = _psycopg()
        from psycopg.rows import dict_row

        self._errors = psycopg.errors
        self.url = url
        try:
            self.db = psycopg.connect(url, autocommit=True, row_factory=dict_row, connect_timeout=10)
        except psycopg.OperationalError as exc:
            raise InvalidInput(f"cannot reach the database at {_redacted(url)} ({str(exc).strip()}); "
                               "check INKBORN_DATABASE_URL and that PostgreSQL is running") from None
        self.lock = threading.RLock()
        with self.lock:
            migrate_postgres(self.db)

    def __str__(self) -> str:
        return _redacted(self.url)

    def rows(self, sql: str, args: Sequence[Any]) -> list[Any]:
        with self.lock:
            return self.db.execute(_params(sql), tuple(args)).fetchall()

    @contextmanager
    def transaction(self, *, durable: bool = False) -> Iterator["_Connection"]:
        """All or nothing; every PostgreSQL commit is durable."""
        with self.lock, self.db.transaction():
            yield _Connection(self.db)

    def hold(self, db: "_Connection", cid: int) -> None:
        """Saves of one character take turns, across processes: her row is locked until the commit."""
        db.execute("SELECT id FROM characters WHERE id = ? FOR UPDATE", (cid,))

    def orphaned(self, exc: BaseException) -> bool:
        return isinstance(exc, self._errors.ForeignKeyViolation)

    def duplicate(self, exc: BaseException) -> bool:
        return isinstance(exc, self._errors.UniqueViolation)

    def unstorable(self, exc: BaseException) -> bool:
        """Text PostgreSQL cannot hold: a lone surrogate, or a NUL character."""
        return isinstance(exc, UnicodeEncodeError) or (isinstance(exc, self._errors.DataError) and "NUL" in str(exc))

    def search(self, cid: int, words: Sequence[str], limit: int, everything: bool = False) -> list[Any]:
        """Her memories holding any of the words, best first by PostgreSQL's full-text rank (what was said
        before each weighing half as much as its own words): rows of (id, score)."""
        query = " | ".join("'" + w.replace("'", "''").replace("\\", "") + "'" for w in words)
        return self.rows("SELECT id, ts_rank_cd('{0.1, 0.5, 0.5, 1.0}', search, q) AS score FROM memories, to_tsquery('english', ?) q"
                         " WHERE character_id = ? AND search @@ q"
                         + ("" if everything else " AND deleted_at IS NULL AND superseded_by IS NULL")
                         + " ORDER BY score DESC LIMIT ?", (query, cid, limit))

    def forget_counts(self) -> None:
        """Nothing to forget: PostgreSQL's search keeps no counts of its own here."""

    def tables(self) -> list[str]:
        return [r["tablename"] for r in self.rows(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename", ())]

    def close(self) -> None:
        self.db.close()


class _Connection:
    """The transaction's connection, taking the store's `?` placeholders."""

    def __init__(self, db: Any):
        self.db = db

    def execute(self, sql: str, args: Sequence[Any] = ()) -> Any:
        return self.db.execute(_params(sql), tuple(args))


def _params(sql: str) -> str:
    """The store writes `?` for each value (as SQLite does); psycopg takes `%s`."""
    return sql.replace("%", "%%").replace("?", "%s")


def _redacted(url: str) -> str:
    """The database's address without its password."""
    scheme, sep, rest = url.partition("://")
    if "@" in rest and ":" in rest.split("@", 1)[0]:
        user = rest.split("@", 1)[0].split(":", 1)[0]
        rest = f"{user}:***@{rest.split('@', 1)[1]}"
    return f"{scheme}{sep}{rest}"
