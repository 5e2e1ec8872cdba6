"""The store: characters, revisions, people, conversations and turns.

One interface, two databases: SQLite (sqlite.py, the embedded default: one file in the
Inkborn home) and PostgreSQL (postgres.py: `INKBORN_DATABASE_URL=postgresql://...`, for
servers on more than one machine). The SQL here is written once for both (`?` for each
value). Every save is one transaction: a crash in the middle leaves the previous revision as
it was, and a save based on a revision that is no longer the head is refused on both.
A character deleted while someone still talks with her is NotFound from then on, whatever
was under way. The store keeps what it is given; what it means is decided elsewhere.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator

from ..errors import InvalidInput, NotFound, StaleRevision
from ..manuscript import Revision, content_hash
from ..people import Person
from .conversations import Conversations
from .ledger import Ledger
from .memories import Memories
from .. import plugins
from .postgres import PostgresDatabase
from .rows import GONE
from .rows import bounded as _bounded
from .rows import limit as _limit
from .rows import now as _now
from .sqlite import SQLiteDatabase

__all__ = ["CharacterRecord", "Store", "database_url"]



def database_url(home: Path, given: str | None = None, configured: str | None = None) -> str:
    """Where her store is: given (--database) > $INKBORN_DATABASE_URL > config.toml's `database` > the home's file."""
    return given or os.environ.get("INKBORN_DATABASE_URL") or configured or str(home / "inkborn.db")


@dataclass(frozen=True)
class CharacterRecord:
    id: int
    slug: str
    name: str
    created_at: datetime


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _revision(row: Any) -> Revision | None:
    if row is None:
        return None
    return Revision(row["id"], row["character_id"], row["number"], row["parent_id"], row["text"],
                    row["content_hash"], row["author"], _time(row["created_at"]), row["summary"])


class Store(Conversations, Memories, Ledger):
    """Everything Inkborn keeps, in SQLite or PostgreSQL."""

    def __init__(self, where: Path | str):
        """where: a SQLite file, or a URL whose scheme names a store (`postgresql://`, `sqlite:///PATH`)."""
        where = str(where)
        scheme = where.split("://", 1)[0] if "://" in where else "sqlite"
        database = plugins.find("stores", scheme)
        if database is None:
            raise InvalidInput(f"no store for {scheme}:// databases; installed: "
                               f"{', '.join(s + '://' for s in plugins.registered('stores'))}, or a SQLite file's path")
        self.database: SQLiteDatabase | PostgresDatabase = database(where)
        self.path = getattr(self.database, "path", None)  # the SQLite file, for another connection to it
        self.where = where

    @property
    def kind(self) -> str:
        return self.database.kind

    def close(self) -> None:
        self.database.close()

    def _rows(self, sql: str, *args: Any) -> list[Any]:
        try:
            return self.database.rows(sql, tuple(map(_bounded, args)))
        except Exception as exc:  # text the database cannot hold (a lone surrogate, a NUL) matches nothing it holds
            if self.database.unstorable(exc):
                return []
            raise

    def _row(self, sql: str, *args: Any) -> Any | None:
        rows = self._rows(sql, *args)
        return rows[0] if rows else None

    def transaction(self, *, durable: bool = False) -> Any:
        """`with store.transaction() as db:` — all or nothing; `db.execute(sql, args)`.

        Every transaction survives the process crashing. A durable one (the author's words: a
        character, a revision) is also on the disk before it returns, with all before it; on
        SQLite the others (turns, people) reach the disk with the next durable one or WAL checkpoint.
        """
        return self.database.transaction(durable=durable)

    # characters -----------------------------------------------------------

    def create_character(self, slug: str, name: str, text: str, author: str, *, summary: str = "") -> CharacterRecord:
        taken = InvalidInput(f"there is already a character called {slug!r}; `inkborn write {slug}` edits her")
        try:
            with self._stored(), self.transaction(durable=True) as db:
                if db.execute("SELECT 1 FROM characters WHERE slug = ?", (slug,)).fetchone():
                    raise taken
                now = _now()
                cid = db.execute("INSERT INTO characters (slug, name, created_at) VALUES (?, ?, ?) RETURNING id",
                                 (slug, name, now)).fetchall()[0]["id"]
                db.execute(
                    "INSERT INTO people (character_id, name, role, created_at) VALUES (?, ?, 'author', ?)",
                    (cid, author, now),
                )
                rid = self._insert_revision(db, cid, text, author, None, summary)
                self._add_entry(db, cid, {"kind": "first", "revision_id": rid, "made_by": author})
        except Exception as exc:
            if self.database.duplicate(exc):  # created by another process in the same moment
                raise taken from None
            raise
        return self.character(slug)

    def character(self, slug: str) -> CharacterRecord:
        row = self._row("SELECT * FROM characters WHERE slug = ?", slug)
        if row is None:
            known = ", ".join(c.slug for c in self.characters()) or "none yet"
            raise NotFound(f"no character called {slug!r} (characters: {known}); `inkborn new {slug}` creates her")
        return CharacterRecord(row["id"], row["slug"], row["name"], _time(row["created_at"]))

    def characters(self) -> list[CharacterRecord]:
        return [
            CharacterRecord(r["id"], r["slug"], r["name"], _time(r["created_at"]))
            for r in self._rows("SELECT * FROM characters ORDER BY slug")
        ]

    def delete_character(self, cid: int) -> None:
        """Her, her revisions, people, conversations and invitations: the author's explicit wish."""
        with self.transaction() as db:
            db.execute("DELETE FROM characters WHERE id = ?", (cid,))
        self.database.forget_counts()  # her memories went with her

    # revisions ------------------------------------------------------------

    def _insert_revision(self, db: Any, cid: int, text: str, author: str, parent: Revision | None,
                         summary: str) -> int:
        number = db.execute(
            "SELECT COALESCE(MAX(number), 0) + 1 AS next FROM revisions WHERE character_id = ?", (cid,)
        ).fetchone()["next"]
        return db.execute(
            "INSERT INTO revisions (character_id, number, parent_id, text, content_hash, author, created_at, summary)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (cid, number, parent.id if parent else None, text, content_hash(text), author, _now(), summary),
        ).fetchall()[0]["id"]

    def save_revision(self, cid: int, text: str, author: str, *, summary: str = "", base: int | None = None,
                      ledger: dict[str, Any] | None = None, name: str = "she") -> Revision | None:
        """Save text as the new head revision, with its line in the ledger (`ledger`: kind, readings...);
        None when it equals the head already.

        With `base`, the save is refused (StaleRevision) unless revision `base` is still the head;
        once she is written free, every save is refused (Released).
        """
        with self._stored(), self.transaction(durable=True) as db:
            self.database.hold(db, cid)
            self._check_free(db, cid, name)
            head = self._revision_where(db, "character_id = ? ORDER BY number DESC LIMIT 1", cid)
            if base is not None and head is not None and head.number != base:
                raise StaleRevision(base, head.number)
            if head is not None and head.content_hash == content_hash(text):
                return None
            rid = self._insert_revision(db, cid, text, author, head, summary)
            if ledger is not None:
                self._add_entry(db, cid, {**ledger, "revision_id": rid, "made_by": author})
            return self._revision_where(db, "id = ?", rid)

    @staticmethod
    def _revision_where(db: Any, where: str, *args: Any) -> Revision | None:
        """A revision read inside a transaction."""
        return _revision(db.execute(f"SELECT * FROM revisions WHERE {where}", tuple(map(_bounded, args))).fetchone())

    def _revision(self, where: str, *args: Any) -> Revision | None:
        return _revision(self._row(f"SELECT * FROM revisions WHERE {where}", *args))

    def head(self, cid: int) -> Revision:
        rev = self._revision("character_id = ? ORDER BY number DESC LIMIT 1", cid)
        if rev is None:  # every character is created with a first revision: she is gone
            raise NotFound(GONE)
        return rev

    def revision(self, cid: int, number: int) -> Revision:
        rev = self._revision("character_id = ? AND number = ?", cid, number)
        if rev is None:
            last = self.head(cid).number
            raise NotFound(f"no revision {number}; revisions run from 1 to {last} (`inkborn history` lists them)")
        return rev

    def revision_by_id(self, rid: int) -> Revision:
        rev = self._revision("id = ?", rid)
        if rev is None:
            raise NotFound(f"no revision with id {rid}")
        return rev

    def revisions(self, cid: int, *, last: int | None = None) -> list[Revision]:
        """Her revisions, oldest first (only the newest `last` of them, if given)."""
        sql = "SELECT id FROM revisions WHERE character_id = ? ORDER BY number DESC"
        rows = self._rows(sql + _limit(last), cid)
        return [self.revision_by_id(r["id"]) for r in reversed(rows)]

    # people ---------------------------------------------------------------

    @staticmethod
    def _person(row: Any) -> Person:
        return Person(row["id"], row["character_id"], row["name"], row["role"])

    def author(self, cid: int) -> Person:
        row = self._row("SELECT * FROM people WHERE character_id = ? AND role = 'author'", cid)
        if row is None:  # every character is created with her author: she is gone
            raise NotFound(GONE)
        return self._person(row)

    def person(self, cid: int, name: str, *, create: bool = False) -> Person:
        row = self._row("SELECT * FROM people WHERE character_id = ? AND name = ?", cid, name)
        if row is None and create:
            with self._stored(), self.transaction() as db:
                db.execute(
                    "INSERT INTO people (character_id, name, role, created_at) VALUES (?, ?, 'visitor', ?)"
                    " ON CONFLICT DO NOTHING",
                    (cid, name, _now()),
                )
            row = self._row("SELECT * FROM people WHERE character_id = ? AND name = ?", cid, name)
        if row is None:
            raise NotFound(f"{name!r} has never talked with her; `inkborn people` lists who has")
        return self._person(row)

    def people(self, cid: int) -> list[Person]:
        return [self._person(r) for r in self._rows("SELECT * FROM people WHERE character_id = ? ORDER BY id", cid)]

    def last_spoken_revision(self, cid: int, person_id: int | None = None) -> int | None:
        """The revision id of her latest reply in a scene with this person, or to anyone."""
        sql = (
            "SELECT t.revision_id FROM turns t JOIN conversations c ON c.id = t.conversation_id"
            " WHERE c.character_id = ? AND t.speaker = 'her' AND t.status = 'ok' AND t.diagnostic = 0"
            " AND t.replaced_by IS NULL AND t.deleted_at IS NULL"
        )
        args: list[Any] = [cid]
        if person_id is not None:
            sql += " AND t.conversation_id IN (SELECT conversation_id FROM participants WHERE person_id = ?)"
            args.append(person_id)
        row = self._row(sql + " ORDER BY t.id DESC LIMIT 1", *args)
        return row["revision_id"] if row else None

    @contextmanager
    def _stored(self) -> Iterator[None]:
        """A save's failures as Inkborn's errors: a row for a character (or conversation) deleted
        meanwhile is NotFound; text the database cannot hold is InvalidInput; nothing is saved."""
        try:
            yield
        except Exception as exc:
            if self.database.orphaned(exc):
                raise NotFound(GONE) from None
            if self.database.unstorable(exc):
                raise InvalidInput("the text holds a character the database cannot store (a NUL, or half of "
                                   "a UTF-16 pair); nothing was saved") from None
            raise

    # invitations ------------------------------------------------------------

    def add_invite(self, cid: int, person_id: int, token_hash: str) -> None:
        with self._stored(), self.transaction() as db:
            db.execute(
                "INSERT INTO invites (character_id, person_id, token_hash, created_at) VALUES (?, ?, ?, ?)",
                (cid, person_id, token_hash, _now()),
            )

    def invite(self, token_hash: str) -> tuple[CharacterRecord, Person, str] | None:
        """The character and visitor a live invitation admits, with its stored hash; None if none."""
        row = self._row(
            "SELECT i.token_hash, p.*, c.slug, c.name AS character_name, c.created_at AS character_created"
            " FROM invites i JOIN people p ON p.id = i.person_id JOIN characters c ON c.id = i.character_id"
            " WHERE i.token_hash = ? AND i.revoked_at IS NULL",
            token_hash,
        )
        if row is None:
            return None
        record = CharacterRecord(row["character_id"], row["slug"], row["character_name"], _time(row["character_created"]))
        return record, self._person(row), row["token_hash"]

    def revoke_invites(self, cid: int, person_id: int) -> int:
        """End every live invitation of this visitor; returns how many were ended."""
        with self.transaction() as db:
            return db.execute(
                "UPDATE invites SET revoked_at = ? WHERE character_id = ? AND person_id = ? AND revoked_at IS NULL",
                (_now(), cid, person_id),
            ).rowcount

    def iter_tables(self) -> Iterator[str]:
        yield from self.database.tables()
